"""The three systems the harness measures, each run in its own subprocess (``python -m benchmarks.systems``).

* ``kamerkg``: ``kamerkg.api.build`` (parallel workers, build cache off, streaming dumps, fact sheets)
  on the corpus, then the ready-made queries (``queries/*.rq``) in a second process, on the embedded
  pyoxigraph store chosen for the size (in memory for small dumps, on disk above
  ``kamerkg.store.MEMORY_MAX_BYTES``): each bound to 20 documents (``--doc``) and unbound.
  The publishing extras (JSON-LD dump, VoID, static site: issue 8) are left out
  (``extras=False``): they hold the whole graph in memory by design and are not part of the scale targets.
* ``baseline``: the straightforward approach. The same parse/extract/link/map code, one rdflib ``Dataset``
  (one store) for everything, pySHACL once over the whole graph (plus registers and ontology), rdflib's
  serialisers for the four dumps and rdflib's own SPARQL engine for the queries.
* ``floor``: read every source file, then write the very same N-Quads with pyoxigraph (streamed from
  kamerkg's dump, because the floor has no pipeline to make them): the least any build has to do.

Each command prints one JSON object on stdout; the parent (``benchmarks.harness``) samples the RSS of
the whole process tree (workers included) to get the peak.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def _percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s) + 0.5) - 1))]
    return {"p50": round(statistics.median(s), 3), "p95": round(p95, 3)}


def _queries(settings: Any) -> dict[str, str]:
    from kamerkg.queries import load_queries

    return {name: q.text for name, q in load_queries(settings.queries_dir).items()}


def run_kamerkg(sources: Path, dist: Path, workers: int | None) -> dict[str, Any]:
    from kamerkg.api import build

    t0 = time.perf_counter()
    # with the build cache beside dist/ (what a clean build with cache=False also writes, in a temporary
    # folder), so that kamerkg-incremental can rebuild from it afterwards
    r = build([sources], out=dist, workers=workers, cache=True, extras=False)
    total = time.perf_counter() - t0
    stages = dict(r.timings)
    stages["total"] = total
    return {
        "docs": len(r.documents),
        "errors": len(r.errors),
        "published": r.published,
        "violations": sum(1 for x in r.report.results if x.severity == "Violation"),
        "seconds": {k: round(v, 3) for k, v in stages.items()},
        "dump_bytes": {k: v for k, v in sorted(r.files.items()) if k.startswith("kamerkg.")},
    }


def run_kamerkg_incremental(sources: Path, dist: Path, workers: int | None) -> dict[str, Any]:
    """The daily update (issue 6, item 4): after the clean build of ``run_kamerkg`` (which left its build
    cache beside ``dist``), change one document (the middle one: a sentence appended) and build again;
    then put it back and build again (that version's cache entry is still there: nothing is rebuilt,
    the dumps are spliced again). ``seconds.total`` is the slower of the two. Before each, ``sync``: a
    daily update finds the previous publication on disk, not 5 GB of dirty pages the clean build just
    wrote (with them, the kernel throttles the new writes: 6.2 s instead of 4.4 s measured at 10k)."""
    from kamerkg.api import build

    files = sorted(p for p in sources.iterdir() if p.is_file())
    victim = files[len(files) // 2]
    original = victim.read_bytes()
    runs = []
    try:
        for data in (original + b"\n\nDe NAVO en de Europese Unie.\n", original):
            victim.write_bytes(data)
            os.sync()
            t0 = time.perf_counter()
            r = build([sources], out=dist, workers=workers, cache=True, extras=False)
            total = time.perf_counter() - t0
            stages = {k: round(v, 3) for k, v in r.timings.items()}
            runs.append({"total": round(total, 3), "docs_built": stages.get("docs_built"),
                         "spliced": stages.get("dumps_spliced"), "seconds": stages})
    finally:
        victim.write_bytes(original)
    return {"docs": len(files), "changed": victim.name, "runs": runs,
            "seconds": {"total": max(x["total"] for x in runs)}}


def _timed_in_child(runs: Callable[[], Iterator[tuple[float, int]]], budget: float
                    ) -> tuple[list[tuple[float, int]], str | None]:
    """Run ``runs`` (which yields ``(ms, rows)`` per query run) in a forked child (the store is shared
    copy-on-write) and collect what it yields until it ends or ``budget`` seconds have passed, when the
    child is killed. Returns the samples and the error the child met, if any (reported, not hidden as a
    timeout)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            for sample in runs():
                send.send(sample)
        except Exception as e:
            send.send(("error", f"{type(e).__name__}: {e}"[:300]))
        send.send(None)

    proc = ctx.Process(target=child)
    proc.start()
    samples: list[tuple[float, int]] = []
    error = None
    deadline = time.perf_counter() + budget
    while True:
        left = deadline - time.perf_counter()
        if left <= 0 or not recv.poll(left):
            break
        msg = recv.recv()
        if msg is None:
            break
        if msg[0] == "error":
            error = msg[1]
            continue
        samples.append(msg)
    if proc.is_alive():
        proc.kill()
    proc.join()
    recv.close()
    return samples, error


