"""Ingest: files -> source records -> named graphs -> store, idempotently and batch by batch.

A record whose content hash equals the one the change log last announced for its graph is left
alone (its provenance time too), so ingesting the same notice twice changes nothing. Records are
written in atomic batches, several at once, and announced in order (`retractkg.ingest.batches`): a
run killed at any point leaves whole records behind and a re-run completes it. A bad record is
reported with its file and location and the rest of the batch goes on.

Identity does not depend on the order of sources: records stored before this run gave the article
they name by PubMed ID alone its DOI are read again from their files and stored as they now map
(`map_again`, see `retractkg.ingest.identity`).

Withdrawn records: with `replace_source=True` the files given are the whole current content of the
source formats they hold (a newer Retraction Watch export, a new Crossref dump): every stored record
of such a format that the files no longer contain is removed, and an `as:Delete` is logged for it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from retractkg.collector import without_cycle_collection
from retractkg.config import DEFAULT_LIMITS, ReadLimits, Settings
from retractkg.ingest import sources
from retractkg.ingest.batches import BATCH_QUADS, BatchWriter
from retractkg.ingest.errors import IngestError
from retractkg.ingest.identity import KnownDois
from retractkg.ingest.mapping import MappingError, RecordMapper, literal
from retractkg.ingest.model import SourceRecord, oversized_value
from retractkg.ingest.notice_dates import NoticeDates
from retractkg.ingest.people import PeopleIndex
from retractkg.ingest.periodical_graphs import remove_unlinked, write_descriptions
from retractkg.ingest.periodicals import Periodicals
from retractkg.ingest.report import IngestReport, Progress
from retractkg.ingest.shared_dois import SharedDois
from retractkg.ingest.stored_people import (
    note_stored_mentions,
    rewritten_records,
    stored_before,
    unnamed_people_evidence,
)
from retractkg.ontology import RKG, VOCABULARY_FILES, VOCABULARY_GRAPH
from retractkg.store import GraphStore
from retractkg.store.change_log import change_nquads, replace_changed_graphs, stored_hashes
from retractkg.store.run_statements import READ, RunStatements

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def expand_paths(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Files to read, each with whether it was named explicitly (not found by walking a folder)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield child, False
        else:
            yield path, True


def source_names(paths: Iterable[Path]) -> dict[Path, str]:
    """Each file's name relative to the folder given (its own name for a file given alone): what provenance
    states, rather than the local path."""
    names: dict[Path, str] = {}
    for given in paths:
        for path, explicit in expand_paths([given]):
            names[path] = path.name if explicit else path.relative_to(given).as_posix()
    return names


def read_records(paths: Iterable[Path], report: IngestReport, *, format: str | None = None,
                 limits: ReadLimits = DEFAULT_LIMITS, names: dict[Path, str] | None = None) -> Iterator[SourceRecord]:
    """Every record of every file; unreadable files and records land in `report.errors`. Each record's
    `source_name` is its file's name in `names`, else as `source_names` gives it.

    A file found in a folder that is of no format retractkg reads is skipped; one that is damaged
    (a cut gzip, UTF-16 text, binary junk named like a notice) is an error like any other.
    """
    paths = list(paths)
    names = names if names is not None else source_names(paths)
    for path, explicit in expand_paths(paths):
        try:
            source_format = sources.by_name(format) if format else sources.detect(path)
        except sources.NotASource as e:
            if explicit:
                report.errors.append(e)
            elif not sources.is_sidecar(path):  # read with its notice
                report.skipped.append(str(path))
            continue
        except IngestError as e:
            report.errors.append(e)
            continue
        records = source_format.parse(path, limits)
        while True:
            try:
                record = next(records)
                record.source_name = record.source_name or names.get(path, path.name)
            except StopIteration:
                break
            except IngestError as e:
                report.errors.append(e)
                if not e.location:  # the file as a whole failed: its parser cannot go on
                    break
                continue
            except Exception as e:  # noqa: BLE001 - input no reader foresaw: report it, go on with the next file
                report.errors.append(IngestError(str(path), f"the {source_format.name} reader failed "
                                                 f"({type(e).__name__}: {e}); records before it were read"))
                break
            oversized = "" if source_format.bounds_values else oversized_value(record.notice, limits.field_chars)
            if oversized:
                report.errors.append(IngestError(record.source, oversized, location=record.location,
                                                 record_key=record.record_key))
                continue
            yield record


def ingest(store: GraphStore, paths: Sequence[Path], settings: Settings, *, format: str | None = None,
           batch_size: int = 100_000, batch_quads: int = BATCH_QUADS, progress: Progress | None = None,
           progress_every: float = 2.0, replace_source: bool = False, writers: int | None = None,
           run: RunStatements | None = None) -> IngestReport:
    """Read, map and store every record; `progress` is called after each batch and every `progress_every` s.

    A batch is written when it holds `batch_size` records or `batch_quads` quads; `writers` batches are
    written at once (by default as many as the store takes: `GraphStore.write_concurrency`). Into a store that
    holds nothing but the vocabulary, `run` keeps what the run wrote of the predicates the search index reads,
    so that the index is built from it (`text_index.rebuild`); else it is left not `usable`.
    """
    report = IngestReport()
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    if run is not None:
        run.usable = holds_only_vocabulary(store)
        if run.usable:
            mapper.note(READ)
        else:
            run = None
    known_dois = KnownDois(store)
    seen: dict[str, set[str]] = {}  # format -> graphs of the records read (see `withdraw_missing`)
    last_progress = time.monotonic()
    names = source_names(paths)
    shared = SharedDois(mapper.mint)
    mapper.periodicals = Periodicals(mapper.mint)
    dates = NoticeDates(mapper.mint)
    mapper.people = people_of(paths, format, names, mapper, shared=shared, store=store, known=known_dois, dates=dates,
                              limits=settings.read_limits)
    report.warnings.extend(shared.warnings)
    with BatchWriter(store, settings, report, writers=writers, batch_quads=batch_quads, batch_size=batch_size,
                     progress=progress) as batches:
        # Why people were joined follows from the joins alone: stored by a load of its own while the records are
        # read and mapped, not after them all (the full-size export's 450k quads: 28 s of wall time at the end).
        batches.beside(lambda: store_people_evidence(store, mapper))
        for record in read_records(paths, report, format=format, limits=settings.read_limits, names=names):
            if replace_source:  # noted before mapping: a record that is there but fails to map is not withdrawn
                seen.setdefault(record.format, set()).add(mapper.graph_iri(record))
            report.warnings.extend(record.warnings)
            if not (record.notice.articles or record.notice.doi or record.notice.pmid or record.notice.pmcid):
                where = f"{record.source}:{record.location}" if record.location else record.source
                report.warnings.append(f"{where}: names no article it concerns (no DOI, PMID, citation or title) "
                                       "and no identifier of its own: stored, but linked to nothing")
            if progress and time.monotonic() - last_progress >= progress_every:
                progress(report)
                last_progress = time.monotonic()
            shared.complete(record)
            known_dois.complete(record)  # what every record of the run gives, learnt before any was mapped
            try:
                mapped = mapper.map(record)
            except MappingError as e:
                report.errors.append(IngestError(record.source, str(e), location=record.location,
                                                 record_key=record.record_key))
                continue
            batches.add(mapped)
            if run is not None:  # the later record of a graph replaces the earlier, here as in the store
                run.record(mapped.graph, mapped.noted)
    outdated = known_dois.outdated_graphs(mapper.mint)
    for more in (shared.outdated_graphs(store), mapper.periodicals.outdated_graphs(store)):
        for source, graphs in more.items():
            outdated.setdefault(source, set()).update(graphs)
    map_again(store, outdated, names, mapper, [shared.complete, known_dois.complete], report, settings)
    # Earlier runs' records whose people were joined now, or whose notice's year the run's dates move.
    rewritten = False
    with BatchWriter(store, settings, report) as batches:
        for record in rewritten_records(store, mapper.people, dates.moved_years()):
            batches.add(record)
            rewritten = True
    if run is not None and (outdated or rewritten or replace_source):  # records the run's statements do not hold
        run.usable, run = False, None
    write_descriptions(store, mapper.descriptions, run)
    if replace_source:
        withdraw_missing(store, seen, report, settings)
    gone = remove_unlinked(store, mapper.descriptions)
    # Dropped, not replaced by nothing: the embedded store takes an empty N-Quads document as nothing to do.
    gone_evidence = unnamed_people_evidence(store)
    if gone_evidence:
        store.remove_graphs(gone_evidence)
    if run is not None:
        run.drop([*gone, *gone_evidence])
    return report


def holds_only_vocabulary(store: GraphStore) -> bool:
    """Whether the store holds no graph but the vocabulary's (`ensure_vocabulary`): a first ingest."""
    return not list(store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{VOCABULARY_GRAPH}>) }} "
                                "LIMIT 1"))


