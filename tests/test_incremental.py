"""Issue 6: the parallel build, the build cache and the fast SHACL pre-check.

* an incremental build after one changed document rebuilds only that document and publishes the same
  bytes as a clean build of the changed corpus;
* the parallel build and the in-process build publish the same bytes;
* the compiled shapes check flags exactly the document graphs pySHACL reports on, on real document
  graphs with violations of every kind the shapes use planted into them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Literal, Namespace, URIRef

from kamerkg.api import build
from kamerkg.config import settings

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
N_DOCS = 200


def _corpus(tmp: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.corpus import generate
    finally:
        sys.path.remove(str(ROOT))
    src = tmp / "sources"
    generate(SOURCES, src, n)
    return src


def _files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _same(a: Path, b: Path) -> None:
    """Same publication: every file byte for byte, except the change feed (``changes/``, issue 4), which
    is a history of builds into one folder, and the manifest's entries about it."""
    import json

    fa, fb = _files(a), _files(b)
    keep = sorted(k for k in fa if not k.startswith("changes/") and k != "manifest.json")
    assert keep == sorted(k for k in fb if not k.startswith("changes/") and k != "manifest.json")
    for k in keep:
        assert fa[k] == fb[k], k
    ma, mb = json.loads(fa["manifest.json"]), json.loads(fb["manifest.json"])
    for key in ("base", "documents", "graphs", "quads", "triples"):
        assert ma[key] == mb[key], key
    files_a = {k: v for k, v in ma["files"].items() if not k.startswith("changes/")}
    assert files_a == {k: v for k, v in mb["files"].items() if not k.startswith("changes/")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus"), N_DOCS)


@pytest.fixture
def fixed_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the code fingerprint: a source file edited while the test runs must not void the cache."""
    from kamerkg import parallel

    monkeypatch.setattr(parallel, "fingerprint", lambda s: f"test {s.base}")


@pytest.mark.usefixtures("fixed_fingerprint")
def test_incremental_build_rebuilds_one_document_and_matches_clean(corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for p in corpus.iterdir():
        (src / p.name).write_bytes(p.read_bytes())
    work = tmp_path / "work"
    first = build([src], out=work / "dist", extras=False)
    assert first.published, first.errors
    assert first.timings["docs_built"] == len(list(src.iterdir()))
    assert (work / ".kamerkg-cache").is_dir()
    nq_before = (work / "dist" / "kamerkg.nq").read_bytes()

    again = build([src], out=work / "dist", extras=False)
    assert again.timings["docs_built"] == 0  # everything from the cache

    changed = sorted(src.iterdir())[len(first.documents) // 2]
    text = changed.read_text(encoding="utf-8")
    text = text.replace(" de ", " De ", 1) + "\n\nDe NAVO en de Europese Unie.\n"
    changed.write_text(text, encoding="utf-8")
    inc = build([src], out=work / "dist", extras=False)
    assert inc.published, inc.errors
    assert inc.timings["docs_built"] == 1

    clean = build([src], out=tmp_path / "clean" / "dist", extras=False, cache=False)
    assert clean.published
    assert not (tmp_path / "clean" / ".kamerkg-cache").exists()
    _same(work / "dist", tmp_path / "clean" / "dist")
    assert (work / "dist" / "kamerkg.nq").read_bytes() != nq_before  # the change reached the dump


def _nt_lines(dist: Path) -> list[bytes]:
    return (dist / "kamerkg.nt").read_bytes().splitlines()


def _union(dist: Path) -> set[str]:
    import pyoxigraph as ox

    quads = ox.parse(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
    return {str(q.triple) + " ." for q in quads}


@pytest.mark.usefixtures("fixed_fingerprint")
def test_a_document_and_one_citing_it_give_each_triple_once_also_incrementally(tmp_path: Path) -> None:
    """kamerkg.nt holds every triple of the graphs once, also what a document states about another
    document of the build that the other states itself (kamerkg.dumps); incremental builds that change
    or remove the cited document give the bytes of clean builds."""
    src = tmp_path / "src"
    src.mkdir()
    citing = (SOURCES / "kst-21501-28-177.txt").read_text(encoding="utf-8")
    assert "(Kamerstuk 21 501-28, nr. 175)" in citing
    cited = citing.replace("21501-28-177", "21501-28-175").replace("Nr. 177 ", "Nr. 175 ")
    (src / "kst-21501-28-177.txt").write_text(citing, encoding="utf-8")
    (src / "kst-21501-28-175.txt").write_text(cited, encoding="utf-8")
    (src / "kst-28676-339.txt").write_bytes((SOURCES / "kst-28676-339.txt").read_bytes())
    work = tmp_path / "w" / "dist"
    first = build([src], out=work, extras=False)
    assert first.published and "kst-21501-28-175" in first.documents, first.errors
    stated = ('<https://w3id.org/kamerkg/id/doc/kst-21501-28-175> <http://purl.org/dc/terms/identifier> '
              '"kst-21501-28-175"')
    nq = (work / "kamerkg.nq").read_text(encoding="utf-8").splitlines()
    graphs = [ln for ln in nq if ln.startswith(stated)]
    assert len(graphs) == 2  # both documents state it, each in its graph

    def check(clean_name: str) -> None:
        lines = _nt_lines(work)
        assert len(lines) == len(set(lines))
        assert {ln.decode() for ln in lines} == _union(work)
        clean = tmp_path / clean_name / "dist"
        assert build([src], out=clean, extras=False, cache=False).published
        _same(work, clean)

    check("c1")
    assert sum(ln.decode().startswith(stated) for ln in _nt_lines(work)) == 1
    (src / "kst-21501-28-175.txt").write_text(cited + "\n\nDe NAVO en de Europese Unie.\n", encoding="utf-8")
    again = build([src], out=work, extras=False)
    assert again.timings["docs_built"] == 1 and again.timings["dumps_spliced"] == 1
    check("c2")
    (src / "kst-21501-28-175.txt").unlink()
    gone = build([src], out=work, extras=False)
    assert gone.timings["docs_built"] == 0 and gone.timings["dumps_spliced"] == 1
    check("c3")
    assert sum(ln.decode().startswith(stated) for ln in _nt_lines(work)) == 1  # now from the citing graph
    (src / "kst-21501-28-175.txt").write_text(cited, encoding="utf-8")  # back again
    back = build([src], out=work, extras=False)
    assert back.timings["docs_built"] == 0 and back.timings["dumps_spliced"] == 1
    check("c4")
    (src / "kst-21501-28-177.txt").write_text(citing.replace(" de ", " De ", 1), encoding="utf-8")
    cites = build([src], out=work, extras=False)  # the citing document changed
    assert cites.timings["docs_built"] == 1 and cites.timings["dumps_spliced"] == 1
    check("c5")


@pytest.mark.usefixtures("fixed_fingerprint")
def test_a_missing_cache_entry_or_an_edited_dump_means_writing_anew(tmp_path: Path) -> None:
    """The dumps are spliced only from a publication the cache describes exactly: a previous block whose
    cache entry is gone, or a dump edited in place (same size), make the build write everything anew —
    with the bytes of a clean build."""
    src = tmp_path / "src"
    src.mkdir()
    for p in sorted(SOURCES.glob("*.txt"))[:4]:
        (src / p.name).write_bytes(p.read_bytes())
    work = tmp_path / "w" / "dist"
    assert build([src], out=work, extras=False).published
    changed = sorted(src.iterdir())[1]
    from kamerkg.cache import Cache

    cache = Cache(tmp_path / "w" / ".kamerkg-cache")
    entries = [p for p in cache.root.rglob("*.kkg")]
    victim = next(p for p in entries if json.loads(p.read_bytes().split(b"\n", 1)[0])["path"] == str(changed))
    victim.unlink()  # the previous block's entry is gone
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nDe NAVO.\n", encoding="utf-8")
    r = build([src], out=work, extras=False)
    assert r.published and r.timings["docs_built"] == 1 and r.timings["dumps_spliced"] == 0
    clean = tmp_path / "c1" / "dist"
    assert build([src], out=clean, extras=False, cache=False).published
    _same(work, clean)

    nt = work / "kamerkg.nt"
    data = bytearray(nt.read_bytes())
    i = data.index(b"NAVO")
    data[i : i + 4] = b"NATO"  # an edit in place: same size
    os.chmod(nt, 0o644)
    nt.write_bytes(bytes(data))
    r = build([src], out=work, extras=False)
    assert r.published and r.timings["docs_built"] == 0 and r.timings["dumps_spliced"] == 0
    _same(work, clean)


def test_parallel_and_in_process_builds_are_byte_identical(corpus: Path, tmp_path: Path) -> None:
    a = build([corpus], out=tmp_path / "a" / "dist", workers=2, cache=False, extras=False)
    b = build([corpus], out=tmp_path / "b" / "dist", workers=1, cache=False, extras=False)
    assert a.published and b.published
    assert a.documents == b.documents and a.errors == b.errors
    _same(tmp_path / "a" / "dist", tmp_path / "b" / "dist")


@pytest.mark.usefixtures("fixed_fingerprint")
def test_cached_build_with_extras_matches_a_clean_one(tmp_path: Path) -> None:
    """The publishing extras read the documents' text from the cache entries; same bytes either way."""
    files = sorted(SOURCES.glob("*.txt"))[:3]
    build(files, out=tmp_path / "w" / "dist")  # fills the cache
    warm = build(files, out=tmp_path / "w" / "dist")
    assert warm.timings["docs_built"] == 0
    clean = build(files, out=tmp_path / "c" / "dist", cache=False)
    assert warm.published and clean.published
    _same(tmp_path / "w" / "dist", tmp_path / "c" / "dist")


def test_changed_fingerprint_rebuilds_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kamerkg import parallel

    files = sorted(SOURCES.glob("*.txt"))[:2]
    build(files, out=tmp_path / "dist", extras=False)
    monkeypatch.setattr(parallel, "fingerprint", lambda s: "another version of the code")
    again = build(files, out=tmp_path / "dist", extras=False)
    assert again.timings["docs_built"] == len(files)


# ------------------------------------------------------------------------------ SHACL pre-check

K = Namespace(settings().vocab)
OA = Namespace("http://www.w3.org/ns/oa#")
DCT = Namespace("http://purl.org/dc/terms/")
ORG = Namespace("http://www.w3.org/ns/org#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
Mutation = Callable[[set, URIRef], None]


def _first(ts: set, p: URIRef, cls: URIRef | None = None) -> tuple:
    subjects = {s for s, pp, o in ts if pp == RDF.type and o == cls} if cls is not None else None
    return next(t for t in sorted(ts, key=str) if t[1] == p and (subjects is None or t[0] in subjects))


def _drop(p: URIRef, cls: URIRef | None = None) -> Mutation:
    return lambda ts, d: ts.discard(_first(ts, p, cls))


def _replace_object(p: URIRef, o: object, cls: URIRef | None = None) -> Mutation:
    def m(ts: set, d: URIRef) -> None:
        t = _first(ts, p, cls)
        ts.discard(t)
        ts.add((t[0], p, o))

    return m


def _add(fn: Callable[[URIRef], tuple]) -> Mutation:
    return lambda ts, d: ts.add(fn(d))


MUTATIONS: dict[str, Mutation] = {
    "none": lambda ts, d: None,
    "minCount identifier": lambda ts, d: ts.difference_update(
        {t for t in ts if t[0] == d and t[1] == DCT.identifier}),
    "maxCount date": _add(lambda d: (d, DCT.date, Literal("1999-01-01", datatype=XSD.date))),
    "minCount meeting label": _add(lambda d: (URIRef(f"{d}/x"), RDF.type, K.Meeting)),
    "pattern vergaderjaar": _add(lambda d: (d, K.vergaderjaar, Literal("2019/2020"))),
    "minCount cited identifier": _add(lambda d: (URIRef(f"{d}-cited"), RDF.type, K.ParliamentaryDocument)),
    "pattern dossierNumber": lambda ts, d: ts.update({
        (URIRef(settings().ids + "dossier/x"), RDF.type, K.Dossier),
        (URIRef(settings().ids + "dossier/x"), K.dossierNumber, Literal("28 676"))}),
    "sh:in layout": lambda ts, d: _replace_object(K.layout, Literal("mimeograph"))(ts, d),
    "sh:class inDossier": _add(lambda d: (d, K.inDossier, URIRef(f"{d}/not-a-dossier"))),
    "datatype truncated": lambda ts, d: _replace_object(K.truncated, Literal("no"))(ts, d),
    "sequence path hasSource": lambda ts, d: _drop(OA.hasSource)(ts, d),
    "maxCount wasAttributedTo": lambda ts, d: ts.add(
        (_first(ts, PROV.wasAttributedTo)[0], PROV.wasAttributedTo, URIRef(f"{d}/another-agent"))),
    "datatype start": lambda ts, d: _replace_object(OA.start, Literal("-1", datatype=XSD.integer))(ts, d),
    "warning meeting without evidence": lambda ts, d: ts.update({
        (URIRef(f"{d}/m"), RDF.type, K.Meeting),
        (URIRef(f"{d}/m"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="nl"))}),
    "minInclusive agendaPosition": lambda ts, d: ts.update({
        (URIRef(f"{d}/i"), RDF.type, K.AgendaItem), (URIRef(f"{d}/i"), K.agendaPosition, Literal(0)),
        (URIRef(f"{d}/i"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="nl"))}),
    "uniqueLang purpose": lambda ts, d: ts.update({
        (URIRef(f"{d}/tf"), RDF.type, K.TaskForce),
        (URIRef(f"{d}/tf"), ORG.unitOf, URIRef(settings().ids + "org/navo")),
        (URIRef(f"{d}/tf"), K.purpose, Literal("a", lang="nl")),
        (URIRef(f"{d}/tf"), K.purpose, Literal("b", lang="nl")),
        (URIRef(f"{d}/tf"), K.evidence, BNode("ev"))}),
    "ill-typed xsd:date": _replace_object(DCT.date, Literal("2020-13-45", datatype=XSD.date)),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_shapes_check_agrees_with_pyshacl_on_planted_violations(name: str) -> None:
    from rdflib import Graph

    from kamerkg.mapping import doc_iri
    from kamerkg.pipeline import map_document
    from kamerkg.registers import load_registers
    from kamerkg.shaclcheck import Checker, compile_shapes
    from kamerkg.validate import load_ontology, load_shapes, validate_graph

    s = settings()
    reg = load_registers(s)
    shapes, onto = load_shapes(s.ontology_dir), load_ontology(s.ontology_dir)
    compiled = compile_shapes(shapes)
    assert compiled is not None, "the shapes use a component the check does not know"
    checker = Checker(compiled, [*reg.graph, *onto])
    for path in sorted(SOURCES.glob("*.txt"))[:4]:
        linked, ts = map_document(path, s, reg)
        triples = set(ts.triples)
        d = doc_iri(s, linked.extraction.identifier.value)
        try:
            MUTATIONS[name](triples, d)
        except StopIteration:
            continue  # this document has nothing to break that way
        data = Graph()
        for t in triples:
            data.add(t)
        for t in reg.graph:
            data.add(t)
        report = validate_graph(data, shapes, onto)
        lines = [r.line() for r in report.results]
        assert checker.flags(triples) == bool(report.results), (path.name, name, lines)
        if name != "none":
            assert report.results, (path.name, name, "the planted violation was not one")


def test_changed_metadata_beside_an_edition_is_rebuilt(tmp_path: Path) -> None:
    """The cache key covers the files a source depends on: metadata.xml changed alone reaches the graph."""
    import shutil

    src = Path(__file__).parent / "fixtures" / "oep" / "frbr" / "officielepublicaties" / "kst" / "32545"
    tree = tmp_path / "kst"
    shutil.copytree(src, tree)
    xml = next(tree.rglob("xml/*.xml"))
    out = tmp_path / "dist"
    first = build([xml], out=out, extras=False)
    assert first.published, first.errors
    assert "Wet- en regelgeving financi" in (out / "kamerkg.nq").read_text(encoding="utf-8")
    meta = next(tree.rglob("metadata/metadata.xml"))
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("Wet- en regelgeving financi", "Gewijzigde titel financi"),
        encoding="utf-8",
    )
    again = build([xml], out=out, extras=False)
    assert again.timings["docs_built"] == 1
    assert "Gewijzigde titel financi" in (out / "kamerkg.nq").read_text(encoding="utf-8")
