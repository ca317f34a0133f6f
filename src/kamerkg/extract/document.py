"""Facts about the document itself: identifier, dossiers, number, type, date, vergaderjaar, place."""

from __future__ import annotations

import re
from datetime import date

from kamerkg.extract.citations import norm_dossier, norm_vergaderjaar
from kamerkg.extract.dates import MONTH_RE, parse_date
from kamerkg.extract.needs import finditer
from kamerkg.model import Evidence, Signatory, SourceDoc, Span, Value

KST_ID_RE = re.compile(r"^kst-(?P<dos>\d+(?:-[0-9A-Z]+)?)-(?P<nr>\d+)$")
AH_ID_RE = re.compile(r"^ah-tk-(?P<y1>\d{4})(?P<y2>\d{4})-(?P<nr>\d+)$")
FOOTER_VJ_RE = re.compile(
    r"Tweede Kamer, vergaderjaar\s+(?P<vj>\d{4}\s*[–-]\s*\d{4}),\s*(?P<dos>(?:\d{2}\s?\d{3}(?:-[0-9A-Z]+)?(?"
    r":\s*(?:,|en)\s*)?)+),"
    r"\s*nr\.\s*(?P<nr>\d+)"
)
VJ_RE = re.compile(r"\b[Vv]ergaderjaar\s+(?P<vj>\d{4}\s*[–-]\s*\d{4})")
PLACE_DATE_RE = re.compile(
    rf"(?m)^[^\S\n]*(?P<place>Den Haag|[’']s-Gravenhage|Brussel|[A-Z][a-z]+),\s+(?P<date>\d{{1,2}}\s+(?"
    rf":{MONTH_RE})\s+\d{{4}})"
)
STATED_DATE_RE = re.compile(
    rf"\b(?P<kind>Vastgesteld|Voorgesteld|Ingezonden|ingezonden|Ontvangen|ontvangen|Ingediend)\s+(?"
    rf"P<date>\d{{1,2}}\s+(?:{MONTH_RE})\s+\d{{4}})"
)
STATED_DATE_NEEDS = ("astgesteld", "oorgesteld", "ngezonden", "ntvangen", "ngediend")
# signature blocks are read in kamerkg.extract.people
DOC_TYPES = [
    # (pattern over the document's own heading, type) — the document names itself
    (
        r"\bVERSLAG VAN EEN ALGEMEEN OVERLEG\b|\bVerslag van een algemeen overleg\b",
        "verslag van een algemeen overleg",
    ),
    (
        r"\bVERSLAG VAN EEN SCHRIFTELIJK OVERLEG\b|\bVerslag van een schriftelijk overleg\b",
        "verslag van een schriftelijk overleg",
    ),
    (
        r"\bVERSLAG VAN EEN COMMISSIEDEBAT\b|\bVerslag van een commissiedebat\b",
        "verslag van een commissiedebat",
    ),
    (r"\bMOTIE VAN (?:HET LID|DE LEDEN)\b|^Motie\b", "motie"),
    (r"\bAMENDEMENT VAN (?:HET LID|DE LEDEN)\b|^Amendement\b", "amendement"),
    (
        r"^Antwoord schriftelijke vragen\b|\b[Aa]ntwoord van (?:de )?(?:[Mm]inister|[Ss]taatssecretaris)\b",
        "antwoord op schriftelijke vragen",
    ),
    (
        r"^[ \t]*Vragen van (?:het lid|de leden)\b[^\n]*\(ingezonden\b|^Schriftelijke vragen\b",
        "schriftelijke vragen",
    ),
    (r"^Kamervraag \d{4}Z\d+", "schriftelijke vragen met antwoord"),
    (r"\bBRIEF VAN DE (?:MINISTER|STAATSSECRETARIS|MINISTERS)\b|^Brief regering\b|^Kamerbrief\b", "brief"),
    (r"\bMEMORIE VAN TOELICHTING\b", "memorie van toelichting"),
    (r"\bVOORSTEL VAN WET\b", "wetsvoorstel"),
    (r"\bNOTA NAAR AANLEIDING VAN\b", "nota"),
]
# for each of DOC_TYPES, literal pieces one of which every match of its pattern contains (a cheap test
# first: the patterns begin with \b or ^, which makes the regex engine try every position of the text)
DOC_TYPE_NEEDS = [
    ("VERSLAG VAN EEN ALGEMEEN OVERLEG", "Verslag van een algemeen overleg"),
    ("VERSLAG VAN EEN SCHRIFTELIJK OVERLEG", "Verslag van een schriftelijk overleg"),
    ("VERSLAG VAN EEN COMMISSIEDEBAT", "Verslag van een commissiedebat"),
    ("MOTIE VAN ", "Motie"),
    ("AMENDEMENT VAN ", "Amendement"),
    ("Antwoord schriftelijke vragen", "ntwoord van "),
    ("Vragen van ", "Schriftelijke vragen"),
    ("Kamervraag ",),
    ("BRIEF VAN DE ", "Brief regering", "Kamerbrief"),
    ("MEMORIE VAN TOELICHTING",),
    ("VOORSTEL VAN WET",),
    ("NOTA NAAR AANLEIDING VAN",),
]


