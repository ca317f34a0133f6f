"""Who signs a document and who takes part, by the formulas of each kind of document.

- letters: "De Minister van Defensie,\\nA.Th.B. Bijleveld-Schouten" (the role line, then the name);
- committee reports: "De voorzitter van de vaste commissie voor Defensie, Ten Broeke", "De fungerend
  voorzitter
  van de commissie,\\nDe Roon", "Adjunct-griffier van de commissie,\\nManten"; the older one-line form
  "Voorzitter Boekestijn Griffier Deckers" (without colons; "Voorzitter: X" is the meeting's chair);
- moties: the names under "en gaat over tot de orde van de dag." sign as "Kamerlid";
- Kamervragen: "Vragen van het lid Baudet (FvD)" (the questioner) and "Antwoord van Minister De Jonge
  (Volksgezondheid, Welzijn en Sport)" (who answers);
- a site header naming the document's submitters (openkamer "Indiener(s)", "Indieners", "Beantwoord door";
  tkconv "Eerste ondertekenaar", "Mede ondertekenaar"; tweedekamer.nl "Indiener") counts too, one entry per
  person: a person the text itself already shows signing is not listed twice.

Members present at a debate ("Aanwezig zijn zeven leden der Kamer, te weten: Belhaj, Ten Broeke, ...") and
speakers with their party ("De heer Knops (CDA):") are read as :class:`Member` records.
"""

from __future__ import annotations

import re

from kamerkg.model import Evidence, Member, Signatory, SourceDoc, Span

PARTICLE = r"(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]en|[Tt]er|[Ii]n\s+[’']t|[Vv]an\s+der|[Vv]an\s+den|[Vv]an\s+de)"
# (atomic first word and a start that is not inside a word: no backtracking into a long hyphenated run)
SURNAME = r"(?>[A-ZÀ-Ý][\w’'-]+)(?:[- ][A-ZÀ-Ý][\w’'-]+)?"
# "A.Th.B. Bijleveld-Schouten", "R.J. (Rudmer) Heerema", "De Roon", "Van der Staaij", "Jan Paternotte"
NAME = (
    # (bounded initials and particles, atomic: linear time on hostile runs; issue 7)
    rf"(?:(?<![\w’'-])|(?![A-ZÀ-Ý]))(?:(?:[A-Z][a-z]{{0,2}}\.){{1,8}}\s?)?(?:\([A-Z][\w-]+\)\s)?"
    rf"(?:[A-Z][a-z]+\s(?={PARTICLE}\s|[A-Z]))?"
    rf"(?>{PARTICLE}\s){{0,4}}+{SURNAME}"
)
ROLE_WORDS = (
    r"(?:\s+(?>van|voor|der|de|en|het|vaste|commissie|[A-Z][\w’'-]*|Zaken|Koninkrijksrelaties|Welzijn|Sport|"
    r"Veiligheid,?|Handel|Ontwikkelingssamenwerking|Klimaat|Waterstaat)){0,16}+"
)
SIGN_RE = re.compile(
    r"(?m)^[ \t]*(?:(?:De|Het)\s+)?(?P<role>(?:[Ff]ungerend(?:e)?\s+)?(?:Minister(?:-President)?|"
    r"Staatssecretaris|[Vv]oorzitter|[Gg]riffier|"
    r"[Aa]djunct-griffier|[Pp]lv\.\s+griffier)" + ROLE_WORDS + r")\s*,"
    rf"[ \t]*(?:\n[ \t]*)?(?P<name>{NAME})[ \t]*$"
)
CHAIR_CLERK_RE = re.compile(
    rf"(?m)^[ \t]*Voorzitter[ \t]+(?P<chair>{NAME})[ \t]+Griffier[ \t]+(?P<clerk>{NAME})[ \t]*$"
)
MOTIE_END_RE = re.compile(r"gaat over tot de orde van de dag\.?[ \t]*\n")
NAME_LINE_RE = re.compile(rf"^[ \t]*(?P<name>{NAME})[ \t]*$")
QUESTIONER_RE = re.compile(
    r"\bVragen van (?:het lid|de leden)\s+(?P<list>[^()]{2,80}?\([\w-]+\)(?:\s*(?:,|en)\s*[^()]{2,80}?"
    r"\([\w-]+\))*)"
)
PERSON_PARTY_RE = re.compile(rf"(?P<name>{NAME})\s*\((?P<party>[\w-]+)\)")
ANSWER_RE = re.compile(
    rf"\bAntwoord van (?:de\s+)?(?P<post>[Mm]inister(?:-President)?|[Ss]taatssecretaris)\s+(?P<name>{NAME})"
    r"\s*\((?P<of>[^()]{3,80})\)"
)
# the list may run over several lines; it ends with a comma before the members of government present
# ("en mevrouw Hennis-Plasschaert, Minister van Defensie"), a blank line or "Aanvang"
PRESENT_RE = re.compile(
    r"Aanwezig\s+(?:zijn|is)\s+[\w\s]{0,40}?(?:leden|lid)\s+der\s+Kamer,\s+te\s+weten:\s*"
    r"(?P<list>[^:]{3,800}?)[,.]?\s*(?=\n[ \t]*\n|\n[ \t]*Aanvang\b|$"
    r"|\n?[ \t]*en\s+(?:de\s+heer|mevrouw|de\s+[Mm]inister|de\s+[Ss]taatssecretaris)\b)"
)
SPEAKER_RE = re.compile(rf"(?m)^[ \t]*(?:De heer|Mevrouw)\s+(?P<name>{NAME})\s*\((?P<party>[\w-]+)\)\s*:")
HEADER_PERSON_FIELDS = (
    "Indiener(s)",
    "Indieners",
    "Indiener",
    "Medeindiener",
    "Beantwoord door",
    "Eerste ondertekenaar",
    "Mede ondertekenaar",
    "Vragensteller",
)


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def last_name(name: str) -> str:
    """The last word of a name, folded: how two printed forms of one person are recognised in one document."""
    name = re.sub(r"\([^)]*\)", " ", name)
    return (name.split() or [""])[-1].casefold()


