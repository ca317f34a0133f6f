"""The official XML and XHTML editions (KOOP) and their metadata: parse, structure, metadata, conflicts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Dataset, Literal, URIRef

from kamerkg import api
from kamerkg.cli import main
from kamerkg.errors import SourceError
from kamerkg.official import parse_official, read_metadata_file
from kamerkg.official.files import select_sources
from kamerkg.sources import parse

OEP = Path(__file__).parent / "fixtures" / "oep"
FRBR = OEP / "frbr" / "officielepublicaties"
KST = FRBR / "kst" / "32545" / "kst-32545-143" / "1"
AH = FRBR / "ah-tk" / "20202021" / "ah-tk-20202021-3235" / "1"
BLG = FRBR / "blg" / "onopgemaakt" / "blg-1007826" / "1"
EXPECTED = OEP / "expected"
KKG = "https://w3id.org/kamerkg/def#"
DOC = "https://w3id.org/kamerkg/id/doc/"
XHTML = {"h": "http://www.w3.org/1999/xhtml"}


def _offsets_hold(doc) -> None:  # type: ignore[no-untyped-def]
    """Every non-space body character is the character at its offset in the file (entities aside)."""
    assert doc.offsets == sorted(doc.offsets)
    for i, ch in enumerate(doc.body):
        if ch.isspace():
            continue
        raw = doc.text[doc.offsets[i]]
        assert raw == ch or raw == "&", (i, ch, raw)


def test_fixtures_are_the_samples_byte_for_byte() -> None:
    # the README of the samples: only sru.xml ends with a newline
    assert (OEP / "sru.xml").read_bytes().endswith(b"\n")
    assert not (KST / "xml" / "kst-32545-143.xml").read_bytes().endswith(b"\n")
    assert len((KST / "xml" / "kst-32545-143.xml").read_bytes()) == 2553
    assert len((AH / "xml" / "ah-tk-20202021-3235.xml").read_bytes()) == 9003


def test_kamerstuk_xml_body_offsets_header_and_parts() -> None:
    path = KST / "xml" / "kst-32545-143.xml"
    doc = parse(path)  # dispatched by suffix
    assert doc.doc_id == "kst-32545-143"
    assert doc.layout == "xml"
    assert doc.text == path.read_text(encoding="utf-8")
    _offsets_hold(doc)
    assert doc.body.startswith("32 545")
    assert "Voorgesteld 6 juli 2021" in doc.body
    assert "Kamerstukken" not in doc.body  # the kamerstukkop is header, not body
    head = {f.name: f.value for f in doc.header}
    assert head["vergaderjaar"] == "Vergaderjaar 2020-2021"
    sp = next(f.span for f in doc.header if f.name == "kameraanduiding")
    assert doc.text[sp.start : sp.end] == "Tweede Kamer der Staten-Generaal"
    info = doc.official
    assert info.dossier_title[0] == "Wet- en regelgeving financiële markten"
    assert [p.name for p in info.signers] == ["Inge van Dijk", "Grinwis"]
    tree = etree.parse(str(path))
    kinds = [p.kind for p in info.parts]
    assert kinds == ["dossier", "section", "signature"]
    for p in info.parts:
        found = tree.xpath(p.xpath)
        assert len(found) == 1, p.xpath
        # the part's text is the element's text (white space normalised)
        assert " ".join(doc.body[p.start : p.end].split()) == " ".join("".join(found[0].itertext()).split())


def test_aanhangsel_questions_and_answers_are_separate_parts() -> None:
    path = AH / "xml" / "ah-tk-20202021-3235.xml"
    doc = parse_official(path)
    _offsets_hold(doc)
    info = doc.official
    qs = [p for p in info.parts if p.kind == "question"]
    ans = [p for p in info.parts if p.kind == "answer"]
    assert [p.number for p in qs] == [str(i) for i in range(1, 10)]
    assert [p.number for p in ans] == [str(i) for i in range(1, 10)]
    assert all(q.end <= a.start for q, a in zip(qs, ans, strict=True))
    assert doc.body[qs[1].start : qs[1].end].startswith("Vraag 2\n\nKunt u toelichten")
    assert [p.name for p in info.askers] == ["Van Weyenberg", "Romke de Jong", "Kat"]
    assert info.askers[0].role == "vraagsteller (D66)"
    assert [(p.name, p.role) for p in info.answerers] == [
        ("Koolmees", "Minister van Sociale Zaken en Werkgelegenheid")
    ]
    assert info.asked_date[0] == "2021-06-03" and info.answered_date[0] == "2021-06-21"
    # tab-indented tekstregel text is collapsed; non-ASCII punctuation kept
    assert any(f.value == "Aanhangsel van de Handelingen" for f in doc.header)
    assert "«vaak»" in doc.body and "– gesubsidieerd vanuit het Rijk –" in doc.body
    # an evidence span of the body points into the XML
    i = doc.body.index("Koolmees")
    sp = doc.span(i, i + len("Koolmees"))
    assert doc.text[sp.start : sp.end] == "Koolmees"
    assert doc.text.rfind("<achternaam>", 0, sp.start) > doc.text.rfind("</achternaam>", 0, sp.start)


def test_xhtml_parts_have_xpaths_into_the_xhtml() -> None:
    path = AH / "html" / "ah-tk-20202021-3235.html"
    doc = parse(path)
    assert doc.layout == "html" and doc.doc_id == "ah-tk-20202021-3235"
    _offsets_hold(doc)
    tree = etree.parse(str(path))
    parts = doc.official.parts
    assert sum(p.kind == "question" for p in parts) == 9 and sum(p.kind == "answer" for p in parts) == 9
    for p in parts:
        assert len(tree.xpath(p.xpath, namespaces=XHTML)) == 1, p.xpath


@pytest.mark.parametrize(
    "doc_id,xml,html",
    [
        ("kst-32545-143", KST / "xml" / "kst-32545-143.xml", KST / "html" / "kst-32545-143.html"),
        (
            "ah-tk-20202021-3235",
            AH / "xml" / "ah-tk-20202021-3235.xml",
            AH / "html" / "ah-tk-20202021-3235.html",
        ),
    ],
)
def test_editions_give_the_same_fact_sheet(doc_id: str, xml: Path, html: Path, tmp_path: Path) -> None:
    expected = json.loads((EXPECTED / f"{doc_id}.facts.json").read_text(encoding="utf-8"))
    from_xml, from_html = api.facts(xml), api.facts(html)
    assert from_xml == from_html  # the whole fact sheet, whatever the extraction rules read
    assert _core(from_xml) == _core(expected)  # what the official parser decides, pinned
    # without the metadata beside it (the file alone in a folder)
    alone = tmp_path / xml.name
    shutil.copy(xml, alone)
    assert api.facts(alone) == from_xml


def _core(sheet: dict) -> dict:  # type: ignore[type-arg]
    keys = (
        "id",
        "dossier_numbers",
        "document_number",
        "dossier_title",
        "document_type",
        "date",
        "vergaderjaar",
    )
    out = {k: sheet[k] for k in keys}
    out["signatories"] = [s["name"] for s in sheet["signatories"]]
    return out


def test_metadata_files_normalised_with_spans() -> None:
    md = read_metadata_file(KST / "metadataowms" / "metadata_owms.xml")
    text = md.texts["metadata_owms.xml"]
    mod = md.first("modified")  # written <dcterms.modified>, outside the dcterms namespace
    assert mod is not None and mod.value == "2021-07-07"
    assert text[mod.span.start : mod.span.end] == "2021-07-07"
    assert md.values("indiener") == ["I. (Inge) van Dijk", "P.A. Grinwis"]
    assert md.first("creator").value == "overige"
    md2 = read_metadata_file(KST / "metadata" / "metadata.xml")
    assert md2.first("creator").value == "Tweede Kamer der Staten-Generaal"
    f = md2.first("dossiertitel")
    assert md2.texts["metadata.xml"][f.span.start : f.span.end] == "Wet- en regelgeving financiële markten"
    blg = read_metadata_file(BLG / "metadata" / "metadata.xml")
    assert blg.first("hoofddocument").value == "kst-33037-430"
    assert blg.values("dossiernummer") == ["33037"] and blg.values("ondernummer") == ["430"]
    assert blg.first("type", "OVERHEIDop.Parlementair").value == "Bijlage"
    ah = read_metadata_file(AH / "metadata" / "metadata.xml")
    assert ah.values("indiener") == ["S.P.R.A. van Weyenberg", "R.H. (Romke) de Jong", "H. Kat"]
    assert ah.values("ontvanger") == ["W. Koolmees"] and ah.values("vraagnummer") == ["2021Z09739"]


def _graph(dist: Path, doc_id: str):  # type: ignore[no-untyped-def]
    ds = Dataset()
    ds.parse(dist / "kamerkg.nq", format="nquads")
    return ds.graph(URIRef(f"https://w3id.org/kamerkg/id/graph/{doc_id}"))


def test_build_repository_layout_frbr_tooi_themes_parts_conflicts(tmp_path: Path) -> None:
    res = api.build([OEP / "frbr"], out=tmp_path / "dist")
    assert res.ok, res.errors
    # one edition each, metadata read beside; the bijlage from its metadata alone
    assert res.documents == ["ah-tk-20202021-3235", "blg-1007826", "kst-32545-143"]
    g = _graph(tmp_path / "dist", "kst-32545-143")
    d = URIRef(DOC + "kst-32545-143")
    eli = "http://data.europa.eu/eli/ontology#"
    expr = URIRef(DOC + "kst-32545-143/expression/1/nl")
    assert (d, URIRef(eli + "is_realized_by"), expr) in g
    mans = {str(m).rsplit("/", 1)[1] for m in g.objects(expr, URIRef(eli + "is_embodied_by"))}
    assert mans == {"xml", "html", "pdf", "odt", "metadata", "metadataowms"}
    pdf = URIRef(f"{expr}/pdf")
    assert str(g.value(pdf, URIRef(eli + "is_exemplified_by"))) == (
        "https://repository.overheid.nl/frbr/officielepublicaties/kst/32545/kst-32545-143/1/pdf/kst-32545-143.pdf"
    )
    assert (
        d,
        URIRef("http://purl.org/dc/terms/type"),
        URIRef("https://identifier.overheid.nl/tooi/def/thes/kern/c_056a75e1"),
    ) in g
    subjects = {str(o).split("/id/")[1] for o in g.objects(d, URIRef("http://purl.org/dc/terms/subject"))}
    assert subjects == {"theme/economie/overige-economische-sectoren", "theme/financien/financieel-toezicht"}
    assert (
        d,
        URIRef("http://purl.org/dc/terms/modified"),
        Literal("2021-07-07", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
    ) in g
    parts = list(g.objects(d, URIRef("http://purl.org/dc/terms/hasPart")))
    assert len(parts) == 3
    assert {str(g.value(p, URIRef(KKG + "xpath"))) for p in parts} >= {"/officiele-publicatie/kamerstuk/stuk"}
    # the creator differs between metadata.xml and metadata_owms.xml: both kept, a conflict listed
    recorded = {str(o) for o in g.objects(d, URIRef(KKG + "creatorAsRecorded"))}
    assert recorded == {"overige", "Tweede Kamer der Staten-Generaal"}
    conflicts = list(g.subjects(URIRef(KKG + "conflictIn"), d))
    assert [str(g.value(c, URIRef(KKG + "conflictField"))) for c in conflicts] == ["creator"]
    # a metadata value's evidence quotes the metadata file
    q = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX kkg: <https://w3id.org/kamerkg/def#>
    SELECT ?exact ?m WHERE { ?d kkg:evidence ?e . ?e kkg:forProperty kkg:submitter ; oa:hasTarget ?t .
      ?t kkg:inManifestation ?m ; oa:hasSelector ?s . ?s oa:exact ?exact }"""
    rows = {(str(r[0]), str(r[1]).rsplit("/", 1)[1]) for r in g.query(q)}
    assert ("P.A. Grinwis", "metadata") in rows and ("P.A. Grinwis", "metadataowms") in rows
    ah = _graph(tmp_path / "dist", "ah-tk-20202021-3235")
    ahd = URIRef(DOC + "ah-tk-20202021-3235")
    assert (
        ahd,
        URIRef("http://purl.org/dc/terms/type"),
        URIRef("https://identifier.overheid.nl/tooi/def/thes/kern/c_6d494ab6"),
    ) in ah
    answers = list(ah.subject_objects(URIRef(KKG + "answers")))
    assert len(answers) == 9
    assert not list(ah.subjects(URIRef(KKG + "conflictIn"), ahd))  # metadata and text agree


