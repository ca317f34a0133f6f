"""Issue 8, publishing: the JSON-LD dump and its @context, the VoID/DCAT description, the static site."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld

from kamerkg.config import settings
from kamerkg.publish.index import Index
from kamerkg.publish.jsonld import Compactor
from kamerkg.publish.site import Site, rel

HERE = Path(__file__).parent
EXPECTED = json.loads((HERE / "expected" / "publish.json").read_text(encoding="utf-8"))
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


def triples_of(data: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)}


def expand_to_triples(doc: object, context: object) -> set[ox.Triple]:
    """Expand with pyld (an independent processor), the published context served by a local loader."""

    def loader(url: str, options: object = None) -> dict[str, object]:
        assert url == settings().base + "context.jsonld", url
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nq = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return triples_of(nq.encode(), ox.RdfFormat.N_QUADS)


def test_jsonld_dump_expands_to_the_turtle_dump(seed_dist: Path) -> None:
    context = json.loads((seed_dist / "context.jsonld").read_text(encoding="utf-8"))
    doc = json.loads((seed_dist / "kamerkg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == settings().base + "context.jsonld"
    turtle = triples_of((seed_dist / "kamerkg.ttl").read_bytes(), ox.RdfFormat.TURTLE)
    assert len(turtle) > 500
    assert expand_to_triples(doc, context) == turtle


def test_jsonld_dump_keeps_named_graphs(seed_dist: Path) -> None:
    context = json.loads((seed_dist / "context.jsonld").read_text(encoding="utf-8"))
    doc = json.loads((seed_dist / "kamerkg.jsonld").read_text(encoding="utf-8"))

    def loader(url: str, options: object = None) -> dict[str, object]:
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nq = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    got = {str(q) for q in ox.parse(nq.encode(), format=ox.RdfFormat.N_QUADS)}
    want = {str(q) for q in ox.parse((seed_dist / "kamerkg.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)}
    assert got == want


def test_context_has_compact_readable_keys(seed_dist: Path) -> None:
    ctx = json.loads((seed_dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx["kkg"] == settings().vocab
    assert ctx["label"] == "rdfs:label"
    assert ctx["inDossier"] == {"@id": "kkg:inDossier", "@type": "@id"}
    assert ctx["date"] == {"@id": "dcterms:date", "@type": "xsd:date"}
    doc = (seed_dist / "kamerkg.jsonld").read_text(encoding="utf-8")
    assert '"announces": "kid:meeting/2020-04-15-navo-defence-ministers"' in doc


def test_compactor_keeps_mixed_values_exact() -> None:
    """A predicate with both IRI and literal objects, and a local-name clash, must survive the round trip."""
    px = {"ex": "http://example.org/", "other": "http://other.example/"}
    s, p, q = (
        ox.NamedNode("http://example.org/s"),
        ox.NamedNode("http://example.org/name"),
        ox.NamedNode("http://other.example/name"),
    )
    ts = [
        ox.Triple(s, p, ox.NamedNode("http://example.org/o")),
        ox.Triple(s, p, ox.Literal("x")),
        ox.Triple(
            s, p, ox.Literal("2020-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        ),
        ox.Triple(s, q, ox.Literal("<b>&", language="nl")),
        ox.Triple(s, q, ox.BlankNode("b0")),
    ]
    c = Compactor(ts, px)
    doc = c.document("urn:ctx", ts)
    doc["@context"] = c.context()
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    got = {
        str(t)
        for t in triples_of(nq.encode(), ox.RdfFormat.N_QUADS)
        if not isinstance(t.object, ox.BlankNode)
    }
    assert got == {str(t) for t in ts if not isinstance(t.object, ox.BlankNode)}


def _void(seed_dist: Path) -> ox.Store:
    st = ox.Store()
    st.load(path=str(seed_dist / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return st


def _one(st: ox.Store, q: str) -> str:
    rows = list(st.query(q))
    assert len(rows) == 1, (q, rows)
    return rows[0][0].value


def test_void_counts(seed_dist: Path) -> None:
    st = _void(seed_dist)
    nt = (seed_dist / "kamerkg.nt").read_bytes()
    triples = triples_of(nt, ox.RdfFormat.N_TRIPLES)
    assert (
        int(_one(st, f"SELECT ?n {{ ?d a <{VOID}Dataset>; <{VOID}triples> ?n }}"))
        == len(triples)
        == len(nt.splitlines())
    )
    assert int(_one(st, f"SELECT ?n {{ ?d <{VOID}distinctSubjects> ?n }}")) == len(
        {t.subject for t in triples}
    )
    types = Counter()
    seen: set[tuple[str, str]] = set()
    for t in triples:
        if t.predicate.value.endswith("#type") and (t.subject.value, t.object.value) not in seen:
            seen.add((t.subject.value, t.object.value))
            types[t.object.value] += 1
    got = {
        r["c"].value: int(r["n"].value)
        for r in st.query(
            f"SELECT ?c ?n {{ ?d <{VOID}classPartition> ?p . ?p <{VOID}class> ?c; <{VOID}entities> ?n }}"
        )
    }
    assert got == dict(types)
    props = Counter(t.predicate.value for t in triples)
    got = {
        r["p"].value: int(r["n"].value)
        for r in st.query(
            f"SELECT ?p ?n {{ ?d <{VOID}propertyPartition> ?x . ?x <{VOID}property> ?p; <{VOID}triples> ?n }}"
        )
    }
    assert got == dict(props)


def test_void_linksets(seed_dist: Path) -> None:
    st = _void(seed_dist)
    nt = triples_of((seed_dist / "kamerkg.nt").read_bytes(), ox.RdfFormat.N_TRIPLES)
    for name, ns in (
        ("wikidata", "http://www.wikidata.org/entity/"),
        ("tooi", "https://identifier.overheid.nl/tooi/"),
    ):
        rows = {
            r["p"].value: int(r["n"].value)
            for r in st.query(
                f"SELECT ?p ?n {{ ?l a <{VOID}Linkset>; <{VOID}objectsTarget> ?t; <{VOID}linkPredicate> ?p; "
                f'<{VOID}triples> ?n . ?t <{VOID}uriSpace> "{ns}" }}'
            )
        }
        for p in EXPECTED["linkset_predicates"][name]:
            want = sum(1 for t in nt if t.predicate.value == p and t.object.value.startswith(ns))
            assert want > 0 and rows.get(p) == want, (name, p, rows)


def test_void_distributions_and_dates(seed_dist: Path) -> None:
    st = _void(seed_dist)
    got = {
        r["u"].value: (r["m"].value, int(r["b"].value))
        for r in st.query(
            f"SELECT ?u ?m ?b {{ ?d <{DCAT}distribution> ?x . ?x <{DCAT}downloadURL> ?u; "
            f"<{DCAT}mediaType> ?m; "
            f"<{DCAT}byteSize> ?b }}"
        )
    }
    base = settings().base
    for f, mt in EXPECTED["distributions"].items():
        m, b = got[base + f]
        assert m.endswith("/" + mt)
        assert b == (seed_dist / f).stat().st_size
    assert _one(st, f"SELECT ?x {{ ?d a <{DCAT}Dataset>; <{DCT}issued> ?x }}") == EXPECTED["issued"]
    assert _one(st, f"SELECT ?x {{ ?d a <{DCAT}Dataset>; <{DCT}license> ?x }}").startswith(
        "https://creativecommons.org/"
    )
    assert _one(st, f"SELECT ?x {{ ?d a <{DCAT}Dataset>; <{DCT}publisher> ?x }}")


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    from kamerkg.api import build

    seed = HERE / "fixtures" / "seed" / "kst-28676-339.txt"
    one, two = tmp_path / "one", tmp_path / "two"
    assert build([seed], out=one).ok and build([seed], out=two).ok
    for f in (
        "void.ttl",
        "kamerkg.jsonld",
        "context.jsonld",
        "ontology/index.html",
        "site/page/doc/kst-28676-339.html",
        "site/page/org/navo.html",
        "site/page/doc/kst-28676-339.svg",
    ):
        assert (one / f).read_bytes() == (two / f).read_bytes(), f


def test_site_pages_and_siblings(seed_dist: Path) -> None:
    site = seed_dist / "site"
    for stem in EXPECTED["pages"]:
        html = (site / f"{stem}.html").read_text(encoding="utf-8")
        name = stem.rsplit("/", 1)[-1]
        for ext, mt in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json")):
            assert f'<link rel="alternate" type="{mt}" href="{name}{ext}">' in html
        iri = settings().ids + stem[len("page/") :]
        ttl = triples_of((site / f"{stem}.ttl").read_bytes(), ox.RdfFormat.TURTLE)
        assert any(t.subject.value == iri for t in ttl)
        rdfxml = triples_of((site / f"{stem}.rdf").read_bytes(), ox.RdfFormat.RDF_XML)
        assert rdfxml == ttl
        m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert m is not None
        schema = json.loads(m.group(1))
        assert schema["@context"] == "https://schema.org" and schema["@id"] == iri


def test_document_page_highlights_spans(seed_dist: Path) -> None:
    for page, links in EXPECTED["highlight_links"].items():
        html = (seed_dist / "site" / page).read_text(encoding="utf-8")
        hl = re.findall(r'<a class="hl [a-z]+" href="([^"]+)"', html)
        for link in links:
            assert link in hl, link
        assert "<svg" in html and 'href="../org/navo.html"' in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    text = (seed_dist / "sources" / "kst-28676-339.txt").read_text(encoding="utf-8")
    assert text == (HERE / "fixtures" / "seed" / "kst-28676-339.txt").read_text(encoding="utf-8")


def test_site_links_resolve_to_files(seed_dist: Path) -> None:
    site = seed_dist / "site"
    for page in ("index.html", "timeline.html", "page/doc/kst-28676-339.html", "page/org/navo.html"):
        html = (site / page).read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]+)', html):
            if href.startswith(("http://", "https://")) or href == "query" or href.endswith("query"):
                continue
            target = (site / page).parent / href
            if not target.exists():  # the dumps and the ontology sit next to site/ (serve mounts both at /)
                target = seed_dist / Path(target.resolve()).relative_to(site.resolve())
            assert target.exists(), (page, href)


def test_everything_is_escaped() -> None:
    s = settings()
    evil = "<script>alert(1)</script>&\"'"
    iri = s.ids + "org/evil"
    ts = [
        ox.Triple(
            ox.NamedNode(iri),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            ox.Literal(evil, language="nl"),
        ),
        ox.Triple(
            ox.NamedNode(iri),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(s.vocab + "GovernmentOrganisation"),
        ),
    ]
    idx = Index(ts)
    out: dict[str, bytes] = {}
    site = Site(
        idx=idx, s=s, compactor=Compactor(ts, {}), context_url="urn:x", prefixes={}, onto=Index([]), texts={}
    )
    site.write(lambda p, d: out.__setitem__(p, d))
    html = out["page/org/evil.html"].decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    head = html.split("</head>")[0]
    assert "</script>&" not in head and "\\u003c/script\\u003e" in head


@pytest.mark.parametrize(
    ("target", "cur", "want"),
    [
        ("page/org/navo.html", "page/doc/kst-1.html", "../org/navo.html"),
        ("", "page/doc/kst-1.html", "../../"),
        ("index.html", "index.html", "index.html"),
    ],
)
def test_relative_links(target: str, cur: str, want: str) -> None:
    assert rel(target, cur) == want


def test_manifest_lists_every_published_file(seed_dist: Path) -> None:
    """manifest.json names every file of the publication (site pages too) with its size and SHA-256."""
    import hashlib
    import json

    manifest = json.loads((seed_dist / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(seed_dist).as_posix() for p in seed_dist.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json"}
    assert any(name.startswith("site/") for name in manifest["files"])
    for name, meta in manifest["files"].items():
        data = (seed_dist / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (meta["bytes"], meta["sha256"]), name