def _v(doc: SourceDoc, value: str, s: int, e: int, rule: str) -> Value:
    return Value(value, Evidence(doc.span(s, e), rule))


def _v_orig(value: str, s: int, e: int, rule: str) -> Value:
    return Value(value, Evidence(Span(s, e), rule))


def identifier(doc: SourceDoc) -> Value:
    i = doc.text.find(doc.doc_id)
    if i >= 0:
        return _v_orig(doc.doc_id, i, i + len(doc.doc_id), "rule:identifier-in-text")
    return Value(doc.doc_id, Evidence(Span(0, 0), "rule:identifier-from-file-name"))


DOSSIER_LINE_RE = re.compile(
    r"(?m)^[ \t]*(?P<dos>\d{2} ?\d{3}(?:-[0-9A-Z]{1,4})?)[ \t]+(?P<title>[A-Z][^\n|]{1,150}?)[ \t]*$"
)
NR_LINE_RE = re.compile(r"(?m)^[ \t]*Nr\.[ \t]*(?P<nr>\d{1,6})\b")


def printed_dossiers(
    doc: SourceDoc,
) -> tuple[list[tuple[str, str, int, int, int, int]], re.Match[str] | None]:
    """The dossier lines printed above "Nr. N" ("27 925 Bestrijding internationaal terrorisme", "21 501-28
    Defensieraad"): (number, title, spans in the body) and the "Nr." line."""
    text = doc.body
    nr = NR_LINE_RE.search(text, 0, 3000)
    if nr is None:
        return [], None
    out = []
    for m in DOSSIER_LINE_RE.finditer(text, 0, nr.start()):
        out.append(
            (
                norm_dossier(m.group("dos")),
                m.group("title").strip(),
                m.start("dos"),
                m.end("dos"),
                m.start("title"),
                m.start("title") + len(m.group("title").strip()),
            )
        )
    return out, nr


def dossiers_and_number(doc: SourceDoc) -> tuple[list[Value], Value | None]:
    dossiers: list[Value] = []
    number: Value | None = None
    m = FOOTER_VJ_RE.search(doc.text)
    if m:
        for dm in re.finditer(r"\d{2}\s?\d{3}(?:-[0-9A-Z]+)?", m.group("dos")):
            s = m.start("dos") + dm.start()
            dossiers.append(
                _v_orig(norm_dossier(dm.group(0)), s, s + len(dm.group(0)), "rule:footer-dossier")
            )
        number = _v_orig(m.group("nr"), m.start("nr"), m.end("nr"), "rule:footer-number")
        return dossiers, number
    printed, nr = printed_dossiers(doc)
    idm = KST_ID_RE.match(doc.doc_id)
    if printed and nr is not None and (idm is None or norm_dossier(idm.group("dos")) == printed[0][0]):
        for dos, _t, a, b, _c, _d in printed:
            if dos not in [v.value for v in dossiers]:
                dossiers.append(_v(doc, dos, a, b, "rule:dossier-header-line"))
        number = _v(doc, nr.group("nr"), nr.start("nr"), nr.end("nr"), "rule:number-header-line")
        if idm is None or idm.group("nr") == number.value:
            return dossiers, number
        dossiers, number = [], None
    ident = identifier(doc)
    for f in doc.header:
        fm = (
            re.fullmatch(r"(\d{4,5}(?:-[0-9A-Z]+)?)\s*nr\.\s*(\d+)", f.value)
            if f.name == "Dossier- en ondernummer"
            else None
        )
        if fm and idm and norm_dossier(fm.group(1)) == norm_dossier(idm.group("dos")):
            ev = Evidence(f.span, "rule:metadata-table-dossier")
            return [Value(norm_dossier(fm.group(1)), ev)], Value(fm.group(2), ev)
    if idm:
        dossiers.append(Value(norm_dossier(idm.group("dos")), ident.evidence))
        number = Value(idm.group("nr"), ident.evidence)
    ahm = AH_ID_RE.match(doc.doc_id)
    if ahm:
        number = Value(ahm.group("nr"), ident.evidence)
    return dossiers, number


def dossier_title(doc: SourceDoc, dossiers: list[Value]) -> Value | None:
    """The dossier title as the document prints it ("28 676 NAVO"), for its first dossier."""
    printed, _nr = printed_dossiers(doc)
    if printed and dossiers and printed[0][0] == dossiers[0].value:
        _d, title, _a, _b, c, d = printed[0]
        return _v(doc, title, c, d, "rule:dossier-title-header-line")
    if len(dossiers) == 1:
        for f in doc.header:
            if f.name == "Dossiertitel":
                return Value(f.value, Evidence(f.span, "rule:dossier-title-site-header"))
    return None


OWN_VJ_RE = re.compile(
    r"(?m)^[ \t]*[Vv]ergaderjaar[ \t]+(?P<vj>\d{4}\s*[–-]\s*\d{4})[ \t|]*$"
    r"|Tweede Kamer, vergaderjaar\s+(?P<vj2>\d{4}\s*[–-]\s*\d{4})"
    r"|Zie ook Aanhangsel Handelingen,?\s+vergaderjaar\s+(?P<vj3>\d{4}\s*[–-]\s*\d{4})"
)