def _sig(doc: SourceDoc, name: str, role: str | None, s: int, e: int, rule: str) -> Signatory:
    return Signatory(
        name=_clean(name), role=_clean(role) if role else None, evidence=Evidence(doc.span(s, e), rule)
    )


def body_signatories(doc: SourceDoc) -> list[Signatory]:
    text = doc.body
    out: list[Signatory] = []
    for m in SIGN_RE.finditer(text):
        out.append(_sig(doc, m.group("name"), m.group("role"), m.start(), m.end(), "rule:signature-block"))
    if not out:
        for m in CHAIR_CLERK_RE.finditer(text):
            out.append(
                _sig(
                    doc,
                    m.group("chair"),
                    "voorzitter",
                    m.start("chair"),
                    m.end("chair"),
                    "rule:signature-chair-clerk",
                )
            )
            out.append(
                _sig(
                    doc,
                    m.group("clerk"),
                    "griffier",
                    m.start("clerk"),
                    m.end("clerk"),
                    "rule:signature-chair-clerk",
                )
            )
    head = text[:3000]
    if ("MOTIE" in head or "Motie" in head) and re.search(r"\bMOTIE\b|^Motie\b", head, re.MULTILINE):
        end = MOTIE_END_RE.search(text)
        if end:
            pos = end.end()
            for line in re.finditer(r"[^\n]*\n?", text[pos:]):
                raw = line.group(0)
                if not raw.strip():
                    if line.end() == line.start():
                        break
                    continue
                nm = NAME_LINE_RE.match(raw.rstrip("\n"))
                if not nm:
                    break
                s = pos + line.start() + nm.start("name")
                out.append(
                    _sig(
                        doc,
                        nm.group("name"),
                        "Kamerlid",
                        s,
                        s + len(nm.group("name")),
                        "rule:signature-motie",
                    )
                )
    m = QUESTIONER_RE.search(text[:3000])
    if m:
        for pm in PERSON_PARTY_RE.finditer(m.group("list")):
            s = m.start("list") + pm.start()
            out.append(
                _sig(
                    doc,
                    pm.group("name"),
                    f"vraagsteller ({pm.group('party')})",
                    s,
                    m.start("list") + pm.end(),
                    "rule:kamervragen-questioner",
                )
            )
    m = ANSWER_RE.search(text[:3000])
    if m:
        post = m.group("post")
        post = post[0].upper() + post[1:]
        role = f"{post} van {_clean(m.group('of'))}"
        out.insert(0, _sig(doc, m.group("name"), role, m.start("post"), m.end(), "rule:kamervragen-answer"))
    return out


# words of ministry names that a comma inside a role ("Volksgezondheid, Welzijn en Sport") leaves behind
NOT_A_NAME = {
    "Welzijn",
    "Sport",
    "Koninkrijksrelaties",
    "Veiligheid",
    "Klimaat",
    "Waterstaat",
    "Zaken",
    "Cultuur",
}
ROLE_START = r"(?:[a-z]|Kamerlid|Minister|Staatssecretaris|Voorzitter|Griffier)"
_NN = "(?:" + "|".join(sorted(NOT_A_NAME)) + r")\b"
PERSON_CHUNK_RE = re.compile(
    rf"(?P<name>{NAME})(?:,[ \t]*(?P<role>{ROLE_START}(?:[^,()]|,[ \t]*(?={_NN}))*?))?"
    r"[ \t]*(?P<parens>(?:\([^()]*\)[ \t]*)*)"
    rf"(?=,[ \t]*(?!{_NN})[A-Z]|[ \t]+en[ \t]+(?!{_NN})[A-Z]|[ \t]*$)"
)


