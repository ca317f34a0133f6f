"""Document structure and the formulas of letters: section headings (as agenda items of the meeting an
annotated agenda announces), corrections ("Per abuis is hier de datum van 16 maart genoemd, dat moet
zijn 16 februari") and commitments to inform the Kamer ("wordt uw Kamer ... geïnformeerd door de
Minister van ...")."""

from __future__ import annotations

import re
from datetime import date

from kamerkg.extract.dates import find_dates
from kamerkg.extract.needs import finditer
from kamerkg.model import AgendaItem, Citation, Commitment, Correction, Evidence, Mention, SourceDoc

HEADING_RE = re.compile(r"(?:^|\n[ \t]*\n)[ \t]*(?P<h>[A-Z][^\n.:;,]{2,70}?)[ \t]*\n[ \t]*\n")
# headings that name parliamentary business of the letter itself, not an item of the meeting's agenda
NOT_AGENDA_RE = re.compile(
    r"^(?:Kamervragen|Toezeggingen|Moties|Kamerbrieven|Overig(?:e punten)?|Bijlagen?|Inleiding|Tot slot|"
    r"Afsluitend|"
    r"Verslag|Geannoteerde agenda|Aan de Voorzitter)\b",
    re.IGNORECASE,
)
CORRECTION_RE = re.compile(
    r"(?P<all>(?:Per abuis|Abusievelijk|Ten onrechte)\s+(?:is|werd|staat)\s+(?:hier\s+|daar\s+|daarin\s+)?"
    r"(?:de datum van\s+|het (?:getal|bedrag|aantal) (?:van\s+)?)?(?P<wrong>[^,.;]{1,80}?)\s+(?:genoemd|"
    r"vermeld|opgenomen|gemeld),?\s*"
    r"(?:dat|dit)\s+(?:moet|dient)\s+(?:te\s+)?(?:zijn|worden)\s+(?P<right>[^.;]{1,80}?)\s*\.)"
)
COMMIT_RE = re.compile(
    r"(?P<all>(?:(?P<about>Over [^.]{3,160}?),\s*)?(?:wordt|zal)\s+uw Kamer\s+(?P<when>[^.]{0,40}?)\s*(?"
    r":geïnformeerd|worden geïnformeerd|informeren)"
    r"\s+door\s+(?P<who>de\s+(?:Minister|Staatssecretaris|Minister-President)(?:\s+van\s+[A-Z][\w-]*(?:\s+(?"
    r":en\s+)?[A-Z][\w-]*)*)?)"
    r"(?:\s+(?P<about2>over [^.]{3,160}?))?\s*\.)"
)
COMMIT_NEEDS = ("uw Kamer",)


def sections(doc: SourceDoc) -> list[tuple[str, int, int, int]]:
    """(heading, heading start, section start, section end) in body offsets."""
    text = doc.body
    heads = [(m.group("h").strip(), m.start("h"), m.end()) for m in HEADING_RE.finditer(text)]
    heads = [h for h in heads if len(h[0].split()) <= 8 and not re.search(r"\d{4}$", h[0])]
    out = []
    for i, (h, hs, bs) in enumerate(heads):
        end = heads[i + 1][1] if i + 1 < len(heads) else len(text)
        out.append((h, hs, bs, end))
    return out


def agenda_items(doc: SourceDoc, mentions: list[Mention]) -> list[AgendaItem]:
    """The sections of an annotated agenda ("geannoteerde agenda") are the items of the meeting it
    announces."""
    if not re.search(r"geannoteerde agenda", doc.body, re.IGNORECASE):
        return []
    items = []
    for h, hs, _bs, end in sections(doc):
        if NOT_AGENDA_RE.search(h):
            continue
        a, b = doc.span(hs, end).start, doc.span(hs, end).end
        topics = []
        for m in mentions:
            if m.kind == "topic" and a <= m.evidence.span.start < b and m.key not in topics:
                topics.append(m.key)
        items.append(
            AgendaItem(
                h, len(items) + 1, Evidence(doc.span(hs, hs + len(h)), "rule:agenda-section-heading"), topics
            )
        )
    return items


def corrections(doc: SourceDoc, citations: list[Citation], anchor: date | None) -> list[Correction]:
    text = doc.body
    out = []
    for m in CORRECTION_RE.finditer(text):
        wrong, right = m.group("wrong").strip(), m.group("right").strip()
        ref_date = anchor
        cit_idx = None
        para_start = max(text.rfind("\n\n", 0, m.start()), 0)
        start_orig = doc.span(para_start, m.start() + 1).start
        for i, c in enumerate(citations):
            if start_orig <= c.evidence.span.start < doc.span(m.start(), m.start() + 1).start:
                cit_idx = i
                if c.vergaderjaar:
                    pass
        wd = find_dates(wrong, ref_date)
        rd = find_dates(right, ref_date)
        wrong_date = wd[0].first if wd else None
        right_date = rd[0].first if rd else None
        # a corrected date precedes the document that is corrected: resolve both before the anchor
        if wrong_date and anchor and wrong_date > anchor:
            wrong_date = wrong_date.replace(year=wrong_date.year - 1)
        if right_date and anchor and right_date > anchor:
            right_date = right_date.replace(year=right_date.year - 1)
        subject = re.sub(r"\s+", " ", text[para_start : m.start()]).strip() or None
        out.append(
            Correction(
                citation=cit_idx,
                wrong=wrong,
                right=right,
                wrong_date=wrong_date,
                right_date=right_date,
                evidence=Evidence(doc.span(m.start(), m.end()), "rule:correction-per-abuis"),
                subject=subject,
            )
        )
    return out


def commitments(doc: SourceDoc, mentions: list[Mention]) -> list[Commitment]:
    out = []
    for m in finditer(COMMIT_RE, doc.body, COMMIT_NEEDS):
        who = re.sub(r"\s+", " ", m.group("who")).strip()
        about = m.group("about") or m.group("about2") or ""
        about = re.sub(r"\s+", " ", about).strip()
        span = doc.span(m.start("who"), m.end("who"))
        key = None
        for men in mentions:
            if men.kind == "post" and span.start <= men.evidence.span.start < span.end:
                key = men.key
        out.append(
            Commitment(
                who, key, about, Evidence(doc.span(m.start(), m.end()), "rule:commitment-inform-kamer")
            )
        )
    return out
