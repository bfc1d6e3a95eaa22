"""pyoxigraph 0.5.13 aborts the process on ORDER BY over these 33 literals: the report for upstream.

    python scripts/pyoxigraph_sort_panic.py      (the data: tests/fixtures/pyoxigraph_sort_panic.nt)

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
from pathlib import Path

DATA = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pyoxigraph_sort_panic.nt").read_text()
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
