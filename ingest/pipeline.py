"""Ingest: files -> source records -> named graphs -> store, idempotently and batch by batch.

A record whose content hash equals the one stored is left alone (its provenance time too), so
ingesting the same notice twice changes nothing. Each batch is written in one store transaction;
a bad record is reported with its file and location and the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.errors import IngestError
from retractkg.ingest.mapping import MappedRecord, MappingError, RecordMapper
from retractkg.ingest.model import SourceRecord
from retractkg.ontology import RDF, RKG, VOCAB, VOCABULARY_FILES, XSD
from retractkg.store import GraphStore

VOCABULARY_GRAPH = VOCAB + "graph/vocabulary"
AS = "https://www.w3.org/ns/activitystreams#"
DEMO_DIR = Path(__file__).resolve().parent / "demo"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # graph IRIs
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[IngestError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are no notice format

    @property
    def records(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged

    def summary(self) -> str:
        return (f"{self.records} records: {len(self.added)} added, {len(self.updated)} updated, "
                f"{self.unchanged} unchanged, {len(self.errors)} errors")


Progress = Callable[[IngestReport], None]


def changes_graph(settings: Settings) -> str:
    return settings.base + "graph/changes"


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Files to read, each with whether it was named explicitly (not found by walking a folder)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield child, False
        else:
            yield path, True


def read_records(paths: Iterable[Path], report: IngestReport, *, format: str | None = None
                 ) -> Iterator[SourceRecord]:
    """Every record of every file; unreadable files and records land in `report.errors`."""
    for path, explicit in expand_paths(paths):
        try:
            source_format = sources.by_name(format) if format else sources.detect(path)
        except IngestError as e:
            if explicit:
                report.errors.append(e)
            else:
                report.skipped.append(str(path))
            continue
        records = source_format.parse(path)
        while True:
            try:
                yield next(records)
            except StopIteration:
                break
            except IngestError as e:
                report.errors.append(e)
                if not e.location:  # the file as a whole failed: its parser cannot go on
                    break


def ingest(store: GraphStore, paths: Sequence[Path], settings: Settings, *, format: str | None = None,
           batch_size: int = 500, progress: Progress | None = None) -> IngestReport:
    report = IngestReport()
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    batch: list[MappedRecord] = []
    for record in read_records(paths, report, format=format):
        try:
            batch.append(mapper.map(record))
        except MappingError as e:
            report.errors.append(IngestError(record.source, str(e), location=record.location))
            continue
        if len(batch) >= batch_size:
            write_batch(store, batch, report, settings)
            batch = []
            if progress:
                progress(report)
    write_batch(store, batch, report, settings)
    return report


def stored_hashes(store: GraphStore, graphs: Iterable[str]) -> dict[str, str]:
    values = " ".join(f"<{g}>" for g in graphs)
    if not values:
        return {}
    result = store.query(
        f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{RKG}contentHash> ?h }} }}"
    )
    return {s["g"].value: s["h"].value for s in result}


def write_batch(store: GraphStore, batch: list[MappedRecord], report: IngestReport, settings: Settings) -> None:
    """Store the records whose content changed, and log each change, in one transaction."""
    # Two records of one batch may describe the same graph; the later one wins, as it would across batches.
    latest = {mapped.graph: mapped for mapped in batch}
    known = stored_hashes(store, latest)
    changed = {g: m for g, m in latest.items() if known.get(g) != m.content_hash}
    report.unchanged += len(batch) - len(changed)
    if not changed:
        return
    now = datetime.now(UTC)
    log: list[Quad] = []
    for graph, mapped in changed.items():
        kind = "Update" if graph in known else "Create"
        (report.updated if graph in known else report.added).append(graph)
        log.extend(change_quads(settings, kind, mapped, now))
    # The change log is written with the records it describes, so a feed never misses one.
    store.replace_graphs({g: m.quads for g, m in changed.items()}, also_add=log)


def change_quads(settings: Settings, kind: str, mapped: MappedRecord, when: datetime) -> list[Quad]:
    """One Activity Streams 2.0 activity: what changed (the notice), in which graph, when."""
    stamp = when.isoformat(timespec="microseconds")
    change = NamedNode(f"{settings.base}change/{hashlib.sha1((stamp + mapped.graph).encode()).hexdigest()[:20]}")
    graph = NamedNode(changes_graph(settings))
    return [
        Quad(change, NamedNode(RDF + "type"), NamedNode(AS + kind), graph),
        Quad(change, NamedNode(AS + "object"), NamedNode(mapped.notice), graph),
        Quad(change, NamedNode(AS + "target"), NamedNode(mapped.graph), graph),
        Quad(change, NamedNode(AS + "published"), Literal(stamp, datatype=NamedNode(XSD + "dateTime")), graph),
        Quad(change, NamedNode(RKG + "contentHash"), Literal(mapped.content_hash), graph),
    ]


def ensure_vocabulary(store: GraphStore) -> None:
    """Keep the ontology and concept schemes in the store, so labels and schemes are queryable."""
    graph = NamedNode(VOCABULARY_GRAPH)
    quads: list[Quad] = []
    digest = hashlib.sha256()
    for path in VOCABULARY_FILES:
        data = path.read_bytes()
        digest.update(data)
        quads.extend(Quad(t.subject, t.predicate, t.object, graph) for t in parse(data, RdfFormat.TURTLE))
    content_hash = digest.hexdigest()
    if stored_hashes(store, [graph.value]).get(graph.value) == content_hash:
        return
    quads.append(Quad(graph, NamedNode(RKG + "contentHash"), Literal(content_hash), graph))
    store.replace_graphs({graph.value: quads})
