"""The public endpoint under attack (issue 15, items 1-7): each test is a probe that got through on fabe172.

They run against a real `retractkg serve` process on loopback, with a loopback listener standing
where an attacker's SERVICE target would be: it counts every connection the server makes to it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import engine_panic
import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import serving

from retractkg.api.pages import script_json
from retractkg.cli import main

QUERY_TIMEOUT = 10  # the module's server: generous, so a loaded machine answers each probe before it
RUNAWAY_TIMEOUT = 10
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# pyoxigraph 0.5.13 panics in its sort ("does not correctly implement a total order") and aborts.
ENGINE_PANIC = engine_panic.QUERY
CHEAP = "ASK { ?s a <http://purl.org/spar/fabio/RetractionNotice> }"


class Listener:
    """A loopback TCP listener that counts the connections made to it (it answers none)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    """The demo notices, and in a graph of its own literals whose ORDER BY aborts pyoxigraph 0.5.13."""
    store = tmp_path_factory.mktemp("hardening") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    engine_panic.add_to(store)
    return store


@pytest.fixture(scope="module")
def server(demo_store, tmp_path_factory) -> Iterator[tuple[str, object]]:
    log = tmp_path_factory.mktemp("hardening-log") / "serve.log"
    with serving(demo_store, log, env={"RETRACTKG_QUERY_TIMEOUT": str(QUERY_TIMEOUT)}) as (base, process):
        yield base, process


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    target = Listener()
    yield target
    target.close()


def ask(base: str, query: str, *, how: str = "get", accept: str = "application/sparql-results+json",
        timeout: float = 60) -> tuple[int, dict, bytes]:
    """Send a query by GET, form POST or direct POST; (status, headers, body) whatever the status."""
    headers = {"Accept": accept}
    if how == "get":
        request = urllib.request.Request(base + "/sparql?" + urllib.parse.urlencode({"query": query}), headers=headers)
    elif how == "form":
        request = urllib.request.Request(base + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(base + "/sparql", data=query.encode(),
                                         headers={**headers, "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def problem_kind(body: bytes) -> str:
    return json.loads(body)["type"].rsplit("/", 1)[-1]


# 1. SSRF through SERVICE ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize("escape", ["\\#x", "\\'", '\\"'])
def test_service_after_an_escaped_prefixed_name_is_refused_and_nothing_is_fetched(server, listener, how, escape):
    base, _ = server
    before = listener.connections
    for silent in ("", "SILENT "):
        query = (f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ VALUES ?z {{ ex:a{escape} }} ?s ?p ?o . "
                 f"SERVICE {silent}<http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }} }} LIMIT 1")
        status, _, body = ask(base, query, how=how)
        assert status == 400, body
        assert problem_kind(body) in ("service-refused", "query-syntax")
    assert listener.connections == before


# Pieces a query can put around SERVICE to hide it from a reader of the text: escapes in prefixed names,
# comments ended by CR or LF, strings of the four kinds with escapes, and the keyword's spellings.
NOISE = st.sampled_from([
    "VALUES ?z { ex:a\\#b }", "VALUES ?z { ex:a\\'b }", "VALUES ?z { ex:a\\\"b }", "VALUES ?z { ex:a\\\\ }",
    "VALUES ?z { ex:a%23b }", "VALUES ?z { ex:\\#\\' }", "# a comment\n", "# a comment \r", "#\r\n",
    'BIND("a # b" AS ?w1)', "BIND('a \\' # b' AS ?w2)", 'BIND("""a "" \' b""" AS ?w3)', "BIND('''a '' \" b''' AS ?w4)",
    'BIND("\\\\" AS ?w5)', "BIND('\\\\' AS ?w6)", "BIND(<http://example.org/a#b> AS ?w7)", "?s ?p ?o .",
    'FILTER(?o != "SERVICE")', "BIND(ex:SERVICE AS ?w8)", "OPTIONAL { ?s ?p ?o }",
])
KEYWORD = st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "service silent"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(NOISE, max_size=4), after=st.lists(NOISE, max_size=3), keyword=KEYWORD,
       how=st.sampled_from(["get", "form", "direct"]))
def test_no_query_makes_the_server_connect_out(server, listener, before, after, keyword, how):
    base, process = server
    connections = listener.connections
    query = (f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ?p ?o . {' '.join(before)} "
             f"{keyword} <http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }} {' '.join(after)} }} LIMIT 1")
    status, _, body = ask(base, query, how=how)
    assert listener.connections == connections, query
    assert status == 400, (query, body)
    assert process.poll() is None


# 2. One query kills the server -----------------------------------------------------------------------------------

def test_a_query_that_aborts_the_engine_is_a_500_and_the_server_carries_on(server):
    if not engine_panic.still_aborts():
        pytest.skip("this pyoxigraph no longer aborts on the reported ORDER BY: the report can be closed")
    base, process = server
    for how in ("get", "direct"):
        status, _, body = ask(base, ENGINE_PANIC, how=how)
        assert status == 500
        assert problem_kind(body) == "engine-crash"
        assert process.poll() is None
        answer = ask(base, CHEAP)
        assert answer[0] == 200, answer


# 3. Eight slow queries shut SPARQL out -------------------------------------------------------------------------

def query_processes(server_pid: int) -> dict[int, float]:
    """The server's query processes and the CPU seconds each has used."""
    children = []
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        try:
            children += (task / "children").read_text().split()
        except FileNotFoundError:  # a thread that ended since the listing (the server's pool threads come and go)
            continue
    found = {}
    for pid in map(int, children):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if b"query_worker" in command:
            found[pid] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return found


def test_runaways_are_stopped_at_their_deadline_and_never_shut_out_cheap_queries(demo_store, tmp_path):
    # A deadline long enough that the cheap queries below are answered before it, however loaded the machine.
    with serving(demo_store, tmp_path / "serve.log", env={"RETRACTKG_QUERY_TIMEOUT": str(RUNAWAY_TIMEOUT)}) as (
            base, process):
        runaways_beside_cheap_queries(base, process)


def runaways_beside_cheap_queries(base: str, process) -> None:
    with ThreadPoolExecutor(16) as pool:
        runaways = [pool.submit(ask, base, RUNAWAY) for _ in range(8)]
        # Once one is turned away (the long lane is full), the others still run: cheap queries are
        # answered meanwhile, not queued behind them.
        next(future for future in iter(lambda: next((f for f in runaways if f.done()), None), "never")
             if future is not None)
        # Counted before the cheap queries: on a loaded machine these may take as long as a runaway's deadline.
        still_running = sum(not future.done() for future in runaways)
        cheap = [ask(base, CHEAP)[0] for _ in range(10)]
        again = [pool.submit(ask, base, RUNAWAY) for _ in range(8)]  # a flood of the same query
        cheap += [ask(base, CHEAP)[0] for _ in range(10)]
        answers = [future.result() for future in runaways + again]
    assert cheap == [200] * 20
    assert still_running > 0
    assert {status for status, _, _ in answers} <= {429, 503}, [status for status, _, _ in answers]
    assert all("retry-after" in headers for _, headers, _ in answers)
    # Every runaway's work was stopped with its process: none of the query processes left has run one.
    assert all(seconds < RUNAWAY_TIMEOUT for seconds in query_processes(process.pid).values())
    # And the endpoint answers, not 429 (it stayed saturated until restart before).
    assert [ask(base, CHEAP)[0] for _ in range(25)] == [200] * 25


# 5. JSON-LD embedded in pages ----------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "!", "-", "/", "&", "script", "SCRIPT", "[CDATA[", "]]", "'", '"', "\\",
                                 " ", "a", "é", "\u2028"]), max_size=30).map("".join) | st.text())