def _layout_copy(tmp_path: Path, edit_metadata) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "repo" / "kst-32545-143" / "1"
    shutil.copytree(KST, root)
    md = root / "metadata" / "metadata.xml"
    md.write_text(edit_metadata(md.read_text(encoding="utf-8")), encoding="utf-8")
    return root / "xml" / "kst-32545-143.xml"


def test_a_document_in_two_dossiers_is_in_both(tmp_path: Path) -> None:
    second = '<metadata name="OVERHEIDop.dossiernummer" scheme="" content="25295"/>\n'
    xml = _layout_copy(
        tmp_path,
        lambda t: t.replace(
            '<metadata name="OVERHEIDop.dossiertitel"', second + '<metadata name="OVERHEIDop.dossiertitel"'
        ),
    )
    sheet = api.facts(xml)
    assert sheet["dossier_numbers"] == ["25295", "32545"]
    res = api.build([xml], out=tmp_path / "dist")
    assert res.ok, res.errors
    g = _graph(tmp_path / "dist", "kst-32545-143")
    dossiers = {
        str(o).rsplit("/", 1)[1] for o in g.objects(URIRef(DOC + "kst-32545-143"), URIRef(KKG + "inDossier"))
    }
    assert dossiers == {"32545", "25295"}
    # the text names one dossier, the metadata two: listed as a difference
    fields = {
        str(g.value(c, URIRef(KKG + "conflictField"))) for c in g.subjects(URIRef(KKG + "conflictIn"), None)
    }
    assert "dossiers" in fields


