"""The routes of the whole-graph dumps: N-Quads (gzip) and JSON-LD lines, streamed (`retractkg.dumps`
makes them; `retractkg export --format jsonld` writes the same lines).

Their validators come from the change log, which logs every change ingest makes: a harvester's
conditional GET (or HEAD) of a dump is answered without reading the graph.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse

from retractkg import __version__
from retractkg.api.caching import etag_for, validated
from retractkg.api.deps import get_settings, get_store
from retractkg.api.route_limits import Slots, slots
from retractkg.api.routing import get_and_head
from retractkg.config import Settings
from retractkg.dumps import jsonld_lines, nquads_gzip
from retractkg.formats import GZIP, NDJSON
from retractkg.ontology import VOCABULARY_GRAPH
from retractkg.store import GraphStore
from retractkg.store.base import xsd_datetime
from retractkg.store.change_log import ChangeLog, stored_hashes

router = APIRouter(tags=["dumps"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def dump_response(request: Request, store: GraphStore, settings: Settings, body: Callable[[], Iterator[bytes]],
                  media_type: str, filename: str) -> Response:
    """The dump streamed, or only its headers (HEAD), or 304 when the client's copy is current."""
    count, newest = ChangeLog(store, settings).extent()
    vocabulary = stored_hashes(store, [VOCABULARY_GRAPH]).get(VOCABULARY_GRAPH, "")
    etag = etag_for(f"{count} {newest} {vocabulary} {__version__}".encode(), media_type)
    modified = xsd_datetime(newest) if newest else None
    headers, unchanged = validated(request, etag, modified,
                                   {"Content-Disposition": f'attachment; filename="{filename}"'})
    if unchanged is not None:
        return unchanged
    if request.method == "HEAD":
        head = Response(media_type=media_type, headers=headers)
        # The GET streams without a Content-Length; the empty body's "0" would tell a harvester the dump is empty.
        del head.headers["content-length"]
        return head
    dump_slots = slots(request, "dump")
    dump_slots.take()
    return StreamingResponse(_streamed(dump_slots, body), media_type=media_type, headers=headers)


_END = object()


async def _streamed(dump_slots: Slots, chunks: Callable[[], Iterator[bytes]]) -> AsyncIterator[bytes]:
    """The chunks, made in one thread of their own, holding a dump slot until the last is sent or the client
    goes away. One thread: pyoxigraph's result iterators may only be advanced by the thread that made them
    (pyo3 aborts the process otherwise), and Starlette advances a plain iterator from any thread of its pool."""
    made: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()

    def offer(item: object) -> bool:
        """Hand an item over, unless the client went away meanwhile."""
        while not stop.is_set():
            try:
                made.put(item, timeout=1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks():
                if not offer(chunk):
                    return
        except Exception as e:  # noqa: BLE001 - ends the stream; the client sees it cut short
            offer(e)
        offer(_END)

    threading.Thread(target=produce, name="dump", daemon=True).start()
    try:
        while (item := await asyncio.to_thread(made.get)) is not _END:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        dump_slots.release()


@get_and_head(router, "/dumps/retractkg.nq.gz", response_class=StreamingResponse,
              responses={200: {"content": {GZIP: {}},
                               "description": "Every quad of the store as gzipped N-Quads (named graph per record)."},
                         304: {"description": "Not modified."}},
              summary="Dump of the whole graph: N-Quads, gzip")
def nquads_dump(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return dump_response(request, store, settings, lambda: nquads_gzip(store), GZIP, "retractkg.nq.gz")


@get_and_head(router, "/dumps/retractkg.jsonl", response_class=StreamingResponse,
              responses={200: {"content": {NDJSON: {}},
                               "description": "One framed JSON-LD document per notice, one per line."},
                         304: {"description": "Not modified."}},
              summary="Dump of every notice as JSON-LD lines")
def jsonld_dump(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return dump_response(request, store, settings, lambda: jsonld_lines(store), NDJSON, "retractkg.jsonl")
