"""Issue 3: general extraction rules on documents outside the evaluation corpus, layouts, partial copies,
unlinked entities and persons across documents. Expected results are the files in fixtures/extract/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kamerkg.api import build, facts
from kamerkg.cli import main
from kamerkg.errors import SourceError
from kamerkg.evaluate import compare
from kamerkg.sources import parse

HERE = Path(__file__).resolve().parent
EXTRACT = HERE / "fixtures" / "extract"
CORPUS = HERE / "fixtures" / "corpus" / "docs"
HELD_OUT = sorted(EXTRACT.glob("*.txt"))


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda p: p.stem)
def test_held_out_document_fact_sheet(path: Path) -> None:
    """Documents written for these tests (not in the corpus) in the same layouts: every key right."""
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    ds = compare(expected, facts(path))
    assert not ds.missing and not ds.extra, (ds.missing, ds.extra)


def test_layouts_are_detected_from_the_text() -> None:
    expected = json.loads((EXTRACT / "corpus-layouts.json").read_text(encoding="utf-8"))
    got = {p.stem: [parse(p).layout, parse(p).truncated] for p in sorted(CORPUS.glob("*.txt"))}
    assert got == expected


def test_site_header_lines_are_evidence_not_text() -> None:
    doc = parse(EXTRACT / "verslag-tkconv.txt")
    assert "Procedurevergadering" not in doc.body and "Gerelateerde personen" not in doc.body
    names = {f.name for f in doc.header}
    assert {"Eerste ondertekenaar", "Mede ondertekenaar", "zaak Indiener"} <= names
    sheet = facts(EXTRACT / "verslag-tkconv.txt")
    # the zaak's submitter is not a signatory of the report
    assert "W.B. Hoekstra" not in {s["name"] for s in sheet["signatories"]}  # type: ignore[union-attr]


def test_tkconv_page_without_pdf_header_keeps_the_activity_list_out(tmp_path: Path) -> None:
    text = (CORPUS / "kst-28676-430.txt").read_text(encoding="utf-8")
    p = tmp_path / "kst-28676-430.txt"
    running_header = "Tweede Kamer der Staten-Generaal | 2 |\nVergaderjaar 2022-2023 |\n"
    p.write_text(text.replace(running_header, ""), "utf-8")
    doc = parse(p)
    assert doc.body.lstrip().startswith("28 676 NAVO") and "Procedurevergadering" not in doc.body
    dates = {m["start_date"] for m in facts(p)["meetings_mentioned"]}  # type: ignore[union-attr]
    assert dates == {"2023-03-22", "2023-04-04"}


def test_tweedekamer_vote_table_is_not_text() -> None:
    doc = parse(CORPUS / "kst-28676-503.txt")
    assert "Stemmingsuitslagen" not in doc.body and "| PVV |" not in doc.body
    assert [(f.name, f.value) for f in doc.header] == [("Indiener", "Jan Paternotte, Kamerlid")]


@pytest.mark.parametrize("cut", [120, 700, 1500])
def test_partial_copy_is_flagged_and_builds(tmp_path: Path, cut: int) -> None:
    whole = (CORPUS / "kst-27925-566.txt").read_text(encoding="utf-8")
    part = tmp_path / "kst-27925-566.txt"
    part.write_text(whole[:cut] + "xyz", encoding="utf-8")
    doc = parse(part)
    assert doc.truncated and any("partial copy" in w for w in doc.warnings)
    sheet = facts(part)
    assert sheet["id"] == "kst-27925-566"


def test_complete_documents_are_not_flagged() -> None:
    for name in ("kst-27925-566", "kst-29521-291", "kst-29521-509", "kst-21501-02-2067", "kst-28676-503"):
        assert not parse(CORPUS / f"{name}.txt").truncated, name
    # held-out: a complete committee report ends with "Sluiting", a letter with its signature
    flagged = {p.stem for p in HELD_OUT if parse(p).truncated}
    assert flagged == {"brief-openkamer", "brief-openkamer-new-dossier", "verslag-tkconv"}


def test_not_a_parliamentary_document_is_one_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "recipe.txt"
    p.write_text("Pannenkoeken: meng bloem, melk en eieren.\n", encoding="utf-8")
    with pytest.raises(SourceError, match="recipe.txt: not a parliamentary document"):
        parse(p)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for p in [*CORPUS.glob("*.txt"), *HELD_OUT]:
        shutil.copy(p, src / p.name)
    out = tmp_path_factory.mktemp("out") / "dist"
    res = build([src], out=out)
    assert res.ok, (res.errors, [r.line() for r in res.report.results][:5])
    return out


def test_corpus_builds_and_conforms(dist: Path) -> None:
    manifest = json.loads((dist / "manifest.json").read_text())
    assert len(manifest["documents"]) == len(list(CORPUS.glob("*.txt"))) + len(HELD_OUT)


def test_person_is_one_entity_across_documents(dist: Path) -> None:
    from kamerkg.store import open_store

    q = """PREFIX kkg: <https://w3id.org/kamerkg/def#>
    SELECT ?p (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s kkg:signatory ?p } } GROUP BY ?p"""
    rows = {
        str(r["p"].value).rsplit("/", 1)[-1]: int(r["n"].value)
        for r in open_store(dist).query(q, use_default_graph_as_union=True)
    }
    # the same minister signs two letters; "R. de Roon" (site header) and "De Roon" (signature) are one person
    assert rows["hennis-plasschaert"] == 2 and rows["koenders"] == 2 and rows["de-roon"] == 2


def test_party_membership_from_speaker_label(dist: Path) -> None:
    from kamerkg.store import open_store

    q = """PREFIX org: <http://www.w3.org/ns/org#>
    ASK { ?m a org:Membership ; org:member <https://w3id.org/kamerkg/id/person/knops> ;
             org:organization <https://w3id.org/kamerkg/id/party/cda> }"""
    assert open_store(dist).query(q, use_default_graph_as_union=True)


def test_post_held_attests_the_registered_term(dist: Path) -> None:
    """Bijleveld answers Kamervragen on 2021-01-28, inside her registered term as Minister of Defence: the
    document's evidence goes to the register's membership, no second membership is minted."""
    from kamerkg.store import open_store

    q = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX kkg: <https://w3id.org/kamerkg/def#>
    SELECT ?ms WHERE { GRAPH <https://w3id.org/kamerkg/id/graph/kv-tk-2021Z01641> {
      ?ms org:member <https://w3id.org/kamerkg/id/person/bijleveld-schouten> ;
          org:role <https://w3id.org/kamerkg/id/post/minister-van-defensie> ; kkg:evidence ?ev } }"""
    rows = {r["ms"].value for r in open_store(dist).query(q, use_default_graph_as_union=True)}
    assert rows == {"https://w3id.org/kamerkg/id/membership/bijleveld-schouten-minister-van-defensie-2017"}


def test_members_present_attend_the_reported_meeting(dist: Path) -> None:
    from kamerkg.store import open_store

    q = """PREFIX schema: <https://schema.org/> PREFIX org: <http://www.w3.org/ns/org#>
    SELECT ?who WHERE { GRAPH <https://w3id.org/kamerkg/id/graph/kst-21501-28-200> {
      ?m schema:attendee ?p .
      ?ms org:member ?p ; org:organization <https://w3id.org/kamerkg/id/party/groenlinks> }
      BIND(STR(?p) AS ?who) }"""
    rows = [r["who"].value for r in open_store(dist).query(q, use_default_graph_as_union=True)]
    assert rows == ["https://w3id.org/kamerkg/id/person/diks"]


def test_report_unlinked_lists_minted_entities(dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "unlinked", "--dist", str(dist), "--json"]) == 0
    items = {i["label"]: i for i in json.loads(capsys.readouterr().out)}
    committee = items["vaste commissie voor Digitale Zaken"]
    assert committee["kind"] == "organisation" and committee["count"] >= 1
    assert any("Digitale Zaken" in e for e in committee["examples"])
    assert items["Koenders"]["count"] == 2 and len(items["Koenders"]["documents"]) == 2


def test_report_unlinked_without_build_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "unlinked", "--dist", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run 'kamerkg build' first" in err[0]
