"""Named entities found by the registers' text forms (longest form first, on word boundaries).

Phrases that name a post or a group of office holders ("de ministers van Defensie", "de ministeries van
Defensie van de lidstaten") are masked first, so that "Defensie" inside them is not read as the
organisation; a post that the register holds ("Minister van Defensie") is matched as a post.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from kamerkg.model import Evidence, Mention, SourceDoc
from kamerkg.registers import Registers

# groups of office holders and generic ministries: not mentions of one organisation
MASK_RE = re.compile(
    r"\b(?:[Mm]inisters|[Mm]inisteries|[Ss]taatssecretarissen)\s+van\s+(?:[A-Z][\w-]*(?:\s+(?:en|van)\s+)?)+"
    # a post the register lacks: "de Staatssecretaris van Defensie" names an office, not the organisation
    r"|\b(?:[Mm]inister|[Ss]taatssecretaris)\s+(?:van|voor)\s+[A-Z][\w-]*"
    # "Antwoord van Minister De Jonge (Volksgezondheid, Welzijn en Sport)": the ministry names the post
    r"|\b(?:[Mm]inister|[Ss]taatssecretaris)\s+(?:[A-Z][\w'’-]*\s+){1,3}\([^()]{3,80}\)"
    # "minister Van Middelkoop van Defensie": a post with its holder's name inside
    r"|\b(?:[Mm]inister|[Ss]taatssecretaris)\s+(?:[A-Z][\w'’-]*\s+){1,3}(?:van|voor)\s+[A-Z][\w-]*(?"
    r":\s+Zaken)?"
    # a formation of the Council of the EU: "Raad Buitenlandse Zaken Defensie", "RBZ Defensie"
    r"|\b(?:Raad\s+(?:[A-Z][\w-]*\s+)?Zaken|RBZ)(?:\s+\(\w+\))?\s+(?:Defensie|Handel|"
    r"Ontwikkelingssamenwerking)\b"
)
# a council named as a dated session ("de Europese Raad van 20 en 21 oktober jl.") is a meeting
SESSION_AFTER_RE = re.compile(
    r"\s+(?:van|op|d\.d\.)\s+\d{1,2}(?:\s*(?:en|-|–|t/m|tot en met)\s*\d{1,2})?\s+"
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\b"
)
# a country name inside a region ("Noord-Syrië") or as a city named as a place ("te Luxemburg") is no country
REGION_BEFORE_RE = re.compile(
    r"(?:Noord|Zuid|Oost|West|Midden|Centraal|Noordoost|Noordwest|Zuidoost|Zuidwest)-$"
)
PLACE_BEFORE_RE = re.compile(r"(?<![\w])te\s+$")
# organisations the register lacks, by the head noun of their name: "Ministerie van Infrastructuur en
# Waterstaat", "Nationaal Coördinator Terrorismebestrijding en Veiligheid (NCTV)", "Europees Centrum voor
# Ziektepreventie (ECDC)"; a mission, operation or Council formation is not one
ORG_HEAD = (
    r"Ministerie|Agentschap|Dienst|Autoriteit|Inspectie|Instituut|Bureau|Fonds|Centrum|Organisatie|Rekenkamer|"
    r"Universiteit|Stichting|Vereniging|Agency|Organi[sz]ation|Office|Bank|Hof|Tribunaal|Parlement|Alliantie|Coalitie|"
    r"Co[öo]rdinator|Commissariaat|Directoraat"
)
ORG_OF_RE = re.compile(
    rf"(?<![\w-])(?P<name>(?:{ORG_HEAD})\s+(?:van|voor)\s+(?:de\s+|het\s+)?[A-Z][\w-]*"
    r"(?:\s+(?:en\s+|of\s+)?[A-Z][\w-]*)*(?:\s+\([A-Z][A-Za-z]{1,9}\))?)"
)
ORG_ABBR_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][\w-]*\s+){0,3}"
    rf"(?:[\w-]*(?:{ORG_HEAD.lower()})|{ORG_HEAD})"
    r"(?:\s+(?:[A-Z][\w-]*|-[\w-]+|van|voor|het|de|der|en|op|of|for|of|the|and|on))"
    r"{0,7}?\s+\((?P<abbr>[A-Z][A-Za-z]{1,9})\))"
)
# a piece of text every match of ORG_ABBR_RE / ORG_OF_RE holds ("... (EDA)"; "Agentschap voor ")
ORG_ABBR_NEEDS = re.compile(r"\s\([A-Z][A-Za-z]{1,9}\)")
ORG_OF_NEEDS = re.compile(rf"(?:{ORG_HEAD})\s+(?:van|voor)\s")
NOT_ORG_RE = re.compile(r"\b(?:[Mm]issie|[Oo]peratie|Operation|Mission|Raad\s+\w+\s+Zaken|[Tt]op)\b")
# committees the register lacks: "vaste commissie voor Infrastructuur en Waterstaat"
COMMITTEE_RE = re.compile(
    r"(?<![\w])(?:[Vv]aste|[Aa]lgemene|[Tt]ijdelijke|[Pp]arlementaire)\s+(?:Kamer)?commissie\s+(?:voor|van|"
    r"inzake)\s+"
    r"[A-Z][\w-]*(?:\s+(?:(?:en|van|voor)\s+)?[A-Z][\w-]*)*"
)
SUBJECT_KINDS = ("topic", "coretask")
KIND_ORDER = {"post": 0, "person": 1, "organisation": 2, "country": 3, "place": 4, "topic": 5, "coretask": 6}


def _variants(form: str) -> set[str]:
    out = {form}
    if len(form) > 3 and " " in form and form[0].isalpha():
        out.add(form[0].upper() + form[1:])
        out.add(form[0].lower() + form[1:])
    return out


@lru_cache(maxsize=8)
def _matcher(key: int, items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, list[str]]]:
    by_form: dict[str, list[str]] = {}
    for form, k in items:
        for v in _variants(form):
            by_form.setdefault(v, []).append(k)
    forms = sorted(by_form, key=lambda f: (-len(f), f))

    # a space in a form matches any white space (the text may break a name across lines: "Bosnië\nen
    # Herzegovina"); a footnote marker glued to a name ("Defensie1") does not hide it
    alts = _trie(forms) or "|".join(r"\s+".join(re.escape(w) for w in f.split(" ")) for f in forms)
    pattern = re.compile(r"(?<![\w])(?:" + alts + r")(?:(?![\w])|(?=\d{1,2}(?![\w])))")
    return pattern, by_form


def _trie(forms: list[str]) -> str | None:
    """The alternation of ``forms`` (longest first, a space matching any white space) as a trie: the same
    matches, without trying every form in turn at every word. At a position the forms that match are
    prefixes of one another (word by word), so the first alternative that matches is the longest form that
    does; the trie tries a longer continuation before ending a form, which finds that same form. None for
    forms other than words of non-space characters joined by single spaces (then the plain alternation)."""
    end = ""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for f in forms:
        if not f or f != f.strip() or "  " in f or any(c.isspace() and c != " " for c in f):
            return None
        node = root
        for c in f:
            node = node.setdefault(c, {})
        node[end] = {}

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        alts = [(r"\s+" if c == " " else re.escape(c)) + emit(node[c]) for c in sorted(node) if c != end]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end in node:
            return body + "?" if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + body + ")?"
        return body

    return emit(root)


def form_of(surface: str) -> str:
    """The register form a matched surface stands for (white space folded)."""
    return re.sub(r"\s+", " ", surface)


def matcher(reg: Registers, kinds: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, list[str]]]:
    def make() -> tuple[re.Pattern[str], dict[str, list[str]]]:
        entries = reg.entries.values()
        items = tuple(sorted((f, e.key) for e in entries if e.kind in kinds for f in e.forms if len(f) >= 2))
        return _matcher(hash(items), items)

    return reg.derived(("matcher", kinds), make)


def find_mentions(
    doc: SourceDoc,
    reg: Registers,
    kinds: tuple[str, ...] = ("organisation", "country", "place", "post", "person", "topic", "coretask"),
) -> list[Mention]:
    text = doc.body
    masked = [(m.start(), m.end()) for m in MASK_RE.finditer(text)]
    masked_starts = [a for a, _ in masked]
    out: list[Mention] = []
    # subjects (topics, core tasks) are matched in a pass of their own, so that a topic phrase such as
    # "samenwerking tussen de EU en de NAVO" does not hide the organisations named inside it
    named = tuple(k for k in kinds if k not in SUBJECT_KINDS)
    subjects = tuple(k for k in kinds if k in SUBJECT_KINDS)
    passes = [matcher(reg, ks) for ks in (named, subjects) if ks]
    for by_form, m in ((b, m) for p, b in passes for m in p.finditer(text)):
        keys = by_form[form_of(m.group(0))]
        key = sorted(keys, key=lambda k: KIND_ORDER.get(reg.entries[k].kind, 9))[0]
        e = reg.entries[key]
        if e.kind == "organisation" and _inside(masked, masked_starts, m.start()):
            continue
        if (
            e.kind == "organisation"
            and re.search(r"\bRaad\b|\bCouncil\b", e.canonical)
            and SESSION_AFTER_RE.match(text, m.end())
        ):
            continue  # "de Europese Raad van 20 en 21 oktober": a dated session, a meeting
        if e.kind == "country":
            before = text[max(0, m.start() - 12) : m.start()]
            if REGION_BEFORE_RE.search(before) or PLACE_BEFORE_RE.search(before):
                continue
        out.append(
            Mention(
                kind=e.kind,
                surface=form_of(m.group(0)),
                evidence=Evidence(doc.span(m.start(), m.end()), f"rule:register-{e.kind}"),
                key=key,
                canonical=e.canonical,
            )
        )
    if "organisation" in kinds:
        out.extend(_unknown_committees(doc, out))
        out.extend(_unknown_organisations(doc, out))
    return out


def _inside(spans: list[tuple[int, int]], starts: list[int], i: int) -> bool:
    """Whether ``i`` is inside one of ``spans`` (non-overlapping, in order; ``starts`` their starts)."""
    k = bisect_right(starts, i) - 1
    return k >= 0 and i < spans[k][1]


def _unknown_organisations(doc: SourceDoc, found: list[Mention]) -> list[Mention]:
    """Organisations named as such that the register lacks: kept as unlinked organisations."""
    out: list[Mention] = []
    text = doc.body
    for rx, need in ((ORG_ABBR_RE, ORG_ABBR_NEEDS), (ORG_OF_RE, ORG_OF_NEEDS)):
        if not need.search(text):
            continue  # a piece every match holds is missing (a quick test: these regexes are slow to run)
        for m in rx.finditer(text):
            name = re.sub(r"\s+", " ", m.group("name")).strip()
            if NOT_ORG_RE.search(name):
                continue
            span = doc.span(m.start("name"), m.end("name"))
            if any(
                f.kind in ("organisation", "country", "post")
                and f.evidence.span.start < span.end
                and span.start < f.evidence.span.end
                for f in [*found, *out]
            ):
                continue
            out.append(
                Mention("organisation", name, Evidence(span, "rule:organisation-unlinked"), None, None)
            )
    return out


def _unknown_committees(doc: SourceDoc, found: list[Mention]) -> list[Mention]:
    """Committees named in the text that the register lacks: kept as unlinked organisations."""
    out = []
    for m in COMMITTEE_RE.finditer(doc.body):
        span = doc.span(m.start(), m.end())
        if any(
            f.kind == "organisation" and f.evidence.span.start <= span.start < f.evidence.span.end
            for f in found
        ):
            continue
        name = re.sub(r"\s+", " ", m.group(0))
        name = name[0].lower() + name[1:]
        out.append(Mention("organisation", name, Evidence(span, "rule:committee-unlinked"), None, None))
    return out
