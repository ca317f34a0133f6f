"""The library API: what the CLI calls and what users import.

    from kamerkg.api import build, facts, query, validate_dist
    result = build(["data/sources"], out="dist")
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kamerkg import rdfio
from kamerkg.config import Settings
from kamerkg.config import settings as make_settings
from kamerkg.errors import KamerkgError, NonConformance
from kamerkg.mapping import graph_iri
from kamerkg.pipeline import process
from kamerkg.procs import pid_alive
from kamerkg.queries import Result, bind, load_queries, page, resolve, run_endpoint, run_local
from kamerkg.registers import load_registers
from kamerkg.sources import iter_source_files
from kamerkg.store import query_store
from kamerkg.validate import Report, load_ontology, load_shapes, validate_graph


@dataclass
class BuildResult:
    out: Path
    documents: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line per failed source
    report: Report = field(default_factory=Report)
    files: dict[str, int] = field(default_factory=dict)
    published: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage (kamerkg.parallel)

    @property
    def ok(self) -> bool:
        return self.published and not self.errors


def _reference_quads(s: Settings) -> list[ox.Quad]:
    reg = load_registers(s)
    return rdfio.graph_quads(reg.graph, f"{s.ids}graph/reference")


def build(
    sources: list[str | Path] | None = None,
    out: str | Path = "dist",
    base: str | None = None,
    progress: bool = False,
    workers: int | None = None,
    cache: bool | str | Path = True,
    extras: bool = True,
) -> BuildResult:
    """Build the graph from ``sources`` (files or folders; default ``data/sources``), validate it and
    publish it to ``out``. A source that fails is reported and left out; the others still build. The
    output folder is replaced only when the whole publication is written (staging folder, then swap).

    Documents are processed in ``workers`` processes (default: one per core) with a build cache next to
    ``out`` (``.kamerkg-cache/``; ``cache=False`` for none, or a folder); ``extras=False`` leaves out the
    in-memory publishing extras (JSON-LD, VoID, site). See :mod:`kamerkg.parallel`."""
    from kamerkg.parallel import Runner

    s = make_settings(base)
    out = Path(out)
    recover_publication(out)  # leftovers of a build that was killed
    files = iter_source_files(sources or [s.sources_dir])
    from kamerkg.official.files import select_sources  # one edition per publication, no metadata files

    files = select_sources(files)
    result = BuildResult(out=out)
    runner = Runner(s, out, workers=workers, cache=cache, progress=progress)
    result.timings = runner.timings
    done: list = []  # type: ignore[type-arg]
    seen: dict[str, Path] = {}
    for f, r in runner.process(files):
        if isinstance(r, KamerkgError):
            result.errors.append(str(r))
            continue
        if r.doc_id in seen:
            result.errors.append(f"{f}: same document id {r.doc_id} as {seen[r.doc_id]}; left out")
            continue
        seen[r.doc_id] = f
        result.report.results.extend(r.report.results)
        if not r.report.conforms:
            # a document whose graph breaks the shapes is left out, like unreadable input
            first = next(x for x in r.report.results if x.severity == "Violation")
            n = sum(x.severity == "Violation" for x in r.report.results)
            result.errors.append(
                f"{f}: does not conform to the shapes ({n} violation(s); first: {first.line()})"
            )
            continue
        done.append(r)
    result.documents = sorted(r.doc_id for r in done)
    if not done:
        runner.close()
        return result  # nothing published: the previous dist/ stays as it was
    runner.publish(done, result, extras=extras)  # with the change feed since the previous build (issue 4)
    return result


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staging: Path, out: Path) -> None:
    """Put the staged publication in place of ``out``; the old one is removed only afterwards.

    Where the system can exchange two folders atomically, ``out`` is never missing, even for a moment;
    elsewhere a build killed between the two renames leaves ``.<out>.old-<pid>``, which the next build
    puts back (:func:`recover_publication`)."""
    if out.is_dir() and _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous publication
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(staging, out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def recover_publication(out: Path) -> list[Path]:
    """Clean up after builds that were killed: put back a publication left half-swapped, remove the
    staging and old folders of processes that are gone. Returns what was removed (issue 7)."""
    removed: list[Path] = []
    if not out.parent.is_dir():
        return removed
    for kind in ("old", "staging"):
        for p in sorted(out.parent.glob(f".{out.name}.{kind}-*")):
            pid = p.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or (int(pid) != os.getpid() and pid_alive(int(pid))):
                continue  # another build that is still running
            if kind == "old" and not out.exists():
                os.replace(p, out)  # killed between the two renames of a swap: the old one is complete
                continue
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def validate_dist(dist: str | Path = "dist", base: str | None = None) -> Report:
    """Validate a published dataset (``dist/kamerkg.nq``) against the shapes, graph by graph."""
    s = make_settings(base)
    from rdflib import Dataset

    path = Path(dist) / "kamerkg.nq"
    if not path.exists():
        raise KamerkgError(f"{path}: no dataset here; run 'kamerkg build' first")
    ds = Dataset()
    try:
        ds.parse(path, format="nquads")
    except Exception as e:
        raise KamerkgError(f"{path}: not valid N-Quads: {str(e).splitlines()[0]}") from None
    ref_iri = f"{s.ids}graph/reference"
    from rdflib import Graph, URIRef

    ref = ds.graph(URIRef(ref_iri))
    shapes, onto = load_shapes(s.ontology_dir), load_ontology(s.ontology_dir)
    report = Report()
    for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if str(g.identifier) == ref_iri or len(g) == 0:
            continue
        data = Graph()
        for t in g:
            data.add(t)
        for t in ref:
            data.add(t)
        report.extend(validate_graph(data, shapes, onto))
    return report


def query(
    name_or_file: str,
    dist: str | Path = "dist",
    endpoint: str | None = None,
    *,
    doc: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    store: str = "auto",
    store_path: str | Path | None = None,
    base: str | None = None,
) -> Result:
    """Run a ready-made query (by name) or a ``.rq`` file on the built dataset or on an endpoint.

    ``doc`` (an identifier such as ``kst-28676-339``, or the document's IRI) binds the query's
    ``VALUES (?doc ?g) { (UNDEF UNDEF) }`` line, so it answers for that document only (fast on any
    size of dataset); ``limit``/``offset`` page the answer. ``store`` picks the embedded store:
    ``memory``, ``disk`` (an Oxigraph store on disk beside ``dist/``, or in ``store_path``, filled on
    first use and reused) or ``auto`` (memory for small dumps, disk for large ones; see
    :mod:`kamerkg.store`)."""
    s = make_settings(base)
    q = resolve(name_or_file, s.queries_dir)
    text = page(bind(q.text, doc, s.ids), limit, offset)
    if endpoint:
        return run_endpoint(endpoint, text)
    sp = Path(store_path) if store_path else None
    return run_local(query_store(Path(dist), store, sp), text)


def facts(source: str | Path, base: str | None = None) -> dict[str, object]:
    """The fact sheet of one source file (FACTS.md), computed by SPARQL over its built graph."""
    from kamerkg.facts import fact_sheet

    s = make_settings(base)
    r = process(Path(source), s, validate=False)
    quads = _reference_quads(s) + rdfio.graph_quads(r.graph, str(graph_iri(s, r.doc_id)))
    store = ox.Store()
    store.extend(quads)
    return fact_sheet(store, r.doc_id, s)


__all__ = ["build", "facts", "query", "validate_dist", "load_queries", "NonConformance"]
