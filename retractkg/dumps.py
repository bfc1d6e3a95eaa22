"""Whole-graph dumps as streams of bytes: gzipped N-Quads, and one framed JSON-LD notice per line.

Neither loads the graph: N-Quads are serialized batch by batch from the store's quad iterator and
compressed on the fly; JSON-LD lines describe one notice at a time (the same document as
`/doc/notice/...` in JSON-LD, compact on one line). The API streams both (`api/dumps.py`) and
`retractkg export --format jsonld` writes the same lines, so they live below both.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from itertools import islice
from typing import BinaryIO

from pyoxigraph import RdfFormat, serialize

from retractkg.descriptions import Describer, Resolved
from retractkg.jsonld import dumps, frame
from retractkg.ontology import RKG
from retractkg.store import GraphStore

BATCH = 20_000


def notice_iris(store: GraphStore) -> Iterator[str]:
    """Every notice, in IRI order: from the store's index, not a query that sorts them within the endpoint's time
    limit (which the shared data's 119,000 notices passed, cutting the JSON-LD dump short at its first byte)."""
    yield from store.instances(f"{RKG}Notice")


def jsonld_lines(store: GraphStore) -> Iterator[bytes]:
    """One JSON-LD document per notice, each a line of its own."""
    describer = Describer(store)
    for iri in notice_iris(store):
        description = describer.describe(Resolved(iri, "notice", False))
        if description is not None:
            yield dumps(frame(description.triples, iri), pretty=False) + b"\n"


def write_jsonld(store: GraphStore, output: BinaryIO) -> None:
    for line in jsonld_lines(store):
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
