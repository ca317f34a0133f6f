"""Load test of ``kamerkg serve`` on loopback (issue 7): concurrent clients mixing page views, ready-made
queries and hostile queries (cartesian products, deep property paths, huge bodies, path traversal).

    python benchmarks/load_server.py [--clients 50] [--seconds 30] [--dist dist] [--url URL]

Without ``--url`` it starts ``kamerkg serve`` on a free loopback port over ``--dist`` (built from
``data/sources`` first if it is missing). Every client loop is bounded in count and in time. Prints the
throughput, the status codes per kind of request, latency percentiles and the server's peak memory
(RSS of the server and its query children). ``tests/test_load_server.py`` runs a short version.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

HOSTILE_QUERIES = {
    "cartesian": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "cartesian-rows": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep-path": "SELECT (COUNT(*) AS ?n) { ?s (!<urn:x:none>)* ?o . ?o (!<urn:x:none>)+ ?z }",
    "path-any": "SELECT ?s ?o { ?s (<urn:a>|!<urn:a>)+ ?o } ",
    "regex-blowup": 'SELECT (COUNT(*) AS ?n) { ?s ?p ?o . FILTER(REGEX(STR(?o), "^(a+)+$")) ?x ?y ?z }',
}
HOSTILE_REQUESTS = {
    # (method, path, kwargs)
    "update-get": ("GET", "/sparql", {"params": {"update": "DROP ALL"}}),
    "update-post": (
        "POST",
        "/sparql",
        {"content": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
    ),
    "update-in-query": ("GET", "/sparql", {"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
    "huge-body": (
        "POST",
        "/sparql",
        {
            "content": b"SELECT * {" + b" " * 2_000_000 + b"}",
            "headers": {"Content-Type": "application/sparql-query"},
        },
    ),
    "traversal": ("GET", "/../../../../etc/passwd", {}),
    "traversal-encoded": ("GET", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", {}),
    "traversal-double": ("GET", "/static/..%252f..%252f..%252fetc%252fpasswd", {}),
    "bad-query": ("GET", "/sparql", {"params": {"query": "SELECT ?x WHERE { ?x ?y }"}}),
}
# the statuses that are intended refusals of a hostile request
REFUSALS = {200, 400, 403, 404, 413, 414, 415, 503}


@dataclass
class Tally:
    status: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)  # transport errors, unexpected statuses, stack traces
    refusals: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # 503s by reason
    requests: int = 0

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.status[kind][status] += 1
        self.latency[kind].append(seconds)
        self.requests += 1


def ready_made_queries() -> list[str]:
    qdir = ROOT / "queries"
    return [p.read_text(encoding="utf-8") for p in sorted(qdir.glob("q*.rq"))]


def page_paths(dist: Path, n: int = 40) -> list[str]:
    site = dist / "site"
    pages = (
        sorted(str(p.relative_to(site)) for p in (site / "page").rglob("*.html"))[:n] if site.is_dir() else []
    )
    return ["/", "/query", "/void", "/def", *[f"/{p}" for p in pages]]


def _check(kind: str, r: httpx.Response, tally: Tally) -> None:
    body = r.content[:20000]
    if b"Traceback" in body or b'File "' in body:
        tally.failures.append(f"{kind}: a stack trace in the answer ({r.status_code})")
    if r.status_code >= 500 and r.status_code != 503:
        tally.failures.append(f"{kind}: {r.status_code} {body[:200]!r}")
    if kind.startswith("page") and r.status_code not in (200, 303):
        tally.failures.append(f"{kind}: {r.status_code} for {r.request.url.path}")
    if kind.startswith("page") and r.headers.get("content-type", "").startswith("text/html"):
        if "content-security-policy" not in r.headers or r.headers.get("x-content-type-options") != "nosniff":
            tally.failures.append(f"{kind}: HTML without CSP / nosniff at {r.request.url.path}")
    if kind.startswith("hostile") and r.status_code not in REFUSALS:
        tally.failures.append(f"{kind}: {r.status_code}")
    if kind.startswith(("hostile:traversal", "hostile:update")) and r.status_code == 200:
        tally.failures.append(f"{kind}: 200 for {r.request.url}")
    if kind == "query" and r.status_code not in (200, 503):
        tally.failures.append(f"query: {r.status_code} {body[:200]!r}")


async def client_loop(
    url: str,
    deadline: float,
    max_requests: int,
    rng: random.Random,
    pages: list[str],
    queries: list[str],
    tally: Tally,
    hostile_share: float,
) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        for _ in range(max_requests):  # bounded in count ...
            if time.monotonic() >= deadline:  # ... and in time
                return
            x = rng.random()
            if x < hostile_share / 2:
                name = rng.choice(sorted(HOSTILE_QUERIES))
                kind, req = (
                    f"hostile:{name}",
                    c.build_request("GET", "/sparql", params={"query": HOSTILE_QUERIES[name]}),
                )
            elif x < hostile_share:
                name = rng.choice(sorted(HOSTILE_REQUESTS))
                method, path, kw = HOSTILE_REQUESTS[name]
                kind, req = f"hostile:{name}", c.build_request(method, path, **kw)  # type: ignore[arg-type]
            elif x < hostile_share + (1 - hostile_share) / 2:
                kind = "page"
                req = c.build_request("GET", rng.choice(pages), headers={"Accept": "text/html"})
            else:
                kind = "query"
                req = c.build_request(
                    "GET",
                    "/sparql",
                    params={"query": rng.choice(queries)},
                    headers={"Accept": "application/sparql-results+json"},
                )
            t0 = time.monotonic()
            try:
                r = await c.send(req)
            except httpx.HTTPError as e:
                tally.failures.append(f"{kind}: {type(e).__name__}: {e}")
                continue
            tally.add(kind, r.status_code, time.monotonic() - t0)
            if r.status_code == 503:
                reason = "timed out" if b"timed out" in r.content else "busy"
                tally.refusals[kind.split(":")[0]][reason] += 1
            _check(kind, r, tally)
            if kind == "query" and r.status_code == 503:
                await asyncio.sleep(0.05)  # the server asked to come back


def _rss_of_tree(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for i, q in enumerate(procs):
        try:  # the server's RSS, plus what each forked query child does not share with it
            total += q.memory_info().rss if i == 0 else q.memory_full_info().uss
        except psutil.Error:
            pass
    return total


async def run_load(
    url: str,
    dist: Path,
    clients: int = 50,
    seconds: float = 10.0,
    max_requests: int = 10_000,
    hostile_share: float = 0.1,
    server_pid: int | None = None,
    seed: int = 7,
) -> dict[str, object]:
    """Run the mix for ``seconds`` with ``clients`` concurrent clients; return the figures."""
    pages, queries = page_paths(dist), ready_made_queries()
    tally = Tally()
    peak = [_rss_of_tree(server_pid) if server_pid else 0]
    start_rss = peak[0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):  # bounded by the run: stop is set at its end
            if server_pid:
                peak[0] = max(peak[0], _rss_of_tree(server_pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    deadline = t0 + seconds
    rng = random.Random(seed)
    await asyncio.gather(
        *(
            client_loop(
                url, deadline, max_requests, random.Random(rng.random()), pages, queries, tally, hostile_share
            )
            for _ in range(clients)
        )
    )
    took = time.monotonic() - t0
    stop.set()
    sampler.join(timeout=2)
    lat = {
        k: {
            "n": len(v),
            "p50_ms": round(1000 * statistics.median(v), 1),
            "p95_ms": round(1000 * sorted(v)[int(0.95 * (len(v) - 1))], 1),
        }
        for k, v in sorted(tally.latency.items())
    }
    return {
        "clients": clients,
        "seconds": round(took, 1),
        "requests": tally.requests,
        "throughput_rps": round(tally.requests / took, 1),
        "status": {k: dict(sorted(v.items())) for k, v in sorted(tally.status.items())},
        "latency": lat,
        "refusals_503": {k: dict(v) for k, v in sorted(tally.refusals.items())},
        "failures": tally.failures,
        "server_rss_mb": {"start": round(start_rss / 2**20), "peak": round(peak[0] / 2**20)},
    }


def start_server(dist: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``kamerkg serve`` on a free loopback port; the process and its base URL."""
    cmd = [
        sys.executable,
        "-m",
        "kamerkg",
        "serve",
        "--dist",
        str(dist),
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *extra,
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ}
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise RuntimeError(f"server did not start: {line!r}")
    url = line.split(" at ", 1)[1].split(" ", 1)[0]
    for _ in range(100):  # bounded: up to 10 s
        try:
            if httpx.get(url + "void", timeout=1).status_code < 500:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not answer")


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--hostile-share", type=float, default=0.1)
    ap.add_argument("--dist", default="dist")
    ap.add_argument("--url", help="a running server (default: start one over --dist)")
    ap.add_argument("--timeout", default="2", help="the server's query time limit (when started here)")
    a = ap.parse_args()
    dist = Path(a.dist)
    proc = None
    if a.url:
        url = a.url.rstrip("/") + "/"
    else:
        if not (dist / "kamerkg.nq").exists():
            from kamerkg.api import build

            build(out=dist)
        proc, url = start_server(dist, "--timeout", a.timeout)
    try:
        res = asyncio.run(
            run_load(
                url,
                dist,
                a.clients,
                a.seconds,
                hostile_share=a.hostile_share,
                server_pid=proc.pid if proc else None,
            )
        )
    finally:
        if proc:
            stop_server(proc)
    print(json.dumps(res, indent=2))
    return 1 if res["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
