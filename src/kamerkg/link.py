"""Stage 3, link: give every extracted thing a deterministic identity.

Register entities keep their register keys; signatories are matched to persons and posts of the
registers by their text forms; persons, places and organisations the registers lack are minted from
their normalised names and flagged unlinked (``kamerkg report unlinked`` lists them); meetings get a
key from their dates, convening organisation and kind of gathering, so the same meeting mentioned in
several documents is one entity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kamerkg.model import Extraction, Meeting
from kamerkg.registers import Registers


def slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^a-zA-Z0-9]+", "-", s).strip("-").lower()
    return s[:80] or "x"


@dataclass
class Minted:
    key: str
    kind: str  # person | place | organisation | post
    label: str


@dataclass
class Linked:
    """An extraction with the keys of what it refers to."""

    extraction: Extraction
    meeting_keys: list[str]
    place_key: str | None
    minted: dict[str, Minted] = field(default_factory=dict)


def _form_index(reg: Registers, kind: str) -> dict[str, str]:
    idx: dict[str, str] = {}
    for e in reg.by_kind(kind):
        for f in e.forms:
            idx.setdefault(f.casefold(), e.key)
    return idx


def _surname(name: str) -> str:
    """'A.Th.B. Bijleveld-Schouten' -> 'Bijleveld-Schouten'; 'R.J. (Rudmer) Heerema' -> 'Heerema'."""
    name = re.sub(r"\([^)]*\)", " ", name)
    parts = [p for p in name.split() if not re.fullmatch(r"(?:[A-Z][a-z]{0,2}\.)+|[A-Z]\.", p)]
    return " ".join(parts).strip() or name.strip()


def person_key(reg: Registers, name: str, minted: dict[str, Minted]) -> str:
    idx = _form_index(reg, "person")
    for cand in (name, _surname(name)):
        k = idx.get(cand.casefold())
        if k:
            return k
    sur = _surname(name)
    key = f"person/{slug(sur)}"
    minted.setdefault(key, Minted(key, "person", name))
    return key


def post_key(reg: Registers, role: str | None) -> str | None:
    if not role:
        return None
    return _form_index(reg, "post").get(role.strip().casefold())


def place_key(reg: Registers, name: str, minted: dict[str, Minted]) -> str:
    k = _form_index(reg, "place").get(name.casefold()) or _form_index(reg, "country").get(name.casefold())
    if k:
        return k
    key = f"place/{slug(name)}"
    minted.setdefault(key, Minted(key, "place", name))
    return key


def meeting_key(m: Meeting) -> str:
    parts = [m.start.isoformat() if m.start else "undated"]
    if m.end and m.end != m.start:
        parts.append(m.end.isoformat())
    parts.append((m.organisation or "org/unknown").split("/")[-1])
    parts.append((m.gathering or "gathering/meeting").split("/")[-1])
    return "meeting/" + "-".join(parts)


def link(ex: Extraction, reg: Registers) -> Linked:
    minted: dict[str, Minted] = {}
    for s in ex.signatories:
        s.person_key = person_key(reg, s.name, minted)
        s.post_key = post_key(reg, s.role)
    for m in ex.mentions:
        if m.key is None:
            m.key = f"{'org' if m.kind == 'organisation' else m.kind}/{slug(m.surface)}"
            minted.setdefault(m.key, Minted(m.key, m.kind, m.surface))
    keys = []
    for mt in ex.meetings:
        keys.append(meeting_key(mt))
    pk = place_key(reg, ex.place.value, minted) if ex.place else None
    for mt in ex.meetings:
        if mt.place:
            place_key(reg, mt.place, minted)
    return Linked(ex, keys, pk, minted)
