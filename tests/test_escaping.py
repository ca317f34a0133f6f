"""Literals from documents are escaped in every serialisation (issue 7): a document whose text holds
Turtle long-string quotes, angle brackets, backslashes, newlines, ``<script>`` and right-to-left marks
builds, and its dumps (N-Quads, TriG, N-Triples, Turtle, JSON-LD) parse back with rdflib and pyoxigraph
to the same literals; its HTML page shows the text and runs none of it.
"""

from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kamerkg.api import build

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
from make_bad_inputs import SEED, renumber  # noqa: E402

NR = 9100
DOC = f"kst-28676-{NR}"
# a meeting description (read as a literal) full of hostile characters, over two lines
HOSTILE = (
    'bijeenkomst van de """ministers""" <script>alert`x`</script> & \\ \\n \\" > ]]> \u202eevil\u202c\n'
    "\u2067x\u2069 {{ x }} ' op 15 mei 2020"
)
PIECES = ['"""', "<script>", "\\", "\u202e", "\n", "]]>", "{{ x }}"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("escaping")
    text = renumber(SEED.read_text(encoding="utf-8"), NR)
    i = text.index("\n\n") + 2
    (folder / f"{DOC}.txt").write_text(text[:i] + f"Er was een {HOSTILE}.\n\n" + text[i:], encoding="utf-8")
    out = folder / "dist"
    res = build([folder / f"{DOC}.txt"], out=out, workers=1, cache=False)
    assert res.published, (res.errors, [r.line() for r in res.report.results][:5])
    return out


def _oxi_literals(path: Path, fmt: ox.RdfFormat) -> set[str]:
    return {t.object.value for t in ox.parse(path=str(path), format=fmt) if isinstance(t.object, ox.Literal)}


def _rdflib_literals(g: rdflib.Graph | rdflib.Dataset) -> set[str]:
    quads = g.quads((None, None, None, None)) if isinstance(g, rdflib.Dataset) else ((*t, None) for t in g)
    return {str(o) for _, _, o, _ in quads if isinstance(o, rdflib.Literal)}


def test_hostile_text_reaches_the_graph(dist: Path) -> None:
    lits = _oxi_literals(dist / "kamerkg.nq", ox.RdfFormat.N_QUADS)
    hostile = [x for x in lits if "<script>" in x]
    assert hostile, "the hostile text was not read into any literal"
    joined = "".join(hostile)
    for piece in PIECES:
        assert piece in joined, piece


@pytest.mark.parametrize(
    "name,ox_fmt,rdflib_fmt",
    [
        ("kamerkg.nq", ox.RdfFormat.N_QUADS, "nquads"),
        ("kamerkg.trig", ox.RdfFormat.TRIG, "trig"),
        ("kamerkg.nt", ox.RdfFormat.N_TRIPLES, "nt"),
        ("kamerkg.ttl", ox.RdfFormat.TURTLE, "turtle"),
    ],
)
def test_dumps_parse_back_to_the_same_literals(
    dist: Path, name: str, ox_fmt: ox.RdfFormat, rdflib_fmt: str
) -> None:
    reference = _oxi_literals(dist / "kamerkg.nq", ox.RdfFormat.N_QUADS)
    assert _oxi_literals(dist / name, ox_fmt) == reference
    g: rdflib.Graph | rdflib.Dataset = (
        rdflib.Dataset() if rdflib_fmt in ("nquads", "trig") else rdflib.Graph()
    )
    g.parse(dist / name, format=rdflib_fmt)
    assert _rdflib_literals(g) == reference


def test_jsonld_dump_parses_back(dist: Path) -> None:
    doc = json.loads((dist / "kamerkg.jsonld").read_text(encoding="utf-8"))
    ctx = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))
    doc["@context"] = ctx.get("@context", ctx)  # the published context, offline
    ds = rdflib.Dataset()
    ds.parse(data=json.dumps(doc), format="json-ld")
    lits = _rdflib_literals(ds)
    reference = _oxi_literals(dist / "kamerkg.nq", ox.RdfFormat.N_QUADS)
    hostile = {x for x in reference if "<script>" in x}
    assert hostile and hostile <= lits


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str, str]] = []  # (type, content)
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in = dict(attrs).get("type") or "text/javascript"
            self.scripts.append((self._in, ""))
        for k, _ in attrs:
            assert not k.lower().startswith("on"), f"an event handler attribute: {k}"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            t, c = self.scripts[-1]
            self.scripts[-1] = (t, c + data)
        else:
            self.text.append(data)


def test_html_page_escapes_the_text(dist: Path) -> None:
    pages = sorted((dist / "site").rglob("*.html"))
    assert pages
    seen = False
    for page in pages:
        html = page.read_text(encoding="utf-8")
        p = _Page()
        p.feed(html)
        for typ, content in p.scripts:
            # only data blocks hold document text, and they cannot be closed early
            assert typ in ("application/ld+json", "application/json", "text/javascript", "module"), typ
            if typ.endswith("json"):
                json.loads(content)
            assert "alert`" not in content or typ.endswith("json"), page
        if "alert`x`" in "".join(p.text):
            seen = True
            assert "<script>alert" not in html, page
    assert seen, "the hostile text shows on no page"


def test_sparql_results_from_the_server_keep_the_literal(dist: Path) -> None:
    """The endpoint's JSON, XML, CSV and TSV results carry the hostile literal intact."""
    import csv
    import io
    import xml.etree.ElementTree as ET

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import httpx
    from load_server import start_server, stop_server

    reference = {x for x in _oxi_literals(dist / "kamerkg.nq", ox.RdfFormat.N_QUADS) if "<script>" in x}
    q = 'SELECT DISTINCT ?o { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "<script>")) }'
    proc, url = start_server(dist)
    try:
        with httpx.Client(base_url=url, timeout=30) as c:

            def get(accept: str) -> httpx.Response:
                r = c.get("/sparql", params={"query": q}, headers={"Accept": accept})
                assert r.status_code == 200, r.text
                assert r.headers.get("x-content-type-options") == "nosniff"
                return r

            js = {
                b["o"]["value"] for b in get("application/sparql-results+json").json()["results"]["bindings"]
            }
            ns = "{http://www.w3.org/2005/sparql-results#}"
            root = ET.fromstring(get("application/sparql-results+xml").content)
            xml = {el.text or "" for el in root.iter(f"{ns}literal")}
            rows = list(csv.reader(io.StringIO(get("text/csv").text)))[1:]
            csv_vals = {r[0] for r in rows if r}
            tsv = get("text/tab-separated-values").text
        assert js == xml == csv_vals == reference
        for lit in reference:  # TSV writes literals in N-Triples form, escaped
            assert str(ox.Literal(lit)).replace("\n", "\\n") in tsv or str(ox.Literal(lit)) in tsv
    finally:
        stop_server(proc)
