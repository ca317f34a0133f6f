"""Stage 2, extract: read the facts of one parsed document by general rules (and curated statements).

``extract(doc, registers, curated_dir) -> Extraction`` is the stage's one entry point; its result is
plain data (see :mod:`kamerkg.model`) for the link and mapping stages.
"""

from __future__ import annotations

from pathlib import Path

from kamerkg.extract import document as D
from kamerkg.extract.citations import cited_id, find_citations
from kamerkg.extract.curated import load_curated
from kamerkg.extract.dates import vergaderjaar_of
from kamerkg.extract.entities import find_mentions
from kamerkg.extract.meetings import find_meetings
from kamerkg.extract.people import members, signatories
from kamerkg.extract.sections import agenda_items, commitments, corrections
from kamerkg.model import Evidence, Extraction, Mention, SourceDoc, Span, Value
from kamerkg.registers import Registers


def _footer_mentions(doc: SourceDoc, reg: Registers) -> list[Mention]:
    """Organisations named in page furniture (the chamber in the running footer) are named by the document."""
    from kamerkg.extract.entities import matcher

    pattern, by_form = matcher(reg, ("organisation",))
    out = []
    for sp in doc.footers:
        for m in pattern.finditer(doc.text, sp.start, sp.end):
            key = by_form[m.group(0)][0]
            e = reg.entries[key]
            out.append(
                Mention(
                    e.kind,
                    m.group(0),
                    Evidence(Span(m.start(), m.end()), "rule:footer-organisation"),
                    key,
                    e.canonical,
                )
            )
    return out


def extract(doc: SourceDoc, reg: Registers, curated_dir: Path | None = None) -> Extraction:
    ident = D.identifier(doc)
    dossiers, number = D.dossiers_and_number(doc)
    signs = signatories(doc)
    dtype = D.doc_type(doc, signs, False)
    date_v, place_v = D.doc_date(
        doc, answer=bool(dtype and dtype.value == "antwoord op schriftelijke vragen")
    )
    if dtype is None:
        dtype = D.doc_type(doc, signs, place_v is not None)
    vj = D.vergaderjaar(doc)
    anchor = D.anchor_date(date_v)
    if vj is None and anchor is not None and date_v is not None:
        vj = Value(
            vergaderjaar_of(anchor), Evidence(date_v.evidence.span, "rule:vergaderjaar-derived-from-date")
        )
    mentions = find_mentions(doc, reg) + _footer_mentions(doc, reg)
    mentions.sort(key=lambda m: m.evidence.span)
    citations = [c for c in find_citations(doc) if cited_id(c) != doc.doc_id]
    own = None
    if date_v is not None:
        # body offsets of the document's own date, so it is not read as a meeting date
        s = date_v.evidence.span
        own = (_body_pos(doc, s.start), _body_pos(doc, s.end - 1) + 1)
    meetings = find_meetings(doc, mentions, citations, anchor, own)
    ex = Extraction(
        doc=doc,
        identifier=ident,
        dossiers=dossiers,
        number=number,
        dossier_title=D.dossier_title(doc, dossiers),
        doc_type=dtype,
        date=date_v,
        vergaderjaar=vj,
        place=place_v,
        mentions=mentions,
        citations=citations,
        signatories=signs,
        meetings=meetings,
        agenda=agenda_items(doc, mentions),
        corrections=corrections(doc, citations, anchor),
        commitments=commitments(doc, mentions),
        members=members(doc),
        warnings=list(doc.warnings),
    )
    if curated_dir is not None:
        ex.curated = load_curated(doc, curated_dir)
    return ex


def _body_pos(doc: SourceDoc, orig: int) -> int:
    import bisect

    i = bisect.bisect_left(doc.offsets, orig)
    return min(i, len(doc.body) - 1) if doc.body else 0


__all__ = ["extract"]
