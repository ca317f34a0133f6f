"""A tiny run of the benchmark harness (``python -m benchmarks``): it runs end to end and writes the JSON
the issue asks for. No timing is asserted here; performance is measured by the harness itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("psutil")


def test_harness_writes_the_json_table_and_plot(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    cmd = [sys.executable, "-m", "benchmarks", "--docs", "20", "--baseline-max", "20", "--repeat", "2",
           "--out", str(out), "--json", str(out / "r.json")]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((out / "r.json").read_text(encoding="utf-8"))
    (run,) = doc["runs"]
    assert run["docs"] == 20
    for system in ("kamerkg", "baseline", "floor"):
        r = run[system]
        assert r["docs"] > 0
        assert r["seconds"]["total"] > 0
        assert set(r["docs_per_s"]) == set(r["seconds"])
        assert r["peak_rss_mb"] > 0
    for stage in ("parse_extract_map", "validate", "publish", "total"):
        assert stage in run["kamerkg"]["seconds"]
        assert stage in run["baseline"]["seconds"]
    queries = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    for system in ("kamerkg", "baseline"):
        assert sorted(run[system]["query_ms"]) == queries
        for name, q in run[system]["query_ms"].items():
            assert "error" not in q, (system, name, q["error"])
            if q["p50"] is None:  # did not finish within the time budget (a slow engine, a busy machine)
                assert q["timed_out"]
            else:
                assert 0 <= q["p50"] <= q["p95"]
    assert run["kamerkg"]["dump_bytes"]["kamerkg.nq"] > 0
    # the ready-made queries bound to sampled documents, on the store chosen for the size
    assert sorted(run["kamerkg"]["query_bound_ms"]) == queries and run["kamerkg"]["bound_docs"]
    assert all(q["p50"] is not None and "error" not in q for q in run["kamerkg"]["query_bound_ms"].values())
    assert run["kamerkg"]["store"]["kind"] == "memory" and run["kamerkg"]["store"]["load_s"] > 0
    # the daily update: one document changed (rebuilt), then changed back (its entry is in the cache);
    # both publications spliced from the previous one
    inc = run["kamerkg"]["incremental"]
    assert [(r["docs_built"], r["spliced"]) for r in inc["runs"]] == [(1, 1), (0, 1)]
    assert (out / "table.txt").read_text(encoding="utf-8").count("kamerkg") >= 1
    assert (out / "scale.png").exists() or (out / "scale.svg").exists()