def test_dates_and_signatories_that_differ_are_kept_and_reported(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    xml = _layout_copy(
        tmp_path,
        lambda t: t.replace('content="2021-07-06"', 'content="2021-07-08"').replace(
            'content="P.A. Grinwis"', 'content="J. Jansen"'
        ),
    )
    res = api.build([xml], out=tmp_path / "dist")
    assert res.ok, res.errors
    g = _graph(tmp_path / "dist", "kst-32545-143")
    d = URIRef(DOC + "kst-32545-143")
    xsd_date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert (d, URIRef("http://purl.org/dc/terms/date"), Literal("2021-07-06", datatype=xsd_date)) in g
    assert (d, URIRef("http://purl.org/dc/terms/issued"), Literal("2021-07-08", datatype=xsd_date)) in g
    assert main(["report", "conflicts", "--dist", str(tmp_path / "dist")]) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith("kst-32545-143")]
    fields = sorted(ln.split("\t")[1] for ln in lines)
    assert fields == ["creator", "date", "issued", "submitters"]  # issued: metadata.xml against owms
    date_line = next(ln for ln in lines if ln.split("\t")[1] == "date")
    assert "text: 2021-07-06" in date_line and "2021-07-08" in date_line


def test_select_sources_prefers_xml_and_skips_metadata() -> None:
    files = sorted(p for p in (OEP / "frbr").rglob("*") if p.is_file())
    chosen = select_sources(files)
    assert [p.name for p in chosen] == ["ah-tk-20202021-3235.xml", "metadata.xml", "kst-32545-143.xml"]
    assert chosen[1].parent.parent.parent.name == "blg-1007826"


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"<officiele-publicatie><kamerstuk><al>open", "not well-formed XML"),
        (b"<?xml version='1.0'?><rss><channel/></rss>", "not an official publication (root element <rss>)"),
        (
            b"<html xmlns='http://www.w3.org/1999/xhtml'><head/><body><p>x</p></body></html>",
            "not an official publication",
        ),
    ],
)
def test_bad_official_input_is_one_clear_line(tmp_path: Path, content: bytes, reason: str, capsys) -> None:  # type: ignore[no-untyped-def]
    suffix = ".html" if b"<html" in content else ".xml"
    bad = tmp_path / f"bad{suffix}"
    bad.write_bytes(content)
    with pytest.raises(SourceError) as e:
        parse(bad)
    assert str(bad) in str(e.value) and reason in str(e.value)
    assert main(["facts", str(bad)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]


def test_metadata_file_given_as_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="metadata file"):
        parse(KST / "metadata" / "metadata.xml")