@without_cycle_collection
def people_of(paths: Sequence[Path], format: str | None, names: dict[Path, str], mapper: RecordMapper, *,
              shared: SharedDois | None = None, store: GraphStore | None = None,
              known: KnownDois | None = None, dates: NoticeDates | None = None,
              limits: ReadLimits = DEFAULT_LIMITS) -> PeopleIndex:
    """Which author mentions of these files are one person, (`shared`) which article DOIs they give to
    different works, (`mapper.periodicals`) which journal is which, (`known`) the DOIs records give articles
    and notices that others name by a key alone, and (`dates`, set as `mapper.notice_dates`) each notice's one date,
    with what `store` holds: read once before any record is mapped,
    so that none depends on the order of records or of runs, and each record is mapped once with its final
    content (errors are reported by the reading that maps; `limits` are that reading's, so that this pass
    learns from every record it maps)."""
    people = PeopleIndex(mapper.mint)
    shared = shared if shared is not None else SharedDois(mapper.mint)
    for record in read_records(paths, IngestReport(), format=format, limits=limits, names=names):
        people.add(record, mapper.graph_iri(record))
        shared.add(record)
        if known is not None:
            known.learn(record)
        if dates is not None:
            dates.add(record)
        if mapper.periodicals is not None:
            mapper.periodicals.add(record)
    if known is not None:
        known.settle()
    if store is not None and stored_before(store):
        shared.learn_stored(store)
        if mapper.periodicals is not None:
            mapper.periodicals.learn_stored(store)
        note_stored_mentions(store, people, people.run_graphs)
        if dates is not None:
            dates.learn_stored(store, people.run_graphs)
    shared.resolve()
    if known is not None:
        known.forget_titles_of(shared.shared)
    if dates is not None:  # which notice a record names rests on the DOIs shared and known give
        dates.resolve([shared.complete, *([known.complete] if known is not None else [])])
        mapper.notice_dates = dates
    if mapper.periodicals is not None:
        mapper.periodicals.resolve()
    people.resolve(shared.shared, known.article_doi if known is not None else None)
    return people


