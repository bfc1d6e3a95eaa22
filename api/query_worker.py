"""A query process: evaluates SPARQL on a read-only view of the embedded store, one query at a time.

    python -m retractkg.api.query_worker STORE_FOLDER

The app starts a few of these (`retractkg.api.query_processes`) and sends every SPARQL query it runs
to one of them, so that whatever the engine does with a query costs only this process: a query past
its deadline is killed with it (the CPU is freed at once), and an engine panic that aborts the
process (pyoxigraph 0.5.13 aborts on some ORDER BY over mixed date/dateTime literals) is answered as
an error while the server carries on.

The process cannot open IP sockets (a seccomp filter, set before the store is opened): no query can
make the server fetch anything, whatever its text makes of SERVICE.

Frames on stdin/stdout: a request is `>I` length + a JSON array, `[op, timeout, query, *arguments]`
(made by `protocol_request` and `results_request`: an array, not an object, as no key is written or
read); an answer is `>IId` (header length, body length, the CPU seconds this process has used so far, so that
the app need not read /proc before the next query) + header + body bytes. The header of a protocol answer is
its media type (ASCII: nothing to parse on the lookups' path); any other (a failure, the kind of a result,
the first answer, "ready") is a JSON object, which opens with `{` as no media type does.
"""

from __future__ import annotations

import errno
import socket
import struct
import sys
import time
from collections.abc import Sequence
from typing import BinaryIO

import orjson
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat
from pyoxigraph import serialize as serialize_rdf

from retractkg.api.sparql_limits import Deadline
from retractkg.api.sparql_results import STORE_DATASET, Dataset, protocol_answer
from retractkg.store import OxigraphStore, StoreError

REQUEST_HEAD = struct.Struct(">I")
ANSWER_HEAD = struct.Struct(">IId")


def forbid_network() -> str | None:
    """Make IP sockets impossible in this process; the reason it could not, if so (then SERVICE is
    still refused by the endpoint's reading of the query, but not by the kernel)."""
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as e:  # not Linux, or no libseccomp
        return f"seccomp is not available ({e})"
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in (socket.AF_INET, socket.AF_INET6, socket.AF_PACKET):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
        rules.load()
    except Exception as e:  # noqa: BLE001 - a kernel without seccomp: say so, keep serving
        return f"seccomp could not be set ({e})"
    return None


def die_with_parent() -> None:
    """Linux: be killed when the app's process ends, even mid-query (a killed app leaves no query running)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


TIMEOUT, QUERY = 1, 2  # a request's deadline (seconds) and query text, whatever its op


def protocol_request(query: str, default_graphs: Sequence[str], named_graphs: Sequence[str], accept: str | None,
                     format: str | None, base_iri: str, max_rows: int, timeout: float) -> list:
    """A SPARQL Protocol request: its answer in the format negotiated, within the limits (`protocol_answer`)."""
    return ["protocol", timeout, query, default_graphs, named_graphs, accept, format, base_iri, max_rows]


def results_request(query: str, dataset: list[list[str]] | None, timeout: float) -> list:
    """A query of the app's own; `dataset` is [default graphs, named graphs], or None for the store's."""
    return ["results", timeout, query, dataset]


def results(store: OxigraphStore, query: str, dataset: list[list[str]] | None) -> tuple[dict, bytes]:
    """A query of the app's own (pages, feed, VoID): solutions and booleans as SPARQL JSON, graphs as N-Triples."""
    if dataset is None:
        result = store.query(query)
    else:
        result = store.query(query, default_graphs=dataset[0], named_graphs=dataset[1])
    if isinstance(result, QueryBoolean | QuerySolutions):
        return {"kind": "solutions"}, result.serialize(format=QueryResultsFormat.JSON)
    return {"kind": "graph"}, serialize_rdf(result, format=RdfFormat.N_TRIPLES)


def answer(store: OxigraphStore, request: list) -> tuple[bytes, bytes]:
    """One request (see `protocol_request`, `results_request`), as (header, body) of its answer frame; a failure
    is reported as its exception's class name and message."""
    try:
        if request[0] == "protocol":
            _, timeout, query, default_graphs, named_graphs, accept, format, base_iri, max_rows = request
            dataset = (Dataset(tuple(default_graphs), tuple(named_graphs)) if default_graphs or named_graphs
                       else STORE_DATASET)
            found = protocol_answer(store, query, dataset, base_iri=base_iri, accept=accept, format=format,
                                    deadline=Deadline(timeout), max_rows=max_rows)
            return found.media_type.encode("ascii"), found.body
        _, _, query, dataset = request
        header, body = results(store, query, dataset)
        return orjson.dumps(header), body
    except Exception as e:  # noqa: BLE001 - every failure goes back to the app, which maps it to a response
        return orjson.dumps({"error": type(e).__name__, "message": str(e)}), b""


CPU_READ_EVERY = 0.01  # wall seconds: how stale the CPU seconds an answer reports may be


def serve(store: OxigraphStore, requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the end of `requests`.

    The CPU seconds an answer carries are read again only once `CPU_READ_EVERY` has passed since the last reading
    (the kernel sums them over the process's threads: a system call that cost a lookup 1.6-4 us, more than its
    whole framing). The app measures a query's CPU from that figure (`query_processes`), so a stale one may
    overstate it by at most the CPU used in that time: 10 ms against the 0.5 s that makes a query long."""
    cpu = time.process_time()
    read_at = time.monotonic()
    while head := requests.read(REQUEST_HEAD.size):
        (size,) = REQUEST_HEAD.unpack(head)
        header, body = answer(store, orjson.loads(requests.read(size)))
        now = time.monotonic()
        if now - read_at >= CPU_READ_EVERY:
            cpu, read_at = time.process_time(), now
        answers.write(b"".join((ANSWER_HEAD.pack(len(header), len(body), cpu), header, body)))
        answers.flush()


def main(argv: list[str]) -> int:
    path = argv[0]
    die_with_parent()
    refused = forbid_network()
    out = sys.stdout.buffer
    try:
        store = OxigraphStore(path, read_only=True)
    except StoreError as e:
        print(f"query process: {e}", file=sys.stderr)
        return 1
    ready = orjson.dumps({"ready": True, "network": refused or "refused"})
    out.write(ANSWER_HEAD.pack(len(ready), 0, time.process_time()) + ready)
    out.flush()
    serve(store, sys.stdin.buffer, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