def _split_people(value: str) -> list[tuple[str, str, str | None, int]]:
    """'Han ten Broeke (VVD), Angelien Eijsink (PvdA)' -> [(name, party, role, offset)];
    'R.J. (Rudmer) Heerema, voorzitter van de ... (Ooit VVD kamerlid)' -> one person with a role;
    'Stef Blok, minister van Buitenlandse Zaken (VVD), Ank Bijleveld, minister van Defensie (CDA)' -> two;
    'Ank Bijleveld (minister defensie) (CDA)' -> name, party CDA, role 'minister defensie'."""
    out: list[tuple[str, str, str | None, int]] = []
    for pm in PERSON_CHUNK_RE.finditer(value):
        if pm.group("name") in NOT_A_NAME:
            continue
        parens = re.findall(r"\(([^()]*)\)", pm.group("parens") or "")
        party = next((p for p in parens if re.fullmatch(r"[\w-]+", p) and not p.islower()), "")
        role = (pm.group("role") or "").strip() or next((p for p in parens if p != party), None)
        out.append((pm.group("name"), party, role, pm.start()))
    return out


def header_signatories(doc: SourceDoc, present: list[Signatory]) -> list[Signatory]:
    """Submitters named by a site header, unless the text already shows them signing."""
    seen = {last_name(s.name) for s in present}
    out: list[Signatory] = []
    for f in doc.header:
        if f.name not in HEADER_PERSON_FIELDS:
            continue
        for name, party, role, off in _split_people(f.value):
            if last_name(name) in seen:
                continue
            seen.add(last_name(name))
            if role is None:
                role = (
                    f"vraagsteller ({party})" if f.name in ("Indieners", "Vragensteller") and party else None
                )
            s = f.span.start + off
            out.append(
                Signatory(
                    name=_clean(name),
                    role=role,
                    evidence=Evidence(Span(s, s + len(name)), "rule:site-header-submitter"),
                )
            )
    return out


def signatories(doc: SourceDoc) -> list[Signatory]:
    body = body_signatories(doc)
    return body + header_signatories(doc, body)


def members(doc: SourceDoc) -> list[Member]:
    """Members present at the debate a report is of, and speakers with their party."""
    text = doc.body
    out: list[Member] = []
    by_last: dict[str, Member] = {}
    m = PRESENT_RE.search(text)
    if m:
        lst = m.group("list")
        for nm in re.finditer(r"[^,]+", re.sub(r"\s+en\s+(?=[^,]+$)", ", ", lst)):
            name = _clean(nm.group(0))
            if not re.fullmatch(NAME, name):
                continue
            # the name as it stands in the text (a line break may fall inside it)
            pos = re.compile(r"\s+".join(re.escape(w) for w in name.split())).search(text, m.start("list"))
            if pos is None:
                continue
            mem = Member(name, None, Evidence(doc.span(pos.start(), pos.end()), "rule:members-present"))
            out.append(mem)
            by_last.setdefault(last_name(name), mem)
    header_parties: set[tuple[str, str]] = set()
    for f in doc.header:
        if f.name not in HEADER_PERSON_FIELDS:
            continue
        for name, party, _role, off in _split_people(f.value):
            # a party the site header prints beside a person ("Han ten Broeke (VVD)"): its own record, also
            # for a member the text lists as present (that record carries the attendance)
            if party and (last_name(name), party) not in header_parties:
                header_parties.add((last_name(name), party))
                s = f.span.start + off
                out.append(
                    Member(_clean(name), party, Evidence(Span(s, s + len(name)), "rule:site-header-party"))
                )
    for sm in SPEAKER_RE.finditer(text):
        name, party = _clean(sm.group("name")), sm.group("party")
        mem = by_last.get(last_name(name))
        ev = Evidence(doc.span(sm.start("name"), sm.end("party") + 1), "rule:speaker-party")
        if mem is not None:
            if mem.party is None:
                mem.party = party
                mem.evidence = ev
            continue
        mem = Member(name, party, ev)
        out.append(mem)
        by_last[last_name(name)] = mem
    return out


__all__ = ["Member", "members", "signatories", "last_name"]
