"""Issue 16, point lookups: `GET /sparql` is answered before the app's middleware and routing (`SparqlLookups`
in `api/sparql.py`), with its headers written once. What a client sees must not change for it: the same
headers as the same request through the whole stack (POST takes that way), for every format and every
problem, from a real `retractkg serve` whose queries run in its query processes.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import termios
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from servers import serving
from test_endpoint_hardening import query_processes

from retractkg.cli import main

# Set by the server for each answer or connection, not by the app's choices.
PER_ANSWER = {"server-timing", "date"}
NOTICE = "https://w3id.org/retractkg/id/notice/retraction/10.1186/s12951-022-01520-8"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("lookups") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    return store


@pytest.fixture(scope="module")
def server(demo_store, tmp_path_factory) -> Iterator[str]:
    with serving(demo_store, tmp_path_factory.mktemp("lookups-log") / "serve.log") as (base, _):
        yield base


def fetch(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def by_get(base: str, query: str, headers: dict[str, str], method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    return fetch(urllib.request.Request(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                                        headers=headers, method=method))


def by_post(base: str, query: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    return fetch(urllib.request.Request(f"{base}/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"}))


def chosen(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name not in PER_ANSWER}


@pytest.mark.parametrize(("query", "accept"), [
    (f"SELECT ?reason WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "application/sparql-results+json"),
    (f"SELECT ?reason WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "application/sparql-results+xml"),
    (f"SELECT ?reason WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "text/csv"),
    (f"SELECT ?reason WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "*/*"),
    (f"ASK {{ <{NOTICE}> a ?type }}", "application/sparql-results+json"),
    (f"CONSTRUCT WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "text/turtle"),
    (f"CONSTRUCT WHERE {{ <{NOTICE}> rkg:reason ?reason }}", "application/ld+json"),
])
def test_a_lookup_by_get_carries_the_headers_of_the_whole_stack(server, query, accept):
    headers = {"Accept": accept}
    status, got, body = by_get(server, query, headers)
    post_status, posted, post_body = by_post(server, query, headers)
    assert status == post_status == 200, body
    assert body == post_body and body
    assert chosen(got) == chosen(posted)
    assert got["vary"] == "Accept, Origin" and got["x-content-type-options"] == "nosniff"
    assert got["server-timing"].startswith("answer;dur=")
    assert "server" not in got and "server" not in posted  # `retractkg serve` names no server software
    head_status, head, head_body = by_get(server, query, headers, method="HEAD")
    assert head_status == 200 and head_body == b""
    assert chosen(head) == chosen(got)


@pytest.mark.parametrize(("query", "kind"), [
    ("SELECT ?s WHERE { ?s ?p }", "query-syntax"),
    ("SELECT ?s WHERE { ?s undeclared:name ?o }", "query-syntax"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "service-refused"),
    ("SELECT * FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o }", "unknown-graph"),
])
def test_a_refused_lookup_by_get_is_the_same_problem_as_through_the_whole_stack(server, query, kind):
    headers = {"Accept": "application/sparql-results+json"}
    status, got, body = by_get(server, query, headers)
    post_status, posted, post_body = by_post(server, query, headers)
    assert status == post_status == 400
    assert json.loads(body)["type"].rsplit("/", 1)[-1] == kind
    assert body == post_body
    assert chosen(got) == chosen(posted)


def test_predeclared_prefixes_reach_the_query_that_uses_them_and_its_own_win(server):
    """Only the predeclared prefixes a query's text names are declared before it; a query's own PREFIX of the
    same name still wins, and a syntax error is still reported on the user's own line."""
    accept = {"Accept": "application/sparql-results+json"}
    _, _, body = by_get(server, f"SELECT ?label WHERE {{ <{NOTICE}> rkg:reason ?r . ?r skos:prefLabel ?label }}",
                        accept)
    assert json.loads(body)["results"]["bindings"]
    _, _, body = by_get(server, "PREFIX rkg: <http://example.org/nothing#> "
                                f"SELECT ?r WHERE {{ <{NOTICE}> rkg:reason ?r }}", accept)
    assert json.loads(body)["results"]["bindings"] == []
    status, _, body = by_get(server, "SELECT ?s\nWHERE { ?s ?p }", accept)
    assert status == 400 and "2:" in json.loads(body)["detail"]



@pytest.mark.parametrize("query", [
    'SELECT ?x WHERE { BIND(IRI("notice/a") AS ?x) }',
    'SELECT ?x WHERE { BIND(uri ( "notice/a" ) AS ?x) FILTER(?x != <http://example.org/b>) }',
    'PREFIX n: <notice/> SELECT ?x WHERE { BIND(n:a AS ?x) }',
    'SELECT ?x WHERE { VALUES ?x { <notice/a> <https://e.org/b> } FILTER(1 < 2 && ?x != <https://e.org/b>) }',
    'BASE <http://example.org/> SELECT ?x WHERE { BIND(<http://example.org/notice/a> AS ?x) }',
])
def test_whatever_may_resolve_against_the_base_still_does_where_lookups_go_without_it(server, query):
    """A query whose IRIs are all written in full is sent to the engine without the endpoint's BASE (it has
    nothing to resolve); a relative IRI anywhere (beside full ones, in a PREFIX), and IRI()/URI() in any
    case and spacing, still resolve against the endpoint's own IRI."""
    status, _, body = by_get(server, query, JSON_RESULTS)
    assert status == 200, body
    [row] = json.loads(body)["results"]["bindings"]
    expected = "http://example.org/notice/a" if query.startswith("BASE") else "https://w3id.org/retractkg/notice/a"
    assert row["x"] == {"type": "uri", "value": expected}


