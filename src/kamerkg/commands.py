"""The core sub-commands: build, validate, query, facts. Each is a thin layer over :mod:`kamerkg.api`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kamerkg import api
from kamerkg.config import settings
from kamerkg.queries import load_queries, render


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="build, validate and publish the graph; print the ready-made answers")
    p.add_argument("sources", nargs="*", help="files or folders (default: data/sources)")
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument("--quiet", action="store_true", help="do not print the answers of the ready-made queries")
    p.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    p.add_argument("--no-cache", action="store_true", help="rebuild every document (ignore .kamerkg-cache/)")
    p.add_argument("--no-extras", action="store_true", help="dumps only: no site, JSON-LD, VoID or pages")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="validate a built dataset against the SHACL shapes")
    p.add_argument("dist", nargs="?", default="dist")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a ready-made query (by name) or a .rq file")
    p.add_argument("name", nargs="?", help="query name or path to a .rq file")
    p.add_argument("--list", action="store_true", help="list the ready-made queries")
    p.add_argument("--dist", default="dist")
    p.add_argument("--endpoint", help="run against this SPARQL endpoint instead of the embedded store")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument("--doc", help="answer for this document only (identifier like kst-28676-339, or its IRI)")
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.add_argument("--offset", type=int, help="skip this many rows first (with --limit: paging)")
    p.add_argument("--store", choices=["auto", "memory", "disk"], default="auto",
                   help="embedded store: in memory, on disk (filled once beside DIST, then reused), or "
                        "auto (memory for small dumps; the default)")
    p.add_argument("--store-path", help="folder of the on-disk store (default: DIST.store beside DIST)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("facts", help="print the fact sheet of one source file")
    p.add_argument("source")
    p.add_argument("--json", action="store_true", help="JSON output (the default and only format)")
    p.set_defaults(func=cmd_facts)


def cmd_build(args: argparse.Namespace) -> int:
    res = api.build(
        args.sources or None,
        out=Path(args.out),
        base=args.base,
        progress=sys.stderr.isatty(),
        workers=args.workers,
        cache=not args.no_cache,
        extras=not args.no_extras,
    )
    for e in res.errors:
        print(f"kamerkg: error: {e}", file=sys.stderr)
    for r in res.report.results:
        print(r.line(), file=sys.stderr)
    if not res.published:
        print(f"kamerkg: nothing built; {args.out}/ left unchanged", file=sys.stderr)
        return 1 if not res.report.conforms else 2
    print(
        f"built {len(res.documents)} document(s) into {args.out}/ "
        f"({sum(res.files.values())} bytes in {len(res.files)} files)"
    )
    if not args.quiet:
        from kamerkg import store as kstore
        from kamerkg.queries import run_local

        size = (Path(args.out) / "kamerkg.nq").stat().st_size
        if size >= kstore.MEMORY_MAX_BYTES:
            # every row of every query, from an in-memory store of the whole dataset: 13 GB at 10k
            print(f"the ready-made answers are not printed for a dataset this large ({len(res.documents)} "
                  f"document(s), {size / 2**20:.0f} MB of N-Quads): run `kamerkg query NAME --doc ID` "
                  "(or `--limit N`); the on-disk store is filled on first use")
            return 1 if res.errors else 0
        store = kstore.open_store(Path(args.out))
        for q in load_queries(settings(args.base).queries_dir).values():
            print(render(run_local(store, q.text), "table", title=f"{q.name}: {q.title}"))
    return 1 if res.errors else 0


def cmd_validate(args: argparse.Namespace) -> int:
    report = api.validate_dist(args.dist, base=args.base)
    for r in report.results:
        print(r.line())
    n_v = sum(r.severity == "Violation" for r in report.results)
    print(
        f"{'conforms' if report.conforms else 'does not conform'}: {n_v} violation(s), "
        f"{len(report.results) - n_v} other result(s)"
    )
    return 0 if report.conforms else 1


def cmd_query(args: argparse.Namespace) -> int:
    if args.list:
        for q in load_queries(settings(args.base).queries_dir).values():
            print(f"{q.name}\t{q.title}")
        return 0
    if not args.name:
        print("kamerkg: error: give a query name or --list", file=sys.stderr)
        return 2
    res = api.query(
        args.name, dist=args.dist, endpoint=args.endpoint, doc=args.doc, limit=args.limit,
        offset=args.offset, store=args.store, store_path=args.store_path, base=args.base,
    )
    print(render(res, args.format), end="" if args.format != "table" else "\n")
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    print(json.dumps(api.facts(args.source, base=args.base), ensure_ascii=False, indent=2))
    return 0
