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
from datetime import date

from rdflib import RDF, Namespace, URIRef
from rdflib.namespace import ORG

from kamerkg.model import Evidence, Extraction, Meeting
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
    names: list[str] = field(default_factory=list)  # a person's names as printed


@dataclass
class MembershipRec:
    """A person's membership of an organisation (a party, the Kamer, a committee, a ministry through a post)
    as a document shows it on its date: ``org:Membership`` with the role where one is printed."""

    key: str
    person: str
    organisation: str
    role: str | None
    evidence: Evidence
    registered: bool = False  # the register holds this membership (with its term); the document attests it


@dataclass
class Linked:
    """An extraction with the keys of what it refers to."""

    extraction: Extraction
    meeting_keys: list[str]
    place_key: str | None
    minted: dict[str, Minted] = field(default_factory=dict)
    memberships: list[MembershipRec] = field(default_factory=list)


def _form_index(reg: Registers, kind: str) -> dict[str, str]:
    """Casefolded form -> key of the register entries of ``kind`` (made once per registers: read only)."""

    def make() -> dict[str, str]:
        idx: dict[str, str] = {}
        for e in reg.by_kind(kind):
            for f in e.forms:
                idx.setdefault(f.casefold(), e.key)
        return idx

    return reg.derived(("form-index", kind), make)


PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "het", "in", "'t", "’t", "op", "la", "le", "du"}


def _surname(name: str, given: bool = False) -> str:
    """'A.Th.B. Bijleveld-Schouten' -> 'Bijleveld-Schouten'; 'R.J. (Rudmer) Heerema' -> 'Heerema';
    with ``given`` (a site header prints first names): 'Jan Paternotte' -> 'Paternotte',
    'Joba van den Berg-Jansen' -> 'van den Berg-Jansen'."""
    name = re.sub(r"\([^)]*\)", " ", name)
    parts = [p for p in name.split() if not re.fullmatch(r"(?:[A-Z][a-z]{0,2}\.)+|[A-Z]\.", p)]
    if given and len(parts) > 1 and parts[0].lower() not in PARTICLES:
        parts = parts[1:]
    return " ".join(parts).strip() or name.strip()


def _person_label(surname: str) -> str:
    return surname[:1].upper() + surname[1:]


def person_key(reg: Registers, name: str, minted: dict[str, Minted], given: bool = False) -> str:
    """One key per person across documents: the register's, else one minted from the surname (particles and
    case folded), so "R. de Roon" and "De Roon" are one person."""
    idx = _form_index(reg, "person")
    sur = _surname(name, given)
    for cand in (name, _surname(name), sur):
        k = idx.get(cand.casefold())
        if k:
            return k
    key = f"person/{slug(sur)}"
    mi = minted.setdefault(key, Minted(key, "person", _person_label(sur)))
    if name not in mi.names:
        mi.names.append(name)
    return key


def post_key(reg: Registers, role: str | None) -> str | None:
    if not role:
        return None
    idx = _form_index(reg, "post")
    r = role.strip().casefold()
    # "minister defensie" (a site's shorthand) -> "minister van defensie"
    return idx.get(r) or idx.get(re.sub(r"^(minister|staatssecretaris)\s+(?!van\b|voor\b)", r"\1 van ", r))


COMMITTEE_ROLE_RE = re.compile(
    r"^(?:fungerend(?:e)?\s+)?(?P<role>voorzitter|griffier|adjunct-griffier|plv\.\s+griffier|ondervoorzitter)\b"
    r"(?:\s+van\s+de\s+(?P<org>.+))?$",
    re.IGNORECASE,
)


def _org_key(reg: Registers, name: str, minted: dict[str, Minted]) -> str:
    k = _form_index(reg, "organisation").get(name.casefold())
    if k:
        return k
    key = f"org/{slug(name)}"
    minted.setdefault(key, Minted(key, "organisation", name))
    return key


def _is_role(reg: Registers, key: str) -> bool:
    return (reg.iri(key), RDF.type, ORG.Role) in reg.graph


