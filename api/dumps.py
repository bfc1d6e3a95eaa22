"""Dumps of the whole graph that stream: N-Quads (gzip) and JSON-LD lines (one framed notice per line).

Neither loads the graph: N-Quads are serialized batch by batch from the store's quad iterator and
compressed on the fly; JSON-LD lines describe one notice at a time (the same document as
`/doc/notice/...` in JSON-LD, compact on one line). `retractkg export --format jsonld` writes the same
lines through `write_jsonld`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import islice
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pyoxigraph import RdfFormat, serialize

from retractkg.api.deps import get_settings, get_store
from retractkg.api.jsonld import dumps, frame
from retractkg.api.resources import Describer, Resolved
from retractkg.config import Settings
from retractkg.ontology import RKG
from retractkg.store import GraphStore

router = APIRouter(tags=["dumps"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BATCH = 20_000
NDJSON = "application/x-ndjson"


def notice_iris(store: GraphStore) -> Iterator[str]:
    for solution in store.query(f"SELECT ?n WHERE {{ ?n a <{RKG}Notice> }} ORDER BY ?n"):
        yield solution["n"].value


def jsonld_lines(store: GraphStore, settings: Settings) -> Iterator[bytes]:
    """One JSON-LD document per notice, each a line of its own."""
    describer = Describer(store)
    for iri in notice_iris(store):
        description = describer.describe(Resolved(iri, "notice", False))
        if description is not None:
            yield dumps(frame(description.triples, iri), pretty=False) + b"\n"


def write_jsonld(store: GraphStore, settings: Settings, output: BinaryIO) -> None:
    for line in jsonld_lines(store, settings):
        output.write(line)
    output.flush()


def nquads_gzip(store: GraphStore, batch_size: int = BATCH) -> Iterator[bytes]:
    """Every quad, as gzip-compressed N-Quads, `batch_size` quads at a time."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    quads = store.quads()
    while batch := list(islice(quads, batch_size)):
        # A sync flush per batch: the client receives every batch as soon as it is read.
        yield compressor.compress(serialize(batch, format=RdfFormat.N_QUADS)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    yield compressor.flush()


@router.get("/dumps/retractkg.nq.gz", response_class=StreamingResponse,
            responses={200: {"content": {"application/gzip": {}},
                             "description": "Every quad of the store as gzipped N-Quads (named graph per record)."}},
            summary="Dump of the whole graph: N-Quads, gzip")
def nquads_dump(store: StoreDep) -> StreamingResponse:
    return StreamingResponse(nquads_gzip(store), media_type="application/gzip",
                             headers={"Content-Disposition": 'attachment; filename="retractkg.nq.gz"'})


@router.get("/dumps/retractkg.jsonl", response_class=StreamingResponse,
            responses={200: {"content": {NDJSON: {}},
                             "description": "One framed JSON-LD document per notice, one per line."}},
            summary="Dump of every notice as JSON-LD lines")
def jsonld_dump(store: StoreDep, settings: SettingsDep) -> StreamingResponse:
    return StreamingResponse(jsonld_lines(store, settings), media_type=NDJSON,
                             headers={"Content-Disposition": 'attachment; filename="retractkg.jsonl"'})
