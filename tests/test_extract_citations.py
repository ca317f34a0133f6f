"""Issue 3: every citation form (expected results in fixtures/extract/citation-forms.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamerkg.extract.citations import find_citations, norm_dossier
from kamerkg.model import SourceDoc

CASES = json.loads(
    (Path(__file__).parent / "fixtures" / "extract" / "citation-forms.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["text"][:40])
def test_citation_form(case: dict[str, object]) -> None:
    t = str(case["text"])
    doc = SourceDoc(
        path=Path("x.txt"), doc_id="x", text=t, layout="plain", body=t, offsets=list(range(len(t)))
    )
    got = [
        {
            "citation": c.text,
            "kind": c.kind,
            "dossiers": c.dossiers,
            "number": c.number,
            "vergaderjaar": c.vergaderjaar,
        }
        for c in find_citations(doc)
    ]
    assert got == case["expected"]
    for c in find_citations(doc):  # evidence points at the citation as written
        assert t[c.evidence.span.start : c.evidence.span.end] == c.text


@pytest.mark.parametrize(
    ("printed", "number"),
    [("21 501-28", "21501-28"), ("28 676", "28676"), ("35 300 X", "35300-X"), ("36 200-X", "36200-X")],
)
def test_dossier_numbers_are_normalised(printed: str, number: str) -> None:
    assert norm_dossier(printed) == number