def _timed(run: Callable[[str], int], text: str) -> tuple[float, int]:
    t = time.perf_counter()
    n = run(text)
    return (time.perf_counter() - t) * 1000, n


def _stats(ms: list[float], want: int, budget: float) -> dict[str, Any]:
    if not ms:
        return {"p50": None, "p95": None, "runs": 0, "timed_out": True, "budget_s": budget}
    return {**_percentiles(ms), "max": round(max(ms), 3), "runs": len(ms), "timed_out": len(ms) < want}


def timed_queries(
    run: Callable[[str], int], queries: dict[str, str], repeat: int, budget: float
) -> dict[str, Any]:
    """p50/p95 (ms) of every query, each in a forked child stopped after ``budget`` seconds: a query
    that has not finished once by then is reported with ``timed_out`` and no percentiles; one that has
    is repeated while the budget lasts (up to ``repeat`` runs)."""
    out: dict[str, Any] = {}
    rows: dict[str, int | None] = {}
    for name, text in queries.items():

        def runs(text: str = text) -> Iterator[tuple[float, int]]:
            start = time.perf_counter()
            for i in range(repeat):
                yield _timed(run, text)
                if i > 0 and time.perf_counter() - start > budget / 2:
                    break

        samples, error = _timed_in_child(runs, budget)
        out[name] = _stats([ms for ms, _ in samples], repeat, budget)
        if error:
            out[name]["error"] = error
        rows[name] = samples[-1][1] if samples else None
    return {"query_ms": out, "query_rows": rows}


def timed_bound_queries(
    run: Callable[[str], int], queries: dict[str, list[str]], rounds: int, budget: float
) -> dict[str, Any]:
    """p50/p95 (ms) of every query over its list of texts (one per document), each text run ``rounds``
    times (the first round once per document, cold; then repeats), in a forked child stopped after
    ``budget`` seconds, like :func:`timed_queries`."""
    out: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for name, texts in queries.items():

        def runs(texts: list[str] = texts) -> Iterator[tuple[float, int]]:
            for _ in range(rounds):
                for text in texts:
                    yield _timed(run, text)

        samples, error = _timed_in_child(runs, budget)
        out[name] = _stats([ms for ms, _ in samples], rounds * len(texts), budget)
        if error:
            out[name]["error"] = error
        rows[name] = sum(n for _, n in samples[: len(texts)])  # rows of the first round
    return {"query_bound_ms": out, "query_bound_rows": rows}