def vergaderjaar(doc: SourceDoc) -> Value | None:
    """The vergaderjaar the document prints for itself (running footer, header line, self-reference)."""
    m = OWN_VJ_RE.search(doc.text)
    if m:
        g = next(k for k in ("vj", "vj2", "vj3") if m.group(k))
        return _v_orig(norm_vergaderjaar(m.group(g)), m.start(g), m.end(g), "rule:vergaderjaar-printed")
    for f in doc.header:
        if f.name == "Vergaderjaar" and re.fullmatch(r"\d{4}\s*[–-]\s*\d{4}", f.value):
            return Value(norm_vergaderjaar(f.value), Evidence(f.span, "rule:vergaderjaar-site-header"))
    return None


def doc_date(doc: SourceDoc, answer: bool = False) -> tuple[Value | None, Value | None]:
    """The document's own date (and the place of a letter's place-and-date line).

    A letter's "Den Haag, 9 april 2020"; a report's "Vastgesteld"; a motie's "Voorgesteld"; for Kamervragen
    the date submitted ("ingezonden", a site header's "Ingediend"), for an answer the date received
    ("ontvangen").
    """
    text = doc.body
    found = [(mm, parse_date(mm.group("date"))) for mm in finditer(STATED_DATE_RE, text, STATED_DATE_NEEDS)]
    found = [(mm, d) for mm, d in found if d]
    m = PLACE_DATE_RE.search(text)
    # a letter's place-and-date line, unless a report's or motie's stated date comes first (a line such as
    # "Voorzitter, 12 maart ..." in a debate is no letter date)
    if m and not (found and found[0][0].start() < m.start()):
        d = parse_date(m.group("date"))
        if d:
            place = _v(doc, m.group("place"), m.start("place"), m.end("place"), "rule:letter-place-date-line")
            return _v(
                doc, d.isoformat(), m.start("date"), m.end("date"), "rule:letter-place-date-line"
            ), place
    if answer:
        received = [(mm, d) for mm, d in found if mm.group("kind").lower() == "ontvangen"]
        found = received or found
    if found:
        mm, d = found[0]
        return _v(
            doc, d.isoformat(), mm.start("date"), mm.end("date"), f"rule:date-{mm.group('kind').lower()}"
        ), None
    for f in doc.header:
        if f.name in ("Ingediend",) and not answer:
            d = parse_date(f.value)
            if d:
                return Value(d.isoformat(), Evidence(f.span, "rule:date-site-header-submitted")), None
    return None, None


def doc_type(doc: SourceDoc, signatories: list[Signatory], has_date_line: bool) -> Value | None:
    # the name the document gives itself first (a letter listing moties is still a letter)
    # in its own text first ("Nr. 283 BRIEF VAN DE MINISTER ..."), else in the site's header lines
    for where, text in (("body", doc.body[:4000]), ("site", doc.text[:4000])):
        named = []
        for (pat, t), needs in zip(DOC_TYPES, DOC_TYPE_NEEDS, strict=True):
            if not any(s in text for s in needs):
                continue  # a text holding none of the words a pattern needs cannot match it
            m = re.search(pat, text, re.MULTILINE)
            if m:
                named.append((m.start(), m.end(), t))
        if not named:
            continue
        s, e, t = min(named)
        if t == "schriftelijke vragen" and any(x[2] == "antwoord op schriftelijke vragen" for x in named):
            # questions printed with the answer to them: the answer (Aanhangsel Handelingen)
            s, e, t = next(x for x in named if x[2] == "antwoord op schriftelijke vragen")
        if where == "body":
            return _v(doc, t, s, e, "rule:doctype-self-named")
        return _v_orig(t, s, e, "rule:doctype-site-header")
    # a committee report by its form: "Vastgesteld", "overleg gevoerd", "(geredigeerd) woordelijk verslag"
    body = doc.body[:4000]
    if re.search(r"\bVastgesteld\s+\d", body):
        if re.search(r"\boverleg gevoerd\b", body) and re.search(r"\bwoordelijk verslag\b", body):
            m = re.search(r"\boverleg gevoerd\b", body)
            assert m is not None
            return _v(doc, "verslag van een algemeen overleg", m.start(), m.end(), "rule:doctype-report-form")
        m = re.search(r"\bvragen en opmerkingen voorgelegd\b", body)
        if m:
            return _v(
                doc, "verslag van een schriftelijk overleg", m.start(), m.end(), "rule:doctype-report-form"
            )
    # a letter: place-and-date line, signed by an office holder
    if has_date_line and any(
        s.role and re.match(r"(?i)(minister|staatssecretaris)", s.role) for s in signatories
    ):
        ev = signatories[0].evidence
        return Value("brief", Evidence(ev.span, "rule:doctype-letter-form"))
    return None


def anchor_date(v: Value | None) -> date | None:
    return date.fromisoformat(v.value) if v else None