def _registered_membership(
    reg: Registers, person: str, org: str, role: str | None, on: date | None
) -> str | None:
    """The register's membership of this person, organisation and role whose term includes ``on``."""
    if on is None:
        return None
    g = reg.graph
    TIME = Namespace("http://www.w3.org/2006/time#")
    for ms in g.subjects(ORG.member, reg.iri(person)):
        if (ms, ORG.organization, reg.iri(org)) not in g:
            continue
        if role and (ms, ORG.role, reg.iri(role)) not in g:
            continue
        for iv in g.objects(ms, ORG.memberDuring):
            b = g.value(g.value(iv, TIME.hasBeginning), TIME.inXSDDate)
            e = g.value(g.value(iv, TIME.hasEnd), TIME.inXSDDate)
            begin = date.fromisoformat(str(b)) if b is not None else date.min
            end = date.fromisoformat(str(e)) if e is not None else date.max
            if begin <= on <= end:
                return reg.key_of(ms) if isinstance(ms, URIRef) else None
    return None


def memberships(ex: Extraction, reg: Registers, minted: dict[str, Minted]) -> list[MembershipRec]:
    """What the document shows of its signatories' and members' posts and parties."""
    out: dict[str, MembershipRec] = {}

    on = date.fromisoformat(ex.date.value) if ex.date is not None else None

    def add(person: str, org: str, role: str | None, ev: Evidence) -> None:
        known = _registered_membership(reg, person, org, role, on)
        if known:
            out.setdefault(known, MembershipRec(known, person, org, role, ev, registered=True))
            return
        key = "membership/" + "-".join(x.split("/", 1)[-1] for x in (person, org, role or "") if x)
        out.setdefault(key, MembershipRec(key, person, org, role, ev))

    tk = "org/tweede-kamer" if "org/tweede-kamer" in reg.entries else None
    for s in ex.signatories:
        if not s.person_key or not s.role:
            continue
        role = s.role.strip()
        if s.post_key:
            org = reg.graph.value(reg.iri(s.post_key), ORG.postIn)
            ok = reg.key_of(org) if isinstance(org, URIRef) else None
            if ok:
                add(s.person_key, ok, s.post_key, s.evidence)
            continue
        m = COMMITTEE_ROLE_RE.match(role)
        if m and m.group("org") and re.search(r"commissie\s+\w+\s+\w", m.group("org")):
            rk = "role/" + slug(m.group("role"))
            add(
                s.person_key,
                _org_key(reg, m.group("org"), minted),
                rk if _is_role(reg, rk) else None,
                s.evidence,
            )
            continue
        pm = re.fullmatch(r"(?:Kamerlid|kamerlid|vraagsteller)(?:\s*\((?P<party>[\w-]+)\))?", role)
        if pm:
            if tk:
                add(s.person_key, tk, "role/kamerlid" if _is_role(reg, "role/kamerlid") else None, s.evidence)
            if pm.group("party"):
                pk = _form_index(reg, "organisation").get(pm.group("party").casefold())
                if pk:
                    add(s.person_key, pk, None, s.evidence)
    for mem in ex.members:
        if not mem.person_key:
            continue
        if mem.party_key:
            add(mem.person_key, mem.party_key, None, mem.evidence)
        elif tk and mem.evidence.rule == "rule:members-present":
            add(mem.person_key, tk, "role/kamerlid" if _is_role(reg, "role/kamerlid") else None, mem.evidence)
    return list(out.values())


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
        given = s.evidence.rule == "rule:site-header-submitter" and not re.match(
            r"(?:[A-Z][a-z]{0,2}\.)+", s.name
        )
        s.person_key = person_key(reg, s.name, minted, given=given)
        s.post_key = post_key(reg, s.role)
    orgs = _form_index(reg, "organisation")
    for mem in ex.members:
        # a list of members present prints surnames (first names only to tell two apart: "Jasper van Dijk");
        # a site header prints first names ("Han ten Broeke (VVD)")
        given = mem.evidence.rule == "rule:site-header-party" and not re.match(
            r"(?:[A-Z][a-z]{0,2}\.)+", mem.name
        )
        mem.person_key = person_key(reg, mem.name, minted, given=given)
        if mem.party:
            mem.party_key = orgs.get(mem.party.casefold())
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
    return Linked(ex, keys, pk, minted, memberships(ex, reg, minted))
