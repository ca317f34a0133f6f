"""Issue 2: the seed Kamerstuk end to end: fact sheet, ready-made queries, dumps, provenance, determinism."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kamerkg.api import build, facts, query, validate_dist
from kamerkg.config import settings
from kamerkg.queries import load_queries, render

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "seed" / "kst-28676-339.txt"
TRUTH = HERE / "fixtures" / "seed" / "kst-28676-339.truth.json"
EXPECTED = HERE / "expected" / "queries"


def fold(s: str | None) -> str | None:
    if s is None:
        return None
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().strip()


def test_fact_sheet_matches_truth_on_every_key() -> None:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    sheet = facts(SEED)
    for key in ("id", "document_number", "dossier_title", "document_type", "date", "vergaderjaar"):
        assert sheet[key] == truth[key], key
    assert set(sheet["dossier_numbers"]) == set(truth["dossier_numbers"])
    assert {(fold(s["name"]), fold(s["role"])) for s in sheet["signatories"]} == {
        (fold(s["name"]), fold(s["role"])) for s in truth["signatories"]
    }
    assert {(m["start_date"], m["end_date"], m["place"]) for m in sheet["meetings_mentioned"]} == {
        (m["start_date"], m["end_date"], m["place"]) for m in truth["meetings_mentioned"]
    }
    assert {fold(o) for o in sheet["organisations_mentioned"]} == {
        fold(o) for o in truth["organisations_mentioned"]
    }
    assert {fold(c) for c in sheet["countries_mentioned"]} == {fold(c) for c in truth["countries_mentioned"]}
    assert {(r["dossier"], r["number"], r["citation"]) for r in sheet["documents_referenced"]} == {
        (r["dossier"], r["number"], r["citation"]) for r in truth["documents_referenced"]
    }


def _rows(text: str) -> set[tuple[str, ...]]:
    return {tuple(r) for r in csv.reader(io.StringIO(text))}


@pytest.mark.parametrize("name", sorted(load_queries(settings().queries_dir)))
def test_ready_made_query_answers(seed_dist: Path, name: str) -> None:
    expected = EXPECTED / f"{name}.csv"
    assert expected.exists(), f"no expected result for {name}; write {expected}"
    got = render(query(name, dist=seed_dist), "csv")
    assert _rows(got) == _rows(expected.read_text(encoding="utf-8"))
    assert len(_rows(got)) > 1, "the answer must not be empty"


def test_every_competency_question_has_a_query() -> None:
    qs = load_queries(settings().queries_dir)
    numbers = {
        int(q.text.split("# competency:")[1].split()[0]) for q in qs.values() if "# competency:" in q.text
    }
    assert numbers == set(range(1, 15))
    for q in qs.values():
        assert q.title and q.description and q.columns, q.name


def test_dumps_parse_with_independent_parsers(seed_dist: Path) -> None:
    n = len(list(ox.parse(path=str(seed_dist / "kamerkg.ttl"), format=ox.RdfFormat.TURTLE)))
    assert n > 1000
    nq = len(list(ox.parse(path=str(seed_dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)))
    trig = len(list(ox.parse(path=str(seed_dist / "kamerkg.trig"), format=ox.RdfFormat.TRIG)))
    assert nq == trig
    g = Graph().parse(seed_dist / "kamerkg.ttl", format="turtle")
    assert len(g) == n
    if shutil.which("rapper"):
        out = subprocess.run(
            ["rapper", "-i", "turtle", "-c", str(seed_dist / "kamerkg.ttl")], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        assert f"returned {n} triples" in out.stderr


def test_published_dataset_conforms(seed_dist: Path) -> None:
    report = validate_dist(seed_dist)
    assert report.conforms, [r.line() for r in report.results]


def test_one_named_graph_per_source_document(seed_dist: Path) -> None:
    ds = Dataset()
    ds.parse(seed_dist / "kamerkg.nq", format="nquads")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/kamerkg/id/graph/kst-28676-339" in names
    assert "https://w3id.org/kamerkg/id/graph/reference" in names


def test_every_quote_is_the_text_at_its_offsets(seed_dist: Path) -> None:
    """Provenance: each evidence's quote equals the source text between its start and end offsets."""
    text = SEED.read_text(encoding="utf-8")
    store = ox.Store()
    store.bulk_load(path=str(seed_dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
    rows = list(
        store.query(
            """PREFIX oa: <http://www.w3.org/ns/oa#>
            SELECT ?ev ?start ?end ?exact WHERE { ?ev oa:hasTarget ?t . ?t oa:hasSelector ?p , ?q .
              ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact }""",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) > 50
    for r in rows:
        assert text[int(r["start"].value) : int(r["end"].value)] == r["exact"].value


def test_every_fact_node_has_evidence_with_rule_or_curator(seed_dist: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(seed_dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
    missing = list(
        store.query(
            """PREFIX kkg: <https://w3id.org/kamerkg/def#> PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?x WHERE { VALUES ?c { kkg:Meeting kkg:AgendaItem kkg:TaskForce kkg:Position kkg:Correction
                                          kkg:Citation kkg:Signature kkg:Commitment }
              ?x a ?c FILTER NOT EXISTS { ?x kkg:evidence/prov:wasAttributedTo ?a } }""",
            use_default_graph_as_union=True,
        )
    )
    assert missing == []


def test_same_inputs_give_byte_identical_dumps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte-identical output; the change feed's build time honours SOURCE_DATE_EPOCH (reproducible builds)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1586390400")
    a, b = tmp_path / "a", tmp_path / "b"
    assert build([SEED], out=a).ok and build([SEED], out=b).ok
    for f in sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_configurable_base_iri(tmp_path: Path) -> None:
    res = build([SEED], out=tmp_path / "d", base="https://example.org/kg/")
    assert res.ok, res.errors
    nq = (tmp_path / "d" / "kamerkg.nq").read_text(encoding="utf-8")
    assert "<https://example.org/kg/id/doc/kst-28676-339>" in nq
    assert "https://w3id.org/kamerkg/id/" not in nq


def test_dist_does_not_depend_on_where_sources_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A partial copy's warning goes into validation.txt naming the file, not the folder it was read from."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1586390400")
    src = HERE / "fixtures" / "corpus" / "docs" / "kst-28676-265.txt"
    outs = []
    for where in ("a", "b/deeper/still"):
        d = tmp_path / where
        d.mkdir(parents=True)
        shutil.copy(src, d / src.name)
        out = tmp_path / f"out-{len(outs)}"
        assert build([d / src.name], out=out, cache=False).ok
        outs.append(out)
    assert "partial copy" in (outs[0] / "validation.txt").read_text(encoding="utf-8")
    for f in sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file()):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
