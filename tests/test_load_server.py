"""The public endpoint under hostile traffic (issue 7), on loopback, bounded in count and time.

A short run of ``benchmarks/load_server.py`` (50 clients, a few seconds, page views, ready-made queries
and hostile queries: cartesian products, deep property paths, updates, huge bodies, path traversal),
plus direct checks of each protection: read-only, body limit, time limit, traversal -> 404, no stack
traces, CSP and nosniff on HTML, a runaway query that does not starve the short ones.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from load_server import HOSTILE_QUERIES, run_load, start_server, stop_server  # noqa: E402

TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server(seed_dist: Path) -> Iterator[tuple[str, int]]:
    proc, url = start_server(seed_dist, "--timeout", str(TIMEOUT), "--max-rows", "500")
    try:
        yield url, proc.pid
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def client(server: tuple[str, int]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server[0], timeout=30) as c:
        yield c


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/static/..%2f..%2f..%2fmanifest.json",
        "/static/..%252f..%252fetc%252fpasswd",
        "/page/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/id/..%2f..%2fetc%2fpasswd",
        "/static/%00.css",
        "/..\\..\\etc\\passwd",
    ],
)
def test_path_traversal_is_404(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "root:" not in r.text and "Traceback" not in r.text


def test_writes_are_refused(client: httpx.Client) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        assert client.request(method, "/sparql", content=b"x").status_code in (403, 405)
    r = client.post("/sparql", data={"update": "DROP ALL"})
    assert r.status_code == 403
    r = client.get("/sparql", params={"query": "PREFIX x: <urn:x:>\nINSERT DATA { x:a x:b x:c }"})
    assert r.status_code in (400, 403)
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert r.json()["boolean"] is True  # still all there


def test_request_body_limit(client: httpx.Client) -> None:
    big = b"SELECT * { ?s ?p ?o } #" + b"x" * 200_000
    r = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    r = client.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } #" + "x" * 70_000})
    assert r.status_code == 413


def test_html_has_security_headers(client: httpx.Client) -> None:
    for path in ("/", "/query", "/page/doc/kst-28676-339"):
        r = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
        csp = r.headers.get("content-security-policy", "")
        assert (
            "default-src 'self'" in csp
            and "object-src 'none'" in csp
            and "'unsafe-inline'" not in csp.split("style-src")[0]
        ), csp
        assert r.headers.get("x-content-type-options") == "nosniff"


def test_no_stack_trace_on_errors(client: httpx.Client) -> None:
    for r in (
        client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}),
        client.get("/sparql", params={"query": "SELECT * {}", "timeout": "abc"}),
        client.get("/sparql", params={"query": "SELECT * {}", "default-graph-uri": "not an iri"}),
        client.post("/sparql", content=b"\xff\xfe\x00", headers={"Content-Type": "application/sparql-query"}),
    ):
        assert r.status_code < 500 or r.status_code == 503, r.text
        assert "Traceback" not in r.text and 'File "' not in r.text


def test_runaway_query_is_stopped_and_short_ones_still_answer(
    client: httpx.Client, server: tuple[str, int]
) -> None:
    import psutil

    async def go() -> tuple[list[httpx.Response], list[httpx.Response]]:
        async with httpx.AsyncClient(base_url=server[0], timeout=30) as c:
            hostile = [c.get("/sparql", params={"query": HOSTILE_QUERIES["cartesian"]}) for _ in range(6)]
            h = asyncio.gather(*hostile)
            await asyncio.sleep(0.2)
            short = []
            for _ in range(5):
                short.append(await c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}))
            return list(await h), short

    t0 = time.monotonic()
    hostile, short = asyncio.run(go())
    assert all(r.status_code == 503 for r in hostile)
    assert time.monotonic() - t0 < TIMEOUT + 5
    assert sum(r.status_code == 200 for r in short) >= 4, [r.status_code for r in short]
    time.sleep(0.5)
    kids = psutil.Process(server[1]).children(recursive=True)
    busy = [k for k in kids if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert not busy, "runaway query children still running after their time limit"


def test_load(server: tuple[str, int], seed_dist: Path) -> None:
    url, pid = server
    res = asyncio.run(run_load(url, seed_dist, clients=50, seconds=5, max_requests=400, server_pid=pid))
    print("load:", {k: res[k] for k in ("requests", "throughput_rps", "server_rss_mb")}, res["status"])
    assert res["failures"] == [], res["failures"][:10]
    status = res["status"]
    pages = status["page"]  # type: ignore[index]
    assert sum(pages.values()) > 50 and set(pages) <= {200, 303}, pages
    queries = status["query"]  # type: ignore[index]
    assert queries.get(200, 0) >= 20, queries  # the normal queries keep being answered
    rss = res["server_rss_mb"]
    assert rss["peak"] < 1500, rss  # type: ignore[index]