def test_embedded_json_ld_holds_any_title_and_never_swallows_the_page(title):
    document = {"@type": "ScholarlyArticle", "name": title}
    page = (f'<!DOCTYPE html><html><head><script type="application/ld+json">{script_json(document)}</script>'
            '</head><body><p id="after">rest of the page</p></body></html>')
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    scripts = tree.findall(".//script")
    assert len(scripts) == 1
    assert json.loads(scripts[0].text) == document
    assert tree.find(".//p").text == "rest of the page"


# 6. FROM is honoured with the store's own graphs ---------------------------------------------------------------

def test_from_names_graphs_of_the_store_and_an_unknown_graph_is_refused(server):
    base, _ = server
    notices = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?n a <http://purl.org/spar/fabio/RetractionNotice> } }"
    status, _, body = ask(base, notices)
    graphs = [row["g"]["value"] for row in json.loads(body)["results"]["bindings"]]
    assert status == 200 and len(graphs) >= 2
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    in_one = json.loads(ask(base, count.format(**{"from": f"FROM <{graphs[0]}>"}))[2])
    in_all = json.loads(ask(base, count.format(**{"from": ""}))[2])
    one, every = (int(r["results"]["bindings"][0]["n"]["value"]) for r in (in_one, in_all))
    assert 0 < one < every
    folder, name = graphs[0].rsplit("/", 1)
    prefixed = f"PREFIX g: <{folder}/> SELECT (COUNT(*) AS ?n) FROM g:{name} WHERE {{ ?s ?p ?o }}"
    assert int(json.loads(ask(base, prefixed)[2])["results"]["bindings"][0]["n"]["value"]) == one
    status, _, body = ask(base, count.format(**{"from": "FROM <http://127.0.0.1:9/elsewhere>"}))
    assert status == 400 and problem_kind(body) == "unknown-graph"
    status, _, body = ask(base, "SELECT * FROM NAMED <http://example.org/none> WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 400 and problem_kind(body) == "unknown-graph"


# 7. Security headers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/doc/article/10.1186/s12951-022-01520-8",
                                  "/no/such/page", "/.well-known/void"])
