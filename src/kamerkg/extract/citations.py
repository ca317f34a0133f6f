"""Citations of parliamentary documents, in every form the texts use.

- "Kamerstuk 28 676, nr. 338", "Kamerstukken 29 521 en 33 279, nr. 310", "Kamerstuk 21 501-28, nr. 177"
- a bare "(28 676, nr. 71)"
- "Aanhangsel Handelingen II 2019/20, nr. 2393", "Aanhangsel Handelingen, vergaderjaar 2019–2020, nr. 3764"
- "Handelingen II 2019/20, nr. 45, item 7"
"""

from __future__ import annotations

import re

from kamerkg.extract.needs import finditer
from kamerkg.model import Citation, Evidence, SourceDoc

# "28 676", "21 501-28", "36 200-X", "35 300 X" (a budget chapter, Roman numeral after a space)
DOSSIER = r"\d{2}\s?\d{3}(?:\s?-\s?(?:[A-Z]{1,4}|\d{1,3})(?![\d])|\s(?:[IVXL]{1,5}|[A-C])\b(?=,))?"
DOSSIERS = rf"{DOSSIER}(?:\s*(?:,|en)\s*{DOSSIER})*"
NR = r"nrs?\.\s*(?P<nr>\d{1,5})(?!\d)(?P<more>(?:\s*(?:,|en)\s*\d{1,5}\b(?!\s*(?:[a-z]|\d{3})))*)"
# "Kamerstuk 28 676, nr. 338", "Kamerstukken II 2019/20, 28 676, nr. 339"
KST_RE = re.compile(
    rf"\bKamerstuk(?:ken)?(?:\s+I{{1,2}}\s+\d{{4}}/\d{{2,4}},?)?\s+(?P<dos>{DOSSIERS}),?\s*{NR}"
)
KST_NEEDS = ("Kamerstuk",)  # every match of KST_RE and KST_ID_FORM_RE holds one (kamerkg.extract.needs)
# "Kamerstuk 21501-28-262" (the identifier form a site prints)
KST_ID_FORM_RE = re.compile(r"\bKamerstuk\s+(?P<dos>\d{5}(?:-[0-9A-Z]{1,4})?)-(?P<nr>\d{1,5})\b")
BARE_RE = re.compile(rf"(?<=\()(?P<dos>{DOSSIERS}),\s*{NR}(?=[);])")
AH_RE = re.compile(
    r"\bAanhangsel (?:van de )?Handelingen(?: (?:II|I))?,?\s*(?:vergaderjaar\s*)?"
    r"(?P<vj>\d{4}\s*[/–-]\s*(?:\d{4}|\d{2})),?\s*nr\.\s*(?P<nr>\d{1,5})(?!\d)"
)
AH_NEEDS = ("Aanhangsel ",)
HAND_RE = re.compile(
    r"(?<!Aanhangsel )(?<!Aanhangsel van de )\bHandelingen (?:II|I)\s*(?P<vj>\d{4}\s*/\s*\d{2,4}),?"
    r"\s*nr\.\s*(?P<nr>\d{1,4})(?!\d)"
    r"(?:,\s*item\s*\d+)?"
)
HAND_NEEDS = ("Handelingen ",)


def norm_dossier(s: str) -> str:
    """'21 501-28' -> '21501-28'; '28 676' -> '28676'; '35 300 X' -> '35300-X'."""
    s = re.sub(r"(?<=\d)\s+(?=(?:[IVXL]{1,5}|[A-C])$)", "-", s.strip())
    s = re.sub(r"\s+", "", s)
    return s


def norm_vergaderjaar(s: str) -> str:
    """'2019/20' -> '2019-2020'; '2019–2020' -> '2019-2020'."""
    a, b = re.split(r"\s*[/–-]\s*", s.strip())
    if len(b) == 2:
        b = a[:2] + b
    return f"{a}-{b}"


def find_citations(doc: SourceDoc) -> list[Citation]:
    text = doc.body
    found: list[tuple[int, int, Citation]] = []

    covered = bytearray(len(text) + 1)

    def add(
        m: re.Match[str], kind: str, dossiers: list[str], nr: str | None, vj: str | None, rule: str
    ) -> None:
        s, e = m.start(), m.end()
        if covered[s]:  # starts inside a citation already found (a mark per character: linear time)
            return
        covered[s:e] = b"\x01" * (e - s)
        cit = Citation(
            text=re.sub(r"\s+", " ", text[s:e]),
            kind=kind,
            dossiers=dossiers,
            number=nr,
            vergaderjaar=vj,
            evidence=Evidence(doc.span(s, e), rule),
        )
        found.append((s, e, cit))

    passes = ((KST_RE, KST_NEEDS, "rule:citation-kamerstuk"), (BARE_RE, ("",), "rule:citation-bare"))
    for rx, needs, rule in passes:
        for m in finditer(rx, text, needs):
            dos = [norm_dossier(d) for d in re.findall(DOSSIER, m.group("dos") + ",")]
            add(m, "kamerstuk", dos, m.group("nr"), None, rule)
            # "nrs. 300 en 301": one reference per number
            for extra in re.findall(r"\d{1,5}", m.group("more") or ""):
                found.append(
                    (
                        m.start(),
                        m.end(),
                        Citation(
                            text=re.sub(r"\s+", " ", text[m.start() : m.end()]),
                            kind="kamerstuk",
                            dossiers=dos,
                            number=extra,
                            vergaderjaar=None,
                            evidence=Evidence(doc.span(m.start(), m.end()), rule),
                        ),
                    )
                )
    for m in finditer(KST_ID_FORM_RE, text, KST_NEEDS):
        add(m, "kamerstuk", [m.group("dos")], m.group("nr"), None, "rule:citation-identifier-form")
    for m in finditer(AH_RE, text, AH_NEEDS):
        add(m, "aanhangsel", [], m.group("nr"), norm_vergaderjaar(m.group("vj")), "rule:citation-aanhangsel")
    for m in finditer(HAND_RE, text, HAND_NEEDS):
        add(
            m, "handelingen", [], m.group("nr"), norm_vergaderjaar(m.group("vj")), "rule:citation-handelingen"
        )
    found.sort(key=lambda t: t[0])
    return [c for _, _, c in found]


def cited_id(c: Citation) -> str | None:
    """The official identifier of a cited document, where its citation determines one."""
    if c.kind == "kamerstuk" and len(c.dossiers) == 1 and c.number:
        return f"kst-{c.dossiers[0]}-{c.number}"
    if c.kind == "kamerstuk" and len(c.dossiers) > 1 and c.number:
        return f"kst-{c.dossiers[0]}-{c.number}"
    if c.kind == "aanhangsel" and c.vergaderjaar and c.number:
        return f"ah-tk-{c.vergaderjaar.replace('-', '')}-{c.number}"
    if c.kind == "handelingen" and c.vergaderjaar and c.number:
        return f"h-tk-{c.vergaderjaar.replace('-', '')}-{c.number}"
    return None