def _rss_mb() -> float:
    try:
        import psutil

        return round(psutil.Process().memory_info().rss / 2**20, 1)
    except ImportError:  # pragma: no cover
        import resource

        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _du_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def run_kamerkg_queries(dist: Path, repeat: int, budget: float, store: str = "auto", sample: int = 20,
                        unbound: bool = True) -> dict[str, Any]:
    """The ready-made queries on the embedded store chosen for this size (``kamerkg.store.query_store``):
    bound to ``sample`` documents picked deterministically (seeded) and unbound (every document, within
    ``budget`` seconds per query), with the store's fill/open time, size on disk and resident memory."""
    import random

    from kamerkg.config import settings
    from kamerkg.queries import bind, run_local
    from kamerkg.store import MEMORY_MAX_BYTES, default_store_path, query_store

    s = settings()
    nq = dist / "kamerkg.nq"
    kind = store if store != "auto" else ("memory" if nq.stat().st_size < MEMORY_MAX_BYTES else "disk")
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    st = query_store(dist, kind)
    load = time.perf_counter() - t0
    info: dict[str, Any] = {"kind": kind, "load_s": round(load, 3), "rss_mb": _rss_mb(),
                            "rss_before_mb": rss0, "nq_mb": round(nq.stat().st_size / 2**20, 1)}
    if kind == "disk":
        info["disk_mb"] = _du_mb(default_store_path(dist))
        del st
        t1 = time.perf_counter()
        st = query_store(dist, kind)  # what every later run pays
        info["reopen_s"] = round(time.perf_counter() - t1, 3)
    docs = sorted(json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["documents"])
    picked = random.Random(6).sample(docs, min(sample, len(docs)))
    texts = _queries(s)
    bound = {name: [bind(text, d, s.ids) for d in picked] for name, text in texts.items()}

    def count(text: str) -> int:
        return len(run_local(st, text).rows)

    res = timed_bound_queries(count, bound, max(1, repeat // 4), budget)
    if unbound:
        res.update(timed_queries(count, texts, repeat, budget))
    return {"store_load_s": info["load_s"], "store": info, "bound_docs": picked, **res}


def run_baseline(sources: Path, dist: Path, repeat: int, budget: float) -> dict[str, Any]:
    from pyshacl import validate as shacl_validate
    from rdflib import Dataset, Graph, URIRef

    from kamerkg.config import settings
    from kamerkg.extract import extract
    from kamerkg.link import link
    from kamerkg.mapping import graph_iri, to_rdf
    from kamerkg.registers import load_registers
    from kamerkg.sources import iter_source_files, parse
    from kamerkg.validate import load_ontology, load_shapes

    s = settings()
    reg = load_registers(s)
    files = iter_source_files([sources])
    ds = Dataset(default_union=True)
    t0 = time.perf_counter()
    ref = ds.graph(URIRef(f"{s.ids}graph/reference"))
    ref += reg.graph
    docs = 0
    for f in files:
        doc = parse(f)
        linked = link(extract(doc, reg, s.curated_dir), reg)
        g = to_rdf(linked, reg, s)
        ds.graph(graph_iri(s, linked.extraction.identifier.value)).__iadd__(g)
        docs += 1
    t1 = time.perf_counter()
    union = Graph()
    for t in ds.triples((None, None, None)):
        union.add(t)
    conforms, _, _ = shacl_validate(
        union, shacl_graph=load_shapes(s.ontology_dir), ont_graph=load_ontology(s.ontology_dir),
        inference="none", advanced=False, allow_warnings=True,
    )
    t2 = time.perf_counter()
    dist.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, fmt, obj in (("kamerkg.nq", "nquads", ds), ("kamerkg.trig", "trig", ds),
                           ("kamerkg.nt", "nt", union), ("kamerkg.ttl", "turtle", union)):
        obj.serialize(destination=str(dist / name), format=fmt)
        sizes[name] = (dist / name).stat().st_size
    t3 = time.perf_counter()
    qres = timed_queries(lambda text: len(list(ds.query(text))), _queries(s), repeat, budget)
    return {
        "docs": docs,
        "conforms": bool(conforms),
        "seconds": {"parse_extract_map": round(t1 - t0, 3), "validate": round(t2 - t1, 3),
                    "publish": round(t3 - t2, 3), "total": round(t3 - t0, 3)},
        "dump_bytes": sizes,
        **qres,
    }


def run_floor(sources: Path, nquads: Path, out: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    files = sorted(p for p in sources.rglob("*") if p.is_file())
    n_bytes = sum(len(p.read_bytes()) for p in files)
    t1 = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    nq = ox.RdfFormat.N_QUADS
    ox.serialize(ox.parse(path=str(nquads), format=nq), output=str(out), format=nq)
    t2 = time.perf_counter()
    return {
        "docs": len(files),
        "source_bytes": n_bytes,
        "seconds": {"read": round(t1 - t0, 3), "write_nquads": round(t2 - t1, 3), "total": round(t2 - t0, 3)},
        "dump_bytes": {"kamerkg.nq": out.stat().st_size},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.systems")
    ap.add_argument("system",
                    choices=["kamerkg", "kamerkg-incremental", "kamerkg-queries", "baseline", "floor"])
    ap.add_argument("--sources", type=Path)
    ap.add_argument("--dist", type=Path)
    ap.add_argument("--nquads", type=Path)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--query-budget", type=float, default=60.0, help="seconds per query (all its runs)")
    ap.add_argument("--store", choices=["auto", "memory", "disk"], default="auto",
                    help="kamerkg-queries: embedded store (auto: memory for small dumps, else disk)")
    ap.add_argument("--sample", type=int, default=20, help="kamerkg-queries: documents to bind each query to")
    a = ap.parse_args(argv)
    if a.system == "kamerkg":
        res = run_kamerkg(a.sources, a.dist, a.workers)
    elif a.system == "kamerkg-incremental":
        res = run_kamerkg_incremental(a.sources, a.dist, a.workers)
    elif a.system == "kamerkg-queries":
        res = run_kamerkg_queries(a.dist, a.repeat, a.query_budget, a.store, a.sample)
    elif a.system == "baseline":
        res = run_baseline(a.sources, a.dist, a.repeat, a.query_budget)
    else:
        res = run_floor(a.sources, a.nquads, a.dist / "floor.nq")
    json.dump(res, sys.stdout)


if __name__ == "__main__":
    main()
