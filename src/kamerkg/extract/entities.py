"""Named entities found by the registers' text forms (longest form first, on word boundaries).

Phrases that name a post or a group of office holders ("de ministers van Defensie", "de ministeries van
Defensie van de lidstaten") are masked first, so that "Defensie" inside them is not read as the
organisation; a post that the register holds ("Minister van Defensie") is matched as a post.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kamerkg.model import Evidence, Mention, SourceDoc
from kamerkg.registers import Registers

# groups of office holders and generic ministries: not mentions of one organisation
MASK_RE = re.compile(
    r"\b(?:[Mm]inisters|[Mm]inisteries|[Ss]taatssecretarissen)\s+van\s+(?:[A-Z][\w-]*(?:\s+(?:en|van)\s+)?)+"
)
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
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
    return pattern, by_form


def matcher(reg: Registers, kinds: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, list[str]]]:
    items = tuple(
        sorted((f, e.key) for e in reg.entries.values() if e.kind in kinds for f in e.forms if len(f) >= 2)
    )
    return _matcher(hash(items), items)


def find_mentions(
    doc: SourceDoc,
    reg: Registers,
    kinds: tuple[str, ...] = ("organisation", "country", "place", "post", "person", "topic", "coretask"),
) -> list[Mention]:
    text = doc.body
    pattern, by_form = matcher(reg, kinds)
    masked = [(m.start(), m.end()) for m in MASK_RE.finditer(text)]
    out: list[Mention] = []
    for m in pattern.finditer(text):
        keys = by_form[m.group(0)]
        key = sorted(keys, key=lambda k: KIND_ORDER.get(reg.entries[k].kind, 9))[0]
        e = reg.entries[key]
        if e.kind == "organisation" and any(a <= m.start() < b for a, b in masked):
            continue
        out.append(
            Mention(
                kind=e.kind,
                surface=m.group(0),
                evidence=Evidence(doc.span(m.start(), m.end()), f"rule:register-{e.kind}"),
                key=key,
                canonical=e.canonical,
            )
        )
    return out
