"""pyoxigraph 0.5.13 aborts the process on ORDER BY over these 33 literals: the report for upstream.

    python scripts/pyoxigraph_sort_panic.py

Rust's sort (1.81 and later) panics with "user-provided comparison function does not correctly implement
a total order" when SPARQL's ORDER BY compares terms of mixed kinds (numbers, dates, dateTimes with and
without time zones, gYears, booleans, plain and language-tagged strings, IRIs): the comparison Oxigraph
uses for ORDER BY is not transitive across kinds. Through pyo3 the panic aborts the whole process (exit
134), whatever catches exceptions. This set is 1-minimal: removing any one value, or every value of any
one kind, makes the query run. The query runs here in a child process, so this script reports instead of
dying. retractkg runs every query in such a process (`api/query_processes.py`).
"""

from __future__ import annotations

import subprocess
import sys

DATA = """\
<http://ex.org/s0> <http://ex.org/p> "a92" .
<http://ex.org/s1> <http://ex.org/p> "2014-08-12T10:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s2> <http://ex.org/p> <http://e/13> .
<http://ex.org/s3> <http://ex.org/p> "79"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex.org/s4> <http://ex.org/p> "2013"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<http://ex.org/s5> <http://ex.org/p> "c31" .
<http://ex.org/s6> <http://ex.org/p> "2021-02-18T10:00:00+05:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s7> <http://ex.org/p> "0.87"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://ex.org/s8> <http://ex.org/p> "0.85"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://ex.org/s9> <http://ex.org/p> "0.55"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://ex.org/s10> <http://ex.org/p> "0.82"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://ex.org/s11> <http://ex.org/p> "y31" .
<http://ex.org/s12> <http://ex.org/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://ex.org/s13> <http://ex.org/p> "a"@en .
<http://ex.org/s14> <http://ex.org/p> "2017"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<http://ex.org/s15> <http://ex.org/p> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://ex.org/s16> <http://ex.org/p> "c"@en .
<http://ex.org/s17> <http://ex.org/p> "2024-08-11"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://ex.org/s18> <http://ex.org/p> "119"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex.org/s19> <http://ex.org/p> "2017-07-15"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://ex.org/s20> <http://ex.org/p> "2022-07-12T10:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s21> <http://ex.org/p> <http://e/39> .
<http://ex.org/s22> <http://ex.org/p> "0.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://ex.org/s23> <http://ex.org/p> "2022-06-18"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://ex.org/s24> <http://ex.org/p> "b"@en .
<http://ex.org/s25> <http://ex.org/p> "2018"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<http://ex.org/s26> <http://ex.org/p> "2021-02-16T10:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s27> <http://ex.org/p> "2016-02-11T10:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s28> <http://ex.org/p> "113"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex.org/s29> <http://ex.org/p> "570"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex.org/s30> <http://ex.org/p> "2017-03-15T10:00:00+05:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<http://ex.org/s31> <http://ex.org/p> "821"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex.org/s32> <http://ex.org/p> "z5" .
"""
QUERY = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY DESC(?o)"
CHILD = (
    "import sys\n"
    "from pyoxigraph import RdfFormat, Store\n"
    "store = Store()\n"
    "store.load(sys.stdin.buffer.read(), RdfFormat.N_TRIPLES)\n"
    "print(len(list(store.query(sys.argv[1]))), 'rows')\n"
)


def main() -> int:
    import pyoxigraph

    done = subprocess.run([sys.executable, "-c", CHILD, QUERY], input=DATA.encode(), capture_output=True,
                          env={"RUST_BACKTRACE": "0"})
    print(f"pyoxigraph {pyoxigraph.__version__}, {len(DATA.splitlines())} triples, query: {QUERY}")
    if done.returncode == 0:
        print("ran:", done.stdout.decode().strip())
        return 0
    print(f"the process ended with {done.returncode}:", done.stderr.decode().strip()[-400:])
    return 1


if __name__ == "__main__":
    sys.exit(main())
