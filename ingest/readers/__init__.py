"""Format readers: one module per source family, each turning a file into `SourceRecord`s of the one notice model."""