def test_a_bijlage_known_by_its_metadata_alone(tmp_path: Path) -> None:
    doc = parse(BLG / "metadata" / "metadata.xml")
    assert doc.doc_id == "blg-1007826" and doc.official.edition == "metadata"
    assert doc.body.startswith("Beslisnota inzake aangenomen moties")
    _offsets_hold(doc)
    res = api.build([BLG / "metadata" / "metadata.xml"], out=tmp_path / "dist")
    assert res.ok, res.errors
    g = _graph(tmp_path / "dist", "blg-1007826")
    d = URIRef(DOC + "blg-1007826")
    assert (d, URIRef(KKG + "mainDocument"), URIRef(DOC + "kst-33037-430")) in g
    assert (d, URIRef(KKG + "inDossier"), URIRef("https://w3id.org/kamerkg/id/dossier/33037")) in g
    assert (d, URIRef(KKG + "documentNumber"), None) not in g  # ondernummer 430 is the main document's
    xsd_date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert (d, URIRef("http://purl.org/dc/terms/available"), Literal("2021-12-03", datatype=xsd_date)) in g
    pdf = URIRef(DOC + "blg-1007826/expression/1/nl/pdf")
    assert str(g.value(pdf, URIRef("http://data.europa.eu/eli/ontology#is_exemplified_by"))).endswith(
        "/blg/onopgemaakt/blg-1007826/1/pdf/blg-1007826.pdf"
    )


def test_dependencies_name_the_metadata_beside() -> None:
    from kamerkg.official.files import dependencies

    deps = dependencies(KST / "xml" / "kst-32545-143.xml")
    assert [p.name for p in deps] == ["metadata.xml", "metadata_owms.xml"]
    # a bijlage's metadata.xml depends on its metadata_owms.xml (not on itself)
    assert [p.name for p in dependencies(BLG / "metadata" / "metadata.xml")] == []