def ended(pid: int) -> bool:
    """Whether a killed child has ended, unreaped: its leader a zombie and no thread of it left. A leader turns
    zombie before the engine's other threads have exited, and until the last one has, the process's pipes
    are still open (a request written then is taken, and the process ends under it)."""
    return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
            and os.listdir(f"/proc/{pid}/task") == [str(pid)])


REASONS_QUERY = f"SELECT ?reason WHERE {{ <{NOTICE}> rkg:reason ?reason }}"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@contextlib.contextmanager
def with_idle_processes(demo_store: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, list[int]]]:
    """A server that has answered a lookup: its address, its process and its query processes, idle."""
    with serving(demo_store, tmp_path / "serve.log") as (base, process):
        assert by_get(base, REASONS_QUERY, JSON_RESULTS)[0] == 200
        idle = list(query_processes(process.pid))
        assert idle
        yield base, process, idle


def test_a_query_process_that_ended_while_idle_costs_no_query_an_error(demo_store, tmp_path):
    """A process is not asked whether it still runs after each answer (a wait() every lookup): one that ended
    while idle is found when a request is sent to it, and the request goes to another process."""
    with with_idle_processes(demo_store, tmp_path) as (base, process, idle):
        for pid in idle:
            os.kill(pid, signal.SIGKILL)
        while not all(ended(pid) for pid in idle):
            time.sleep(0.05)  # each has ended (unreaped) before the requests below are sent
        # Each a new question (the answer cache would answer a repeated one without a process).
        statuses = [by_get(base, f"{REASONS_QUERY} LIMIT {limit}", JSON_RESULTS)[0]
                    for limit in range(1, len(idle) + 4)]
        assert statuses == [200] * (len(idle) + 3)
        assert set(query_processes(process.pid)) - set(idle)  # the pool started others in their place


def unread_request(pid: int) -> int:
    """The bytes waiting unread in a query process's request pipe (its stdin, opened again through /proc)."""
    fd = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NONBLOCK)
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, bytes(4)))[0]
    finally:
        os.close(fd)


def test_a_request_that_a_query_process_ended_without_reading_goes_to_another(demo_store, tmp_path):
    """A process killed while idle keeps its pipes open until its last thread has exited, and a request written
    in between is taken but never read. Such a request goes to another process, not to a 500: made certain here
    by stopping the idle processes, so that the request waits unread in one's pipe, then killing that one. A
    process that has read its request and then ends is still an engine crash (`test_endpoint_hardening`)."""
    with with_idle_processes(demo_store, tmp_path) as (base, process, idle):
        for pid in idle:
            os.kill(pid, signal.SIGSTOP)
        with ThreadPoolExecutor(1) as pool:
            # A new question: not answered from the cache.
            answer = pool.submit(by_get, base, f"{REASONS_QUERY} LIMIT 1", JSON_RESULTS)
            taker = None
            for _ in range(1200):
                taker = next((pid for pid in idle if unread_request(pid)), None)
                if taker is not None or answer.done():
                    break
                time.sleep(0.05)
            assert taker is not None, answer.result() if answer.done() else "no query process took the request"
            os.kill(taker, signal.SIGKILL)
            for pid in idle:
                if pid != taker:
                    os.kill(pid, signal.SIGCONT)
            status, _, body = answer.result(timeout=120)
        assert status == 200, body
        assert json.loads(body)["results"]["bindings"]


@pytest.mark.parametrize("raw", [
    "query=SELECT+%3Fx+WHERE+%7B+BIND(%22caf%C3%A9%22+AS+%3Fx)+%7D",  # '+' for spaces, UTF-8 escapes
    "query=SELECT%20%3fx%20WHERE%20%7b%20BIND(%22100%25%22%20AS%20%3fx)%20%7d",  # lower-case escapes
    "query=SELECT+%3Fx+WHERE+%7B+BIND(%22a%zz%2%22+AS+%3Fx)+%7D",  # malformed escapes are kept as they are
    "query=SELECT+%3Fx+WHERE+%7B+BIND(%22a\\tb%FF%22+AS+%3Fx)+%7D",  # a backslash; a byte that is not UTF-8
    "query=SELECT+%3Fx+WHERE+%7B+BIND(%22caf\xc3\xa9%22+AS+%3Fx)+%7D",  # raw bytes beyond ASCII
    "&&format=&query=SELECT+%3Fx+WHERE+%7B+BIND(1+AS+%3Fx)+%7D&default-graph-uri",  # blank fields and values
])
def test_a_lookup_reads_its_query_string_as_the_whole_stack_does(server, raw):
    """The lookups decode the query string their own, faster way (`api/query_string.py`); a cross-origin call
    (an `Origin`) goes through the whole stack's reading: both give the same answer for the same bytes."""
    answers = []
    for extra in (b"", b"Origin: https://example.org\r\n"):
        # Written on a socket: http.client sends no bytes beyond ASCII in a request line.
        split = urllib.parse.urlsplit(server)
        with socket.create_connection((split.hostname, split.port), timeout=60) as connection:
            connection.sendall(b"GET /sparql?" + raw.encode("latin-1") + b" HTTP/1.1\r\nHost: "
                               + split.netloc.encode() + b"\r\nAccept: application/sparql-results+json\r\n"
                               + b"Connection: close\r\n" + extra + b"\r\n")
            response = http.client.HTTPResponse(connection)
            response.begin()
            answers.append((response.status, response.read()))
    assert answers[0] == answers[1]
    assert answers[0][0] in (200, 400), answers[0]


