"""The `retractkg` command: ingest, serve, query, export, validate, evaluate.

Every subcommand reports bad input on stderr with the file and record it concerns and exits
non-zero; none of them removes what is already stored.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from pyoxigraph import QueryBoolean, QuerySolutions, RdfFormat

from retractkg import __version__
from retractkg.config import Settings
from retractkg.dumps import write_jsonld
from retractkg.formats import GRAPH_FORMATS, RESULT_FORMATS
from retractkg.jsonld import compact_jsonld
from retractkg.store import StoreError, open_store
from retractkg.store.change_log import ChangeLog
from retractkg.store.lock import StoreLock
from retractkg.store.run_statements import RunStatements
from retractkg.store.text_index import TextIndex
from retractkg.store.text_index import rebuild as rebuild_text_index


class UsageError(Exception):
    """Bad arguments or input: printed as is, exit status 2."""


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(store_path=getattr(args, "store", None), base=getattr(args, "base", None))
    except ValueError as e:  # a bad --base (or RETRACTKG_* value) is a bad argument, not bad input
        raise UsageError(str(e)) from e


def _stored(settings: Settings) -> Settings:
    """The settings of a store that must exist already: a mistyped --store would otherwise be a new, empty one."""
    if not settings.sparql_query_url and not settings.store_path.is_dir():
        raise UsageError(f"no store at {settings.store_path}: ingest into it first, or name another with --store "
                         "(or RETRACTKG_STORE)")
    return settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from retractkg.ingest.batches import BATCH_QUADS
    from retractkg.ingest.pipeline import DEMO_DIR, ingest

    paths = [Path(p) for p in args.paths]
    if args.demo:
        paths.append(DEMO_DIR)
    if not paths:
        raise UsageError("nothing to ingest: name files or folders, or pass --demo")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    with open_store(_settings(args), role="retractkg ingest") as store:
        def progress(report) -> None:
            if not args.quiet:
                print(f"... {report.progress()}", file=sys.stderr, flush=True)

        run = RunStatements()  # into an empty store, the index is built from what the run wrote
        report = ingest(store, paths, _settings(args), format=args.format, progress=progress,
                        replace_source=args.replace_source, batch_quads=args.batch_quads or BATCH_QUADS, run=run)
        index_path = _settings(args).text_index_path
        state = _store_state(store, _settings(args))
        if TextIndex(index_path).built_from() != state:  # changed, or missing, or of an older layout
            if not args.quiet:
                built = "building the search index from the run" if run.usable else "rebuilding the search index"
                print(f"... {built}", file=sys.stderr, flush=True)
            rebuild_text_index(store, index_path, state=state, run=run)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for line in skipped_lines(report.skipped):
        print(line, file=sys.stderr)
    print(report.summary())
    return 1 if report.errors else 0


def skipped_lines(skipped: list[str], each_up_to: int = 3) -> list[str]:
    """What ingest skipped, a line per file; many of one kind in one folder (a JATS folder's 571 .json sidecars)
    are one line, so warnings and errors are not lost among them. The Python API's report lists every file."""
    groups: dict[tuple[str, str], list[str]] = {}
    for path in skipped:
        groups.setdefault((os.path.dirname(path), os.path.splitext(path)[1]), []).append(path)
    lines = []
    for (folder, suffix), paths in groups.items():
        if len(paths) <= each_up_to:
            lines += [f"skipped (not a notice format): {path}" for path in paths]
        else:
            kind = f"{suffix} files" if suffix else "files without an extension"
            lines.append(f"skipped (not a notice format): {len(paths)} {kind} in {folder or '.'}, "
                         f"such as {os.path.basename(paths[0])}")
    return lines


def _store_state(store, settings: Settings) -> str:
    """What the search index records it was built from: the change log's extent, as the app reads it."""
    return str(ChangeLog(store, settings).extent())


def cmd_index(args: argparse.Namespace) -> int:
    settings = _stored(_settings(args))
    with open_store(settings, read_only=not settings.sparql_query_url) as store:
        rows = rebuild_text_index(store, settings.text_index_path, state=_store_state(store, settings))
    print(f"search index {settings.text_index_path}: {rows} notices, articles and people")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from retractkg.api.app import create_app

    settings = _stored(_settings(args))
    if args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be from 0 to 65535, not {args.port}")
    address = f"http://{args.host}:{args.port}/"
    if args.workers > 1:
        # Each worker process opens the store itself, read-only (api/worker_app.py), which takes no lock
        # of the database: this process holds the store's server lock (retractkg.store.lock) for them, so
        # that no ingest writes under them. A store that cannot be opened is reported here, once.
        with serving_lock(settings, address):
            open_store(settings, read_only=True).close()
            os.environ.update(settings.environment())
            uvicorn.run("retractkg.api.worker_app:create_read_only_app", factory=True, workers=args.workers,
                        host=args.host, port=args.port, log_level="info", access_log=args.access_log,
                        server_header=False)
        return 0
    # Opened here rather than in the app's startup, so that a store that cannot be opened (another
    # process holds its lock, a server is down) is a one-line error and exit status 1, not a traceback.
    # Served read-only, as by several workers: the query processes read the same folder, and a writable
    # open could compact away files they read. The server lock keeps any ingest out meanwhile.
    with serving_lock(settings, address), open_store(settings, read_only=True) as store:
        app = create_app(settings, store, exclusive=True)
        # An access line per request costs a third of the throughput of small SPARQL lookups: opt in.
        # No `Server: uvicorn`: it tells a client nothing it needs, and uvicorn checks every header it sends with
        # two regular expressions in Python (~2k instructions per header of every response).
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=args.access_log,
                    server_header=False)
    return 0