def store_people_evidence(store: GraphStore, mapper: RecordMapper, *, chunk: int = 2000) -> None:
    """Why mentions were joined into each person, one graph per person (`{base}graph/people/{hash}`), written
    when it changed, `chunk` people at a time (the whole export's would be some 100 MB of text at once); that of
    people no record names any more is removed at the end of the run (`unnamed_people_evidence`)."""
    if mapper.people is None:
        return
    people = sorted(mapper.people.evidence)
    for start in range(0, len(people), chunk):
        graphs = {(graph := mapper.mint.graph("people", person)): sorted(mapper.people.evidence_nquads(person, graph))
                  for person in people[start:start + chunk]}
        replace_changed_graphs(store, graphs)


def map_again(store: GraphStore, outdated: dict[str, set[str]], names: dict[Path, str], mapper: RecordMapper,
              completions: Sequence[Callable[[SourceRecord], None]], report: IngestReport, settings: Settings) -> None:
    """Read the records of these graphs again and store them as they map now (each record completed by
    `completions` first, as ingest completes it). `outdated` is {source: graphs}, a source being a path this
    run read or the name (`source_names`) a stored record states; a name is found among this run's files
    only: the store keeps no local path."""
    by_name: dict[str, list[Path]] = {}
    for path, name in names.items():
        by_name.setdefault(name, []).append(path)
    with BatchWriter(store, settings, report) as batches:
        for source, graphs in sorted(outdated.items()):
            found = [Path(source)] if Path(source) in names else by_name.get(source, [])
            if not found:
                report.warnings.append(f"{source}: not among the files of this run, so {len(graphs)} record(s) read "
                                       "from it still name something by an IRI this run gives another (an article "
                                       "by PubMed ID, a notice by its article, a work by a DOI other works share, a "
                                       "journal by a name now known by ISSN): ingest them again to move them")
                continue
            # Its errors were reported when it was first read.
            for record in read_records(found, IngestReport(), limits=settings.read_limits, names=names):
                if mapper.graph_iri(record) not in graphs:
                    continue
                for complete in completions:
                    complete(record)
                try:
                    batches.add(mapper.map(record))
                except MappingError:
                    continue


def withdraw_missing(store: GraphStore, seen: dict[str, set[str]], report: IngestReport, settings: Settings,
                     *, batch_size: int = 2000) -> None:
    """Remove the stored records of each format read that the files no longer hold, logging as:Delete.

    A record that is still there but could not be read (an error naming its record key) is kept.
    Nothing is withdrawn when some input could not be read at all (a whole file, or a record without
    a key): which stored records it held cannot be told.
    """
    unsure = sorted({e.source for e in report.errors if not e.record_key})
    if unsure:
        report.warnings.append(f"nothing withdrawn: some input could not be read ({', '.join(unsure)})")
        return
    kept_keys = {e.record_key for e in report.errors}
    for source_format, graphs in seen.items():
        stored = store.query(f"""SELECT ?g ?notice ?key WHERE {{ GRAPH ?g {{
            ?g <{RKG}sourceFormat> {literal(source_format)} ; <{RKG}describes> ?notice .
            OPTIONAL {{ ?g <{RKG}recordKey> ?key }} }} }}""")
        gone = [(s["g"].value, s["notice"].value) for s in stored
                if s["g"].value not in graphs and (s["key"] is None or s["key"].value not in kept_keys)]
        for start in range(0, len(gone), batch_size):
            chunk = gone[start:start + batch_size]
            now = datetime.now(UTC)
            log = "".join(change_nquads(settings, "Delete", graph, notice, "", now) for graph, notice in chunk)
            # Emptying a graph drops it; the deletion and its log entry are one transaction.
            store.replace_graphs_nquads({graph: b"" for graph, _ in chunk}, also_add=log.encode())
            report.withdrawn.extend(graph for graph, _ in chunk)


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
