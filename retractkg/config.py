"""One settings object, read once (from arguments and environment) and passed down explicitly."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import NamedNode

from retractkg.ontology import VOCAB

DEFAULT_STORE = Path("retractkg-store")


@dataclass(frozen=True)
class ReadLimits:
    """How much of one input ingest reads before calling it damaged, so no input can exhaust memory.

    `record_bytes` bounds one record as read (decompressed): a notice file (an HTML page may be
    `HTML_SCALE` times as large, a PDF or a whole-JSON document `DOCUMENT_SCALE` times), one line of a
    CSV, TSV or JSON Lines file, one XML article. `field_chars` bounds one value: a CSV cell, a title, a
    name (a notice's body text is bounded by its record). Reading stops at the limit, so a small
    gzip that inflates to gigabytes costs no more than the limit.
    """

    record_bytes: int = 5_000_000
    field_chars: int = 100_000

    HTML_SCALE = 4  # pages carry scripts and styles besides the notice
    DOCUMENT_SCALE = 20  # a PDF's fonts and images; a Crossref REST page of up to 1,000 works


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and under which base its IRIs are minted.

    `base` must end in "/" so that minted IRIs are `{base}id/{kind}/{key}`. Changing it after
    ingest mints different IRIs: re-ingest into a fresh store.
    """

    base: str = VOCAB
    store_path: Path = DEFAULT_STORE
    # A remote SPARQL 1.1 server replaces the embedded store when `sparql_query_url` is set.
    sparql_query_url: str = ""
    sparql_update_url: str = ""
    sparql_user: str = ""
    sparql_password: str = field(default="", repr=False)
    # Public endpoint limits (seconds, rows).
    query_timeout: float = 10.0
    max_result_rows: int = 100_000
    # The full-text index (`retractkg.store.text_index`); by default inside the embedded store's folder,
    # or `retractkg-search.sqlite3` in the working folder with a remote store.
    text_index: Path | None = None
    # SPARQL answers kept in memory per server process (`api/answer_cache.py`), in MB; 0 keeps none.
    answer_cache_mb: int = 64
    # Ingest read limits (`ReadLimits`): bytes of one record as read, characters of one value.
    max_record_bytes: int = 5_000_000
    max_field_chars: int = 100_000

    def __post_init__(self) -> None:
        # Minted IRIs are dereferenced as `{base}id/...` (a fragment never reaches the server), and nodes inside
        # a resource's document are `{resource}#...`: a base with a "#" breaks both.
        if not self.base.endswith("/") or "#" in self.base:
            raise ValueError(f"base IRI must end with '/' and hold no '#': {self.base!r}")
        try:  # every IRI the API resolves is built on it: a relative one would fail every request
            NamedNode(self.base)
        except ValueError as e:
            raise ValueError(f"base IRI is not a valid absolute IRI: {self.base!r} ({e})") from e
        if self.answer_cache_mb < 0:
            raise ValueError(f"the answer cache cannot hold {self.answer_cache_mb} MB: 0 or more")
        if not self.query_timeout > 0 or self.max_result_rows < 1:  # `not >`: a NaN timeout is refused too
            raise ValueError(f"the query timeout must be above 0 s and the result cap at least 1 row: "
                             f"{self.query_timeout!r} s, {self.max_result_rows!r} rows")
        if self.max_record_bytes < 1 or self.max_field_chars < 1:
            raise ValueError(f"the ingest limits must be at least 1: {self.max_record_bytes!r} bytes per record, "
                             f"{self.max_field_chars!r} characters per value")

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits(record_bytes=self.max_record_bytes, field_chars=self.max_field_chars)

    @property
    def text_index_path(self) -> Path:
        if self.text_index is not None:
            return self.text_index
        return Path("retractkg-search.sqlite3") if self.sparql_query_url else self.store_path / "search.sqlite3"

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from the `RETRACTKG_*` variables set (the defaults for the others), then `overrides` not None."""
        settings = cls(**{name: _read(variable, convert) for variable, (name, convert) in ENVIRONMENT.items()
                          if variable in os.environ})
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def environment(self) -> dict[str, str]:
        """These settings as the environment `from_env` reads: how they reach server worker processes."""
        return {variable: str(getattr(self, name)) for variable, (name, _) in ENVIRONMENT.items()
                if getattr(self, name) is not None}


def _read(variable: str, convert: Callable[[str], object]) -> object:
    try:
        return convert(os.environ[variable])
    except ValueError as e:
        raise ValueError(f"{variable}={os.environ[variable]!r} is not a valid value ({e})") from e


# Environment variable -> (Settings field, how to read its text): the one table both directions use.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "RETRACTKG_BASE": ("base", str),
    "RETRACTKG_STORE": ("store_path", Path),
    "RETRACTKG_SPARQL_QUERY_URL": ("sparql_query_url", str),
    "RETRACTKG_SPARQL_UPDATE_URL": ("sparql_update_url", str),
    "RETRACTKG_SPARQL_USER": ("sparql_user", str),
    "RETRACTKG_SPARQL_PASSWORD": ("sparql_password", str),
    "RETRACTKG_QUERY_TIMEOUT": ("query_timeout", float),
    "RETRACTKG_MAX_RESULT_ROWS": ("max_result_rows", int),
    "RETRACTKG_TEXT_INDEX": ("text_index", Path),
    "RETRACTKG_ANSWER_CACHE_MB": ("answer_cache_mb", int),
    "RETRACTKG_MAX_RECORD_BYTES": ("max_record_bytes", int),
    "RETRACTKG_MAX_FIELD_CHARS": ("max_field_chars", int),
}