def serving_lock(settings: Settings, address: str) -> AbstractContextManager[object]:
    """The shared lock of a server on its embedded store (none for a remote one, which has its own rules)."""
    if settings.sparql_query_url:
        return nullcontext()
    return StoreLock(settings.store_path, shared=True, role="retractkg serve", address=address)


def cmd_query(args: argparse.Namespace) -> int:
    sparql = args.sparql
    if sparql.startswith("@"):
        try:
            sparql = Path(sparql[1:]).read_text(encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot read query file {sparql[1:]}: {e.strerror}") from e
    with open_store(_stored(_settings(args)), read_only=True) as store:  # read while a server or ingest runs
        result = store.query(sparql)
        out = sys.stdout.buffer
        if isinstance(result, QuerySolutions | QueryBoolean):
            fmt = args.format or "tsv"
            if fmt not in RESULT_FORMATS:
                raise UsageError(f"--format {fmt} is not a SELECT/ASK result format: {', '.join(RESULT_FORMATS)}")
            result.serialize(out, RESULT_FORMATS[fmt])
        elif args.format == "jsonld":
            # Compacted with the project's context, as the endpoint answers the same query.
            out.write(compact_jsonld(result.serialize(format=RdfFormat.JSON_LD)))
        else:
            fmt = args.format or "turtle"
            if fmt not in GRAPH_FORMATS or GRAPH_FORMATS[fmt].supports_datasets:
                raise UsageError(f"--format {fmt} is not a graph format for CONSTRUCT/DESCRIBE: turtle, ntriples, "
                                 "rdfxml, jsonld")
            result.serialize(out, GRAPH_FORMATS[fmt])
        out.flush()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    fmt = GRAPH_FORMATS[args.format]
    with open_store(_stored(_settings(args)), read_only=True) as store:
        if args.format == "jsonld":
            write_jsonld(store, _output(args.output))
        elif fmt.supports_datasets or args.graph:
            store.dump(_output(args.output), fmt, graph=args.graph)
        else:
            raise UsageError(f"{args.format} holds one graph: use nquads/trig/jsonld, or name a --graph")
    return 0


def _output(path: str | None):
    if path in (None, "-"):
        return sys.stdout.buffer
    try:
        return open(path, "wb")  # noqa: SIM115 - closed at exit
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from e


def cmd_validate(args: argparse.Namespace) -> int:
    from retractkg.validation import validate

    def progress(done: int, total: int) -> None:
        if total > 1 and not args.quiet:
            print(f"... validated chunk {done} of {total}", file=sys.stderr, flush=True)

    with open_store(_stored(_settings(args)), read_only=True) as store:
        conforms, report = validate(store, progress=progress)
    print(report)
    return 0 if conforms else 1


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Run retractkg/evaluate_extraction.py, the one definition of the extraction scores."""
    from retractkg import evaluate_extraction

    argv = ["--shared", str(args.shared)] if args.shared else []
    return evaluate_extraction.main(argv + (["--details"] if args.details else []) + (["--json"] if args.json else []))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="retractkg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"retractkg {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", type=Path, help="store folder (default: $RETRACTKG_STORE or ./retractkg-store)")
    common.add_argument("--base", help="base IRI of minted data IRIs (default: $RETRACTKG_BASE)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="read notices and structured sources into the store")
    p.add_argument("paths", nargs="*", help="files or folders (format detected from content)")
    p.add_argument("--demo", action="store_true", help="also ingest the bundled demo notices")
    p.add_argument("--format", help="force a source format instead of detecting it")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--replace-source", action="store_true",
                   help="the files are the whole current source (e.g. a newer Retraction Watch export): "
                        "stored records of their formats that they no longer hold are withdrawn")
    p.add_argument("--batch-quads", type=int, metavar="N",
                   help="quads per atomic write (default 400,000; smaller uses less memory)")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("index", parents=[common], help="rebuild the search index from the store (ingest keeps it)")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("serve", parents=[common], help="serve SPARQL and linked data over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--workers", type=int, default=1,
                   help="server processes (one per core); above 1 each opens the embedded store read-only, "
                        "so nothing may ingest into it while it is served")
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("query", parents=[common], help="run a SPARQL query (text, or @FILE)")
    p.add_argument("sparql")
    p.add_argument("--format", help=f"results: {', '.join(RESULT_FORMATS)}; graphs: {', '.join(GRAPH_FORMATS)}")
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("export", parents=[common], help="write the whole graph")
    p.add_argument("--format", choices=["nquads", "trig", "turtle", "ntriples", "jsonld"], default="nquads")
    p.add_argument("--graph", help="only this named graph")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("validate", parents=[common], help="check the store against the SHACL shapes")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("evaluate", help="score reason, nature and identifier extraction (dev vs held-out)")
    p.add_argument("--shared", type=Path, help="the shared data folder (default: ../shared next to the checkout)")
    p.add_argument("--details", action="store_true", help="list development-split errors")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(run=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except UsageError as e:
        print(f"retractkg {args.command}: {e}", file=sys.stderr)
        return 2
    except (StoreError, ValueError) as e:
        print(f"retractkg {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())