def test_every_response_tells_browsers_not_to_sniff_frame_or_load_elsewhere(server, path):
    base, _ = server
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            headers = response.headers
    except urllib.error.HTTPError as e:
        headers = e.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy


def test_the_server_stops_its_query_processes_with_it(demo_store, tmp_path):
    with serving(demo_store, tmp_path / "serve.log") as (_, process):
        workers = query_processes(process.pid)
        assert workers
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]



# 4. Search without deadline or bound ----------------------------------------------------------------------------

MAKE_RW_SCALE = Path(__file__).resolve().parents[2] / "shared" / "tools" / "make_rw_scale.py"


@pytest.fixture(scope="module")
def larger_store(tmp_path_factory) -> Path:
    """5,000 rows of the full-size export's kind: enough for a word search to take seconds."""
    if not MAKE_RW_SCALE.exists():
        pytest.skip("../shared/tools/make_rw_scale.py is not beside the checkout")
    folder = tmp_path_factory.mktemp("larger")
    export = folder / "rw.csv"
    made = subprocess.run([sys.executable, str(MAKE_RW_SCALE), str(export), "--rows", "5000"], capture_output=True)
    assert made.returncode == 0, made.stderr
    assert main(["ingest", str(export), "--quiet", "--store", str(folder / "store")]) == 0
    return folder / "store"


def test_a_search_reads_the_index_and_many_at_once_leave_pages_answering(larger_store, tmp_path):
    with serving(larger_store, tmp_path / "serve.log", env={"RETRACTKG_QUERY_TIMEOUT": "1"}) as (base, process):
        def get(path: str) -> tuple[int, dict]:
            try:
                with urllib.request.urlopen(base + path, timeout=120) as response:
                    response.read()
                    return response.status, {k.lower(): v for k, v in response.headers.items()}
            except urllib.error.HTTPError as e:
                return e.code, {k.lower(): v for k, v in e.headers.items()}

        status, _ = get("/search?q=covid")
        assert status == 200  # from the full-text index: it used to scan the graph for minutes
        with ThreadPoolExecutor(45) as pool:
            searches = [pool.submit(get, f"/search?q=covid+{i}") for i in range(45)]
            pages = [get("/")[0], get("/sparql?query=ASK%7B%7D")[0], get("/")[0]]
            statuses = [future.result()[0] for future in searches]
        assert pages == [200, 200, 200]
        assert set(statuses) <= {200, 429, 503}
        assert all(seconds < 2 for seconds in query_processes(process.pid).values())


def test_two_dumps_stream_at_once_and_a_third_is_told_when_to_retry(larger_store, tmp_path):
    with serving(larger_store, tmp_path / "serve.log") as (base, _):
        port = int(base.rsplit(":", 1)[1])
        streams = []
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/dumps/retractkg.jsonl")
            response = connection.getresponse()
            assert response.status == 200
            assert response.read(100)  # streaming: 5,000 notices take seconds to describe
            streams.append(connection)
        try:
            with urllib.request.urlopen(base + "/dumps/retractkg.nq.gz", timeout=60):
                pytest.fail("a third dump was sent")
        except urllib.error.HTTPError as e:
            assert e.code == 429
            assert e.headers["Retry-After"] == "30"
        for connection in streams:
            connection.close()


# Issue 16: answers kept in memory are never served once an ingest changed the data ------------------------------

def test_a_repeated_query_is_answered_anew_after_an_ingest_changed_the_store(tmp_path):
    from fastapi.testclient import TestClient

    from retractkg.api.app import create_app
    from retractkg.config import Settings
    from retractkg.ingest.pipeline import DEMO_DIR, ingest
    from retractkg.store import OxigraphStore

    settings = Settings(store_path=tmp_path / "store")
    count = "SELECT (COUNT(DISTINCT ?n) AS ?notices) WHERE { ?n a <https://w3id.org/retractkg/ontology#Notice> }"
    with OxigraphStore(settings.store_path) as store, TestClient(create_app(settings, store)) as client:
        answered = []

        def notices() -> int:
            response = client.get("/sparql", params={"query": count}, headers={"Accept": "text/csv"})
            assert response.status_code == 200
            # Server-Timing says how the server had the answer, and how long it took it (W3C Server Timing).
            timing = re.fullmatch(r'answer;dur=([0-9.]+);desc="(cache|evaluated)"', response.headers["server-timing"])
            assert timing, response.headers["server-timing"]
            answered.append(timing[2])
            return int(response.text.split()[1])

        ingest(store, [DEMO_DIR / "bmc_jnanobiotech_retraction_note_2024.txt"], settings)
        assert notices() == notices() == 1
        ingest(store, [DEMO_DIR / "plos_one_expression_of_concern_2022.html"], settings)
        assert notices() == notices() == 2
        assert answered == ["evaluated", "cache", "evaluated", "cache"]
