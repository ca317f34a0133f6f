"""Benchmark harness for issue 6: ``python -m benchmarks --docs 1000 10000 100000 --json results.json``.

For every size N it

1. generates a corpus of N documents from the real documents in ``data/sources/`` into a temporary
   folder (see :mod:`benchmarks.corpus` for how: new identifiers, shifted dates, recombined paragraphs,
   so that document size and entity density match the real ones);
2. runs each system in its own subprocess (see :mod:`benchmarks.systems`) while sampling the resident
   memory of the whole process tree (parent and pool workers summed, every 20 ms) for the peak:
   ``kamerkg`` (``api.build``), then the ready-made queries on kamerkg's embedded store, then the
   ``floor`` (read the sources, write the same N-Quads with pyoxigraph) and the ``baseline`` (one
   rdflib graph, pySHACL over everything, rdflib serialisers and SPARQL). Sizes run one after the
   other, each system in a fresh process, so they do not pollute each other's memory figures;
3. prints a table, writes a JSON file and a plot of time and memory against size.

The baseline is slow and large (rdflib keeps about 1.2 KB per triple; the documents have about 420
triples each); it runs only up to ``--baseline-max`` documents (default 2000). Above that its figures
are *not measured*: the JSON has ``"measured": false`` and a linear extrapolation from the largest
measured size in ``extrapolated`` (rdflib's parse and pySHACL are linear in the number of triples, see
TOOLING.md; its SPARQL is at least linear, so the extrapolated query times are a lower bound).

``seconds`` per stage for kamerkg: ``parse_extract_map`` and ``validate`` are worker CPU seconds of
those stages divided by the number of workers (the wall time they account for when the workers run in
parallel), ``publish`` is the wall time of the publishing phase; ``total`` is the wall time of
``build`` end to end. ``docs_per_s`` is ``docs / seconds`` for every stage.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.corpus import generate

ROOT = Path(__file__).resolve().parents[1]


def run_measured(args: list[str], timeout: float | None = None) -> tuple[dict[str, Any], float]:
    """Run ``python -m benchmarks.systems ARGS``; return its JSON and the peak RSS (MB) of its tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.systems", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env,
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            p = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            try:
                total = p.memory_info().rss
                for c in p.children(recursive=True):
                    try:
                        total += c.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                return
            stop.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate(timeout=timeout)
    stop.set()
    th.join()
    if proc.returncode != 0:
        msg = err.decode()[-3000:]
        raise RuntimeError(f"benchmarks.systems {' '.join(args)} failed ({proc.returncode}):\n{msg}")
    return json.loads(out), round(peak / 2**20, 1)


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _rates(docs: int, seconds: dict[str, float]) -> dict[str, float]:
    return {k: round(docs / v, 1) if v > 0 else float("inf") for k, v in seconds.items()}


