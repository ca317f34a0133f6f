"""Issue 8, ``kamerkg serve``: dereferencing with content negotiation and 303s, and the SPARQL 1.1 Protocol.

The server runs for real: ``python -m kamerkg serve --port 0`` in a subprocess on 127.0.0.1, serving the
seed build; the tests talk HTTP to it with httpx.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from kamerkg.api import query as api_query
from kamerkg.config import settings

IDS = settings().ids
NAVO = IDS + "org/navo"
DOC = IDS + "doc/kst-28676-339"
MAX_ROWS = 50
TIMEOUT = 2

RDF_TYPES = {
    "text/turtle": ("turtle", "ttl"),
    "application/n-triples": ("nt", "nt"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/rdf+xml": ("xml", "rdf"),
}


# one way to start and stop the server, shared with the load test in benchmarks/
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from load_server import start_server, stop_server  # noqa: E402


@pytest.fixture(scope="module")
def server(seed_dist: Path) -> Iterator[str]:
    proc, url = start_server(seed_dist, "--max-rows", str(MAX_ROWS), "--timeout", str(TIMEOUT))
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=20) as c:
        CONTEXTS.update(c.get("/context.jsonld").json())
        yield c


CONTEXTS: dict[str, object] = {}


def parse(body: bytes, rdflib_format: str) -> Graph:
    """Parse with rdflib; JSON-LD gets the published context as served by the server under test (the
    context IRI lives under the real base, which is not reachable from the test)."""
    if rdflib_format == "json-ld":
        import json

        doc = json.loads(body)
        if isinstance(doc.get("@context"), str):
            assert doc["@context"] == settings().base + "context.jsonld"
            doc["@context"] = CONTEXTS["@context"]
        body = json.dumps(doc).encode()
    g = Graph()
    g.parse(data=body, format=rdflib_format)
    return g


# ---------------------------------------------------------------- dereferencing
@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_thing_iri_303s_to_the_negotiated_document(client: httpx.Client, accept: str) -> None:
    fmt, ext = RDF_TYPES[accept]
    r = client.get("/id/org/navo", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["location"] == f"../../page/org/navo.{ext}"  # relative: works under any base path
    assert "accept" in r.headers["vary"].lower()
    r2 = client.get("/id/org/navo", headers={"Accept": accept}, follow_redirects=True)
    assert r2.status_code == 200
    assert r2.headers["content-type"].split(";")[0] == accept
    g = parse(r2.content, fmt)
    assert (URIRef(NAVO), None, None) in g
    assert g.query(f"ASK {{ <{NAVO}> <http://www.w3.org/2002/07/owl#sameAs> ?wd }}").askAnswer


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_generic_page_negotiates_in_place(client: httpx.Client, accept: str) -> None:
    fmt, ext = RDF_TYPES[accept]
    r = client.get("/page/doc/kst-28676-339", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    assert r.headers["content-location"] == f"kst-28676-339.{ext}"
    assert "accept" in r.headers["vary"].lower()
    g = parse(r.content, fmt)
    assert (URIRef(DOC), URIRef("http://purl.org/dc/terms/identifier"), None) in g


def test_html_is_the_default_and_browsers_get_html(client: httpx.Client) -> None:
    for accept in ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*", None):
        headers = {"Accept": accept} if accept else {}
        r = client.get("/id/person/bijleveld-schouten", headers=headers)
        assert r.status_code == 303 and r.headers["location"].endswith("page/person/bijleveld-schouten.html")
    r = client.get("/id/person/bijleveld-schouten", follow_redirects=True)
    assert r.headers["content-type"].startswith("text/html")
    assert '<link rel="alternate" type="text/turtle" href="bijleveld-schouten.ttl">' in r.text


def test_q_values_decide(client: httpx.Client) -> None:
    r = client.get("/id/org/navo", headers={"Accept": "text/html;q=0.5, text/turtle;q=0.9"})
    assert r.headers["location"].endswith(".ttl")
    r = client.get("/id/org/navo", headers={"Accept": "text/turtle;q=0, application/ld+json"})
    assert r.headers["location"].endswith(".jsonld")


def test_format_parameter_and_extensions(client: httpx.Client) -> None:
    r = client.get("/id/org/navo?format=ttl", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"].endswith("page/org/navo.ttl")
    r = client.get("/id/org/navo.jsonld")
    assert r.status_code == 303 and r.headers["location"].endswith("page/org/navo.jsonld")
    r = client.get("/page/org/navo?format=nt")
    assert r.status_code == 200 and r.headers["content-type"] == "application/n-triples"
    r = client.get("/page/org/navo.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = client.get("/id/org/navo?format=pdf")
    assert r.status_code == 400 and "ttl" in r.text


def test_not_acceptable_and_not_found(client: httpx.Client) -> None:
    assert client.get("/id/org/navo", headers={"Accept": "image/png"}).status_code == 406
    r = client.get("/id/org/no-such-organisation")
    assert r.status_code == 404 and "no-such-organisation" in r.text
    assert client.get("/page/../../etc/passwd").status_code == 404
    assert client.get("/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_ontology_and_dataset_description(client: httpx.Client) -> None:
    r = client.get("/def", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "ontology/kamerkg.ttl"
    r = client.get("/def", headers={"Accept": "text/html"}, follow_redirects=True)
    assert r.status_code == 200 and 'id="Meeting"' in r.text
    r = client.get("/void", headers={"Accept": "text/turtle"}, follow_redirects=True)
    g = parse(r.content, "turtle")
    assert (URIRef(settings().base + "void#dataset"), None, None) in g
    r = client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    assert r.headers["access-control-allow-origin"] == "*"


def test_named_graph_iri(client: httpx.Client) -> None:
    r = client.get("/id/graph/kst-28676-339", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = parse(r.content, "turtle")
    assert (URIRef(DOC), URIRef("http://purl.org/dc/terms/identifier"), None) in g
    r = client.get("/id/graph/kst-28676-339", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "../../page/doc/kst-28676-339.html"
    assert client.get("/id/graph/no-such-doc").status_code == 404


def test_static_site(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "kamerkg" in r.text
    assert client.get("/timeline.html").status_code == 200
    assert client.get("/kamerkg.ttl").headers["content-type"].startswith("text/turtle")
    assert client.get("/page/doc/kst-28676-339.svg").headers["content-type"] == "image/svg+xml"


# ---------------------------------------------------------------- SPARQL protocol
SELECT = "SELECT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id"
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


@pytest.mark.parametrize("accept", list(RESULT_TYPES))
def test_select_in_each_results_format(client: httpx.Client, accept: str) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    assert "kst-28676-339" in r.text
    if accept.endswith("json"):
        ids = [b["id"]["value"] for b in r.json()["results"]["bindings"]]
        assert "kst-28676-339" in ids and ids == sorted(ids)
    if accept == "text/csv":
        assert r.text.splitlines()[0] == "id"
    if accept == "text/tab-separated-values":
        assert r.text.splitlines()[0] == "?id" and '"kst-28676-339"' in r.text


def test_post_urlencoded_and_direct(client: httpx.Client) -> None:
    r = client.post("/sparql", data={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+xml"
    assert "<literal>kst-28676-339</literal>" in r.text
    r = client.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/sparql-results+json"
    r = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_ask(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": f"ASK {{ <{NAVO}> ?p ?o }}"})
    assert r.status_code == 200 and r.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_construct_and_describe_as_rdf(client: httpx.Client, accept: str) -> None:
    fmt, _ = RDF_TYPES[accept]
    for q in (f"CONSTRUCT {{ <{NAVO}> ?p ?o }} WHERE {{ <{NAVO}> ?p ?o }}", f"DESCRIBE <{NAVO}>"):
        r = client.post("/sparql", data={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == accept
        assert (URIRef(NAVO), None, None) in parse(r.content, fmt)


@pytest.mark.parametrize(
    ("how", "kwargs"),
    [
        ("form update", {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
        ("update as query", {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}),
        (
            "direct update",
            {
                "content": b"DELETE WHERE { ?s ?p ?o }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
        ),
    ],
)
def test_updates_are_refused(client: httpx.Client, how: str, kwargs: dict[str, object]) -> None:
    r = client.post("/sparql", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 403, how
    assert "read-only" in r.text
    r = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"})
    assert r.json()["boolean"] is False
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 403


def test_bad_query_is_400_with_a_message(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "bad query" in r.text and "error at" in r.text
    assert client.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400
    r = client.get("/sparql", params={"query": SELECT, "format": "pdf"})
    assert r.status_code == 400


def test_row_limit(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert "x-kamerkg-truncated" in r.headers


def test_query_page_offers_ready_made_queries(client: httpx.Client) -> None:
    r = client.get("/query")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'data-name="q01-document"' in r.text
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and 'id="ready-queries"' in r.text


def test_kamerkg_query_endpoint_matches_embedded_store(server: str, seed_dist: Path) -> None:
    for name in ("q01-document", "q03-announced-meeting", "q12-mentions"):
        remote = api_query(name, endpoint=server + "sparql")
        local = api_query(name, dist=seed_dist)
        assert remote.columns == local.columns
        assert sorted(map(tuple, remote.rows), key=str) == sorted(map(tuple, local.rows), key=str)
        assert remote.rows


def test_query_timeout(client: httpx.Client) -> None:
    """Last on purpose: the runaway evaluation keeps a worker busy until the server stops."""
    q = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    t = time.monotonic()
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 503 and "timed out" in r.text
    assert time.monotonic() - t < TIMEOUT + 5


def test_a_large_dataset_is_served_from_the_disk_store(
    seed_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the in-memory limit (13 GB of memory at 10k documents) the server answers from the on-disk
    store, each query child opening it for itself: same answers, pages still served."""
    import shutil

    import pyoxigraph as ox

    dist = tmp_path / "dist"
    shutil.copytree(seed_dist, dist)
    n_quads = sum(1 for _ in ox.parse(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS))
    monkeypatch.setenv("KAMERKG_MEMORY_MAX_BYTES", "1000")
    proc, url = start_server(dist, "--timeout", "20")
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
            json_results = {"Accept": "application/sparql-results+json"}
            for _ in range(3):  # several children, one after the other
                r = c.get("/sparql", params=count, headers=json_results)
                assert r.status_code == 200, r.text
                assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == n_quads
            page = c.get("/id/doc/kst-28676-339", headers={"Accept": "text/turtle"}, follow_redirects=True)
            assert page.status_code == 200 and b"kst-28676-339" in page.content
    finally:
        stop_server(proc)
    assert any((tmp_path / "dist.store").iterdir())  # the disk store beside dist/
