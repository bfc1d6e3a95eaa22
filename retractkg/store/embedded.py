"""The default store: pyoxigraph on disk (or in memory for tests and one-off conversions)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store

from retractkg.store.base import GraphStore, QueryResult, StoreError, replace_graphs_update
from retractkg.store.lock import StoreLock
from retractkg.store.reach import Hops
from retractkg.store.walk import walk


class OxigraphStore(GraphStore):
    """Embedded Oxigraph: full SPARQL 1.1, transactions, and bulk loading without a server."""

    # A bulk load releases the GIL and keeps about one core busy: two at once use this machine's two
    # cores while ingest reads on (the full-size export: 84 s with one, about 65 s with two).
    write_concurrency = 2

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, role: str = "a writer",
                 address: str = "") -> None:
        """A writable store on disk is locked against servers and other writers (`retractkg.store.lock`):
        `role` and `address` are what a refused process is told of this one."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock: StoreLock | None = None
        try:
            if self.path is None:
                self._store = Store()
            elif read_only:
                self._store = open_read_only(self.path)
            else:
                self._lock = StoreLock(self.path, shared=False, role=role, address=address)
                remove_bulk_leftovers(self.path)
                self._store = Store(str(self.path))
        except (OSError, RuntimeError) as e:  # RocksDB reports some IO errors as corruption (RuntimeError)
            self._release()
            raise StoreError(f"cannot open the store at {self.path}: {e}") from e

    @property
    def oxigraph(self) -> Store:
        """The underlying pyoxigraph store, for bulk work that the interface does not cover."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        try:
            if default_graphs is None and named_graphs is None:
                return self._store.query(sparql, use_default_graph_as_union=True)
            # As the SPARQL Protocol says: naming either part of the dataset leaves the other empty.
            return self._store.query(sparql,
                                     default_graph=[NamedNode(g) for g in default_graphs or ()] or [DefaultGraph()],
                                     named_graphs=[NamedNode(g) for g in named_graphs or ()])
        except SyntaxError as e:
            raise StoreError(f"SPARQL syntax error: {e}") from e
        except OSError as e:
            raise StoreError(f"query failed: {e}") from e

    def reach(self, root: str, paths: Sequence[Hops]) -> list[Quad]:
        return walk(self._store, root, paths)

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as e:
            raise StoreError(f"SPARQL update syntax error: {e}") from e
        except OSError as e:
            raise StoreError(f"update failed: {e}") from e

    def replace_graphs(self, graphs: Mapping[str, Sequence[Quad]], *, also_add: Sequence[Quad] = ()) -> None:
        if not graphs and not also_add:
            return
        if any(self._store.contains_named_graph(NamedNode(g)) for g in graphs):
            # An Oxigraph update runs in one transaction: old content and new go together or not at all.
            self.update(replace_graphs_update(graphs, also_add))
            return
        quads = [q for graph_quads in [*graphs.values(), also_add] for q in graph_quads]
        try:
            self._store.extend(quads)  # one transaction
        except OSError as e:
            raise StoreError(f"writing {len(graphs)} graphs failed: {e}") from e

    def replace_graphs_nquads(self, graphs: Mapping[str, bytes], *, also_add: bytes = b"") -> None:
        """New graphs are bulk-loaded: several times faster than a transaction, and still all or nothing.

        Oxigraph's bulk loader (pyoxigraph 0.5) turns each million quads into a set of SST files, keeps
        them all until the input ends, then hands them to RocksDB in one `IngestExternalFiles` call, which
        is atomic across column families; a parse error stops it before anything is written. So a load
        of any size is stored whole or not at all, even if the process is killed (`tests/
        test_issue_15_store.py`). Graphs that already exist (an update) go through the transactional
        `replace_graphs`.
        """
        data = b"".join([*graphs.values(), also_add])
        if not data:
            return
        if any(self._store.contains_named_graph(NamedNode(g)) for g in graphs):
            super().replace_graphs_nquads(graphs, also_add=also_add)
            return
        try:
            # Lenient: the IRIs are not checked again. Ingest's mapping builds every IRI through
            # `NamedNode`, which checks it; checking twice cost a sixth of the full-size ingest.
            self._store.bulk_load(data, RdfFormat.N_QUADS, lenient=True)
        except SyntaxError as e:
            raise StoreError(f"not valid N-Quads: {e}") from e
        except OSError as e:
            raise StoreError(f"writing {len(graphs)} graphs failed: {e}") from e

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        names = list(graphs)
        if names:
            self.update(" ;\n".join(f"DROP SILENT GRAPH {NamedNode(g)}" for g in names))

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        graph_name = NamedNode(graph) if graph else None
        return iter(self._store.quads_for_pattern(None, None, None, graph_name))

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        options: dict[str, object] = {}
        if graph is not None:
            options["from_graph"] = NamedNode(graph)
        elif not format.supports_datasets:
            raise StoreError(f"{format.name} holds one graph: name the graph to dump")
        self._store.dump(output, format, **options)

    def close(self) -> None:
        """Flush and let go of the database, so another process (or store) may open the folder."""
        store = self.__dict__.pop("_store", None)
        if store is not None and self.path is not None and not self.read_only:  # read-only stores cannot flush
            store.flush()
        del store  # the database closes with its last reference, before the lock is let go
        self._release()

    def _release(self) -> None:
        lock, self._lock = getattr(self, "_lock", None), None
        if lock is not None:
            lock.release()


def open_read_only(folder: Path) -> Store:
    """A read-only view of a folder whose writer may be compacting it (as it does for a while after an ingest).

    RocksDB reads the list of live table files (the MANIFEST), then opens them; a compaction that ends in
    between has deleted a listed file, and the open fails with "Corruption: IO error: No such file or
    directory ... .sst" although nothing is corrupt. Opening again reads the new list.
    """
    for attempt in range(1, READ_ONLY_ATTEMPTS):
        try:
            return Store.read_only(str(folder))
        except (OSError, RuntimeError) as e:
            if not _VANISHED_TABLE.search(str(e)):
                raise
        time.sleep(0.02 * attempt)
    return Store.read_only(str(folder))


def remove_bulk_leftovers(folder: Path) -> None:
    """Remove the temporary files of a bulk load that did not finish (disk full, killed): nothing else does.

    Oxigraph's bulk loader writes its batches as `bulk-<random>.sst` in the store folder and hands them
    to RocksDB, which takes them in; a load that fails between the two leaves them behind (14 MB after
    a disk-full failure), and RocksDB never looks at files it did not name. Called under the writer's
    exclusive lock, so no load of another process can be writing one.
    """
    for path in folder.glob("bulk-*.sst"):
        if _BULK_FILE.fullmatch(path.name):
            path.unlink(missing_ok=True)


_BULK_FILE = re.compile(r"bulk-\d+\.sst")
READ_ONLY_ATTEMPTS = 8  # about 0.6 s of waits in all: a compaction's last step takes milliseconds
_VANISHED_TABLE = re.compile(r"No such file or directory.*\.sst")