def gone(pid: int) -> bool:
    """Whether a killed child has ended (`ended`), or even been reaped."""
    try:
        return ended(pid)
    except FileNotFoundError:
        return True


def cpu_of(pid: int) -> float:
    """CPU seconds (user and system) that process `pid` itself has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_answers_read_on_the_event_loop_and_in_threads_share_the_query_processes(demo_store, tmp_path):
    """The event loop keeps watching a query process's answer pipe between lookups (`_Process.watch` in
    `api/query_processes.py`), while the pool's threads read answers from the same processes (whenever none is
    idle, as with more lookups at once than idle processes): no answer may be lost to the wrong reader, no
    descriptor leak with each change of reader, and the loop must not keep polling a pipe it no longer reads,
    nor one whose process has ended (it stays readable: the server would spin)."""
    with serving(demo_store, tmp_path / "serve.log") as (base, process):
        def lookups(first: int) -> list[int]:
            # New questions each (the answer cache would answer a repeated one without a process).
            queries = [f"{REASONS_QUERY} LIMIT {limit}" for limit in range(first, first + 120)]
            with ThreadPoolExecutor(12) as pool:
                return list(pool.map(lambda query: by_get(base, query, JSON_RESULTS)[0], queries))

        assert lookups(1) == [200] * 120
        descriptors = len(os.listdir(f"/proc/{process.pid}/fd"))
        assert lookups(1000) == [200] * 120
        assert len(os.listdir(f"/proc/{process.pid}/fd")) <= descriptors + 4
        idle = list(query_processes(process.pid))
        for pid in idle:
            os.kill(pid, signal.SIGKILL)
        while not all(map(gone, idle)):
            time.sleep(0.05)
        time.sleep(0.5)
        used = cpu_of(process.pid)
        time.sleep(2.0)
        # Idle, not polling the ended processes' pipes: a server that did got 0.17 s of CPU a second on this
        # two-core machine at load 9 (its share of the cores), and an idle one 0-0.01.
        assert cpu_of(process.pid) - used < 0.1
        assert [by_get(base, f"{REASONS_QUERY} LIMIT {limit}", JSON_RESULTS)[0] for limit in range(2000, 2006)] \
            == [200] * 6


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_what_is_kept_of_a_repeated_lookup_never_decides_for_another_request(server):
    """The server keeps what it read of a lookup's query string (`sparql.lookup_of`), and a query process what it
    read of a query's text (`sparql_results.read_query`: the text given to the engine and its FROM graphs), so that
    a repeated lookup is read once. Whatever depends on more than those (the `Accept` header, the request's own
    graphs, whether a graph is in the store) is still decided for every request, in any order."""
    [graph] = [row["g"]["value"] for row in json.loads(by_get(
        server, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1", JSON_RESULTS)[2])["results"]["bindings"]]
    unknown = "SELECT ?s FROM <https://example.org/no-such-graph> WHERE { ?s ?p ?o } LIMIT 1"
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    for _ in range(2):
        # The same query string: data for a client, a page for a browser, whichever came first.
        status, headers, body = by_get(server, REASONS_QUERY, JSON_RESULTS)
        assert status == 200 and headers["content-type"] == "application/sparql-results+json"
        status, headers, _ = by_get(server, REASONS_QUERY, BROWSER)
        assert status == 200 and headers["content-type"].startswith("text/html")
        status, headers, _ = by_get(server, REASONS_QUERY, {"Accept": "text/csv"})
        assert status == 200 and headers["content-type"].startswith("text/csv")
        # FROM a graph the store lacks: refused, unless the request names graphs of its own, which win.
        status, _, body = by_get(server, unknown, JSON_RESULTS)
        assert status == 400 and json.loads(body)["type"].endswith("/unknown-graph"), body
        status, _, body = fetch(urllib.request.Request(
            f"{server}/sparql?{urllib.parse.urlencode({'query': unknown, 'default-graph-uri': graph})}",
            headers=JSON_RESULTS))
        assert status == 200, body
        status, _, body = by_get(server, service, JSON_RESULTS)
        assert status == 400 and json.loads(body)["type"].endswith("/service-refused"), body
