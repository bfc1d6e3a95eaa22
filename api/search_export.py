"""The notices of a search as CSV or JSON, streamed in chunks: a whole result set (the Retraction Watch
database offers its search results so) without holding it in memory.

One row per notice with the fields of the per-notice statistics; a facet with several values (reasons,
subjects, countries...) is one cell of values joined by "; " in CSV, a list in JSON.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from retractkg.jsonld import dumps
from retractkg.store.text_index import TextIndex

EXPORT_AT_MOST = 100_000  # notices in one export (the full Retraction Watch database has about 72,500)
EXPORT_FORMATS = ("csv", "json")
CHUNK = 1_000
FIELDS = ("id", "label", "date", "doi", "nature", "reasons", "article", "article_title", "article_doi", "journals",
          "publishers", "countries", "subjects", "years")
LISTS = {"reasons": "reason", "journals": "journal", "publishers": "publisher", "countries": "country",
         "subjects": "subject", "years": "year"}
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _records(index: TextIndex, ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    """The notices of `ids` as export records, a chunk at a time."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        statistics = index.statistics()  # per chunk: a streamed response may go on in another thread
        rows, values = statistics.rows_by_id(chunk), statistics.values_of(chunk)
        yield [{"id": rows[i].iri, "label": rows[i].label, "date": rows[i].date, "doi": rows[i].doi,
                "nature": rows[i].nature, "article": rows[i].article, "article_title": rows[i].article_title,
                "article_doi": rows[i].article_doi,
                **{field: values[i].get(facet, []) for field, facet in LISTS.items()}} for i in chunk if i in rows]


def export_chunks(index: TextIndex, ids: list[int], format: str,
                  about: dict[str, Any]) -> tuple[str, Iterator[bytes]]:
    """(media type, the body in chunks) of the export of these notices."""
    if format == "csv":
        def csv_chunks() -> Iterator[bytes]:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(FIELDS)
            for records in _records(index, ids):
                writer.writerows([["; ".join(r[f]) if f in LISTS else r[f] for f in FIELDS] for r in records])
                yield out.getvalue().encode()
                out.seek(0)
                out.truncate()
            if out.tell():
                yield out.getvalue().encode()
        return MEDIA_TYPES["csv"], csv_chunks()

    def json_chunks() -> Iterator[bytes]:
        head = dumps({**about, "total": len(ids)})
        yield head[:-1] + b', "notices": ['
        first = True
        for records in _records(index, ids):
            for record in records:
                yield (b"" if first else b",") + dumps(record)
                first = False
        yield b"]}"
    return MEDIA_TYPES["json"], json_chunks()