def bench_size(n: int, work: Path, baseline_max: int, repeat: int, workers: int | None,
               budget: float, max_query_docs: int = 100_000,
               incremental_max: int = 20_000) -> dict[str, Any]:
    src = work / f"n{n}" / "sources"
    t = time.perf_counter()
    generate(ROOT / "data" / "sources", src, n)
    gen_s = time.perf_counter() - t
    dist = work / f"n{n}" / "dist"
    res: dict[str, Any] = {"docs": n, "generate_s": round(gen_s, 2)}

    k, rss = run_measured(["kamerkg", "--sources", str(src), "--dist", str(dist)]
                          + (["--workers", str(workers)] if workers else []))
    k.update(peak_rss_mb=rss, docs_per_s=_rates(k["docs"], k["seconds"]))
    if n <= incremental_max:
        inc, irss = run_measured(["kamerkg-incremental", "--sources", str(src), "--dist", str(dist)]
                                 + (["--workers", str(workers)] if workers else []))
        k["incremental"] = {**inc, "peak_rss_mb": irss}
    else:
        k["incremental_skipped"] = (f"incremental builds run only up to {incremental_max} documents "
                                    "(--incremental-max): the new publication is staged beside the old one, "
                                    "which doubles the disk the dumps take (~26 GB at 100k)")
    k["cache_mb"] = round(_du(dist.parent / ".kamerkg-cache") / 2**20, 1)
    shutil.rmtree(dist.parent / ".kamerkg-cache", ignore_errors=True)  # disk: at 100k the cache is ~30 GB
    if n <= max_query_docs:
        try:
            q, qrss = run_measured(["kamerkg-queries", "--dist", str(dist), "--repeat", str(repeat),
                                    "--query-budget", str(budget)])
            k.update(query_ms=q["query_ms"], query_rows=q["query_rows"], store_load_s=q["store_load_s"],
                     query_peak_rss_mb=qrss, store=q.get("store"), query_bound_ms=q.get("query_bound_ms"),
                     query_bound_rows=q.get("query_bound_rows"), bound_docs=q.get("bound_docs"))
        except RuntimeError as e:
            k["query_error"] = str(e)[:500]
    else:
        k["query_skipped"] = (f"queries run only up to {max_query_docs} documents (--max-query-docs): the "
                              "embedded in-memory store needs about 1.1 KB per quad (9 GB at 10k documents)")
    res["kamerkg"] = k
    shutil.rmtree(dist.with_name(dist.name + ".store"), ignore_errors=True)  # the queries' on-disk store

    f, frss = run_measured(["floor", "--sources", str(src), "--nquads", str(dist / "kamerkg.nq"),
                            "--dist", str(work / f"n{n}" / "floor")])
    f.update(peak_rss_mb=frss, docs_per_s=_rates(f["docs"], f["seconds"]))
    res["floor"] = f
    shutil.rmtree(work / f"n{n}" / "floor", ignore_errors=True)

    if n <= baseline_max:
        b, brss = run_measured(["baseline", "--sources", str(src), "--dist", str(work / f"n{n}" / "baseline"),
                                "--repeat", str(max(3, repeat // 4)), "--query-budget", str(budget)])
        b.update(peak_rss_mb=brss, docs_per_s=_rates(b["docs"], b["seconds"]), measured=True)
        res["baseline"] = b
        shutil.rmtree(work / f"n{n}" / "baseline", ignore_errors=True)
    else:
        res["baseline"] = {"docs": n, "measured": False,
                           "reason": f"baseline capped at {baseline_max} documents (--baseline-max)"}
    return res


def extrapolate(runs: list[dict[str, Any]]) -> None:
    """Fill ``extrapolated`` for unmeasured baselines linearly from the largest measured one."""
    measured = [r for r in runs if r["baseline"].get("measured")]
    if not measured:
        return
    ref = max(measured, key=lambda r: r["docs"])
    b = ref["baseline"]
    for r in runs:
        if r["baseline"].get("measured"):
            continue
        f = r["docs"] / ref["docs"]
        secs = {k: round(v * f, 1) for k, v in b["seconds"].items()}
        r["baseline"]["extrapolated"] = {
            "from_docs": ref["docs"],
            "seconds": secs,
            "docs_per_s": _rates(r["docs"], secs),
            "peak_rss_mb": round(b["peak_rss_mb"] * f, 0),
            "query_ms": {q: {k: (round(v * f, 1) if isinstance(v, float) and k in ("p50", "p95") else v)
                             for k, v in d.items()} for q, d in b["query_ms"].items()},
        }


def _bl(r: dict[str, Any]) -> tuple[dict[str, Any], str]:
    b = r["baseline"]
    if b.get("measured"):
        return b, ""
    return b.get("extrapolated", {}), " (extrapolated)"


def table(runs: list[dict[str, Any]]) -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    t = Table(title="kamerkg scale benchmark (issue 6)")
    for c in ("docs", "system", "total s", "docs/s", "p+e+m docs/s", "validate docs/s", "publish docs/s",
              "peak RSS MB", "nq MB", "query p95 max ms", "1 changed: s"):
        t.add_column(c, justify="right" if c != "system" else "left")
    for r in runs:
        for name in ("kamerkg", "baseline", "floor"):
            d, note = (_bl(r) if name == "baseline" else (r[name], ""))
            if not d:
                t.add_row(str(r["docs"]), name, "not run", "", "", "", "", "", "", "", "")
                continue
            s, dps = d["seconds"], d["docs_per_s"]
            qs = d.get("query_ms", {}).values()
            qp95 = max((q["p95"] for q in qs if q.get("p95") is not None), default=None)
            n_to = sum(1 for q in qs if q.get("timed_out") and q.get("p95") is None)
            nq = d.get("dump_bytes", {}).get("kamerkg.nq")
            t.add_row(
                str(r["docs"]), name + note, f"{s['total']:.1f}", f"{dps['total']:.0f}",
                f"{dps.get('parse_extract_map', 0):.0f}" if "parse_extract_map" in dps else "",
                f"{dps.get('validate', 0):.0f}" if "validate" in dps else "",
                f"{dps.get('publish', 0):.0f}" if "publish" in dps else "",
                f"{d.get('peak_rss_mb', 0):.0f}", f"{nq / 2**20:.1f}" if nq else "",
                (f"{qp95:.1f}" if qp95 is not None else "") + (f" ({n_to} timed out)" if n_to else ""),
                f"{d['incremental']['seconds']['total']:.1f}" if "incremental" in d else "",
            )
    buf = io.StringIO()
    Console(file=buf, width=160).print(t)
    Console(width=160).print(t)
    return buf.getvalue()


def plot(runs: list[dict[str, Any]], path: Path) -> Path:
    series: dict[str, tuple[list[int], list[float], list[float]]] = {}
    for name in ("kamerkg", "baseline", "floor"):
        xs, ts, ms = [], [], []
        for r in runs:
            d = _bl(r)[0] if name == "baseline" else r[name]
            if d:
                xs.append(r["docs"])
                ts.append(d["seconds"]["total"])
                ms.append(d["peak_rss_mb"])
        series[name] = (xs, ts, ms)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return _svg(series, path.with_suffix(".svg"))
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, (xs, ts, ms) in series.items():
        if xs:
            a1.loglog(xs, ts, marker="o", label=name)
            a2.loglog(xs, ms, marker="o", label=name)
    a1.set(xlabel="documents", ylabel="build time (s)", title="time against size")
    a2.set(xlabel="documents", ylabel="peak RSS (MB)", title="memory against size")
    for a in (a1, a2):
        a.grid(True, which="both", alpha=0.3)
        a.legend()
    fig.text(0.5, 0.005, "baseline above --baseline-max is extrapolated linearly", ha="center", fontsize=8)
    fig.tight_layout()
    path = path.with_suffix(".png")
    fig.savefig(path, dpi=110)
    return path


def _svg(series: dict[str, tuple[list[int], list[float], list[float]]], path: Path) -> Path:
    import math

    w, h, pad = 420, 300, 45
    colours = {"kamerkg": "#1f77b4", "baseline": "#d62728", "floor": "#2ca02c"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{h}" '
             'font-family="sans-serif" font-size="11">']
    for panel, idx, label in ((0, 1, "time (s)"), (1, 2, "peak RSS (MB)")):
        ox0 = panel * w
        pts = [(x, v) for xs, *vals in series.values()
               for x, v in zip(xs, vals[idx - 1], strict=True) if v > 0]
        if not pts:
            continue
        lx = [math.log10(x) for x, _ in pts]
        ly = [math.log10(v) for _, v in pts]
        x0, x1 = min(lx), max(lx) + 1e-9
        y0, y1 = min(ly), max(ly) + 1e-9

        def px(x: float, y: float, x0: float = x0, x1: float = x1, y0: float = y0, y1: float = y1,
               ox0: int = ox0) -> tuple[float, float]:
            return (ox0 + pad + (math.log10(x) - x0) / (x1 - x0) * (w - 2 * pad),
                    h - pad - (math.log10(y) - y0) / (y1 - y0) * (h - 2 * pad))

        parts.append(f'<text x="{ox0 + w / 2}" y="15" text-anchor="middle">'
                     f'{label} against documents (log-log)</text>')
        parts.append(f'<rect x="{ox0 + pad}" y="{pad}" width="{w - 2 * pad}" height="{h - 2 * pad}" '
                     'fill="none" stroke="#999"/>')
        for k, (name, (xs, *vals)) in enumerate(series.items()):
            ys = vals[idx - 1]
            coords = [px(x, y) for x, y in zip(xs, ys, strict=True) if y > 0]
            if coords:
                parts.append('<polyline fill="none" stroke="{}" points="{}"/>'.format(
                    colours[name], " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)))
            for (a, b), x, y in zip(coords, xs, ys, strict=False):
                parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colours[name]}">'
                             f'<title>{name} {x}: {y}</title></circle>')
            parts.append(f'<text x="{ox0 + pad + 5}" y="{pad + 14 * (k + 1)}" '
                         f'fill="{colours[name]}">{name}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 10000, 100000], help="corpus sizes")
    ap.add_argument("--json", type=Path, default=None,
                    help="write the results here (default: bench-results/results.json)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench-results",
                    help="folder for the table, plot and JSON")
    ap.add_argument("--baseline-max", type=int, default=2000, help="run the baseline only up to this size")
    ap.add_argument("--repeat", type=int, default=20, help="runs per query for p50/p95")
    ap.add_argument("--workers", type=int, default=None, help="kamerkg build workers (default: all cores)")
    ap.add_argument("--incremental-max", type=int, default=20_000,
                    help="measure the one-changed-document rebuild only up to this size (disk)")
    ap.add_argument("--max-query-docs", type=int, default=100_000,
                    help="run the ready-made queries only up to this size (memory or on-disk store)")
    ap.add_argument("--query-budget", type=float, default=10.0,
                    help="seconds per ready-made query (all its runs); slower ones are reported as timed out")
    ap.add_argument("--work", type=Path, default=None,
                    help="working folder (default: a temporary one, removed)")
    ap.add_argument("--no-plot", action="store_true")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    json_path = a.json or a.out / "results.json"
    work = a.work or Path(tempfile.mkdtemp(prefix="kamerkg-bench-"))
    runs: list[dict[str, Any]] = []
    try:
        for n in sorted(a.docs):
            print(f"[bench] {n} documents ...", file=sys.stderr, flush=True)
            runs.append(bench_size(n, work, a.baseline_max, a.repeat, a.workers, a.query_budget,
                                   a.max_query_docs, a.incremental_max))
            shutil.rmtree(work / f"n{n}", ignore_errors=True)
            extrapolate(runs)
            _dump(json_path, runs)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    text = table(runs)
    (a.out / "table.txt").write_text(text, encoding="utf-8")
    if not a.no_plot:
        p = plot(runs, a.out / "scale")
        print(f"plot: {p}", file=sys.stderr)
    print(f"json: {json_path}", file=sys.stderr)
    return 0


def _dump(path: Path, runs: list[dict[str, Any]]) -> None:
    doc = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)},
        "runs": runs,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
