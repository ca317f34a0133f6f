"""The registers in ``data/reference/``: entities documents mention, with their text forms and links.

Loaded once per build. Text forms are ``skos:prefLabel``@nl, ``skos:altLabel`` and ``skos:hiddenLabel``;
the kind of an entity follows from its ``rdf:type``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, ORG, SKOS

from kamerkg.config import DEFAULT_BASE, Settings
from kamerkg.errors import ResourceError

SCHEMA = Namespace("https://schema.org/")
T = TypeVar("T")

KIND_BY_TYPE = {
    "InternationalOrganisation": "organisation",
    "GovernmentOrganisation": "organisation",
    "ParliamentaryChamber": "organisation",
    "Committee": "organisation",
    "PoliticalParty": "organisation",
    "FormalOrganization": "organisation",
    "Organization": "organisation",
    "Country": "country",
    "City": "place",
    "Place": "place",
    "Post": "post",
    "Person": "person",
    "CoreTask": "coretask",
    "Dossier": "dossier",
}


@dataclass(frozen=True)
class Entry:
    key: str  # IRI path under the id namespace, e.g. "org/navo"
    kind: str
    canonical: str  # Dutch preferred label
    forms: tuple[str, ...]  # text forms to match


@dataclass
class Registers:
    graph: Graph
    entries: dict[str, Entry]
    base: str
    files: tuple[Path, ...]
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived_token: tuple[int, int] | None = field(default=None, init=False, repr=False, compare=False)

    def iri(self, key: str) -> URIRef:
        return URIRef(self.base + "id/" + key)

    def key_of(self, iri: URIRef | str) -> str | None:
        s = str(iri)
        p = self.base + "id/"
        return s[len(p) :] if s.startswith(p) else None

    def by_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind]

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, a read-only value computed from the entries, made once per registers (the extractors
        and linking asked for the same form indexes and matchers for every document). Made again when the
        entries are replaced or grow or shrink; the value must not be changed by its users."""
        token = (id(self.entries), len(self.entries))
        if self._derived_token != token:
            self._derived.clear()
            self._derived_token = token
        try:
            return self._derived[key]  # type: ignore[no-any-return]
        except KeyError:
            v = self._derived[key] = make()
            return v

    def label(self, key: str) -> str | None:
        e = self.entries.get(key)
        return e.canonical if e else None

    def dossier_title(self, number: str) -> str | None:
        from rdflib.namespace import DCTERMS

        t = self.graph.value(self.iri(f"dossier/{number}"), DCTERMS.title)
        return str(t) if t is not None else None


def _kind(g: Graph, s: URIRef, key: str) -> str | None:
    for t in g.objects(s, RDF.type):
        local = str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if local in KIND_BY_TYPE:
            return KIND_BY_TYPE[local]
    if key.startswith("topic/"):
        return "topic"
    if key.startswith("coretask/"):
        return "coretask"
    return None


def read_register_files(files: list[Path], base: str) -> Graph:
    g = Graph()
    for f in files:
        data = f.read_text(encoding="utf-8")
        if base != DEFAULT_BASE:
            data = data.replace(DEFAULT_BASE, base)
        try:
            g.parse(data=data, format="turtle", publicID=str(f))
        except Exception as e:  # rdflib raises several parser error types
            raise ResourceError(f"{f}: not valid Turtle: {str(e).splitlines()[0]}") from None
    return g


@lru_cache(maxsize=4)
def _load(ref_dir: str, base: str, stamp: tuple[tuple[str, float], ...]) -> Registers:
    files = sorted(Path(ref_dir).glob("*.ttl"))
    g = read_register_files(files, base)
    entries: dict[str, Entry] = {}
    prefix = base + "id/"
    for s in set(g.subjects(SKOS.prefLabel, None)) | set(g.subjects(FOAF.name, None)):
        if not isinstance(s, URIRef) or not str(s).startswith(prefix):
            continue
        key = str(s)[len(prefix) :]
        kind = _kind(g, s, key)
        if kind is None:
            continue
        labels = [o for o in g.objects(s, SKOS.prefLabel) if isinstance(o, Literal)]
        nl = [str(o) for o in labels if o.language in ("nl", None)]
        canonical = nl[0] if nl else (str(labels[0]) if labels else key)
        forms = {canonical}
        for p in (SKOS.altLabel, SKOS.hiddenLabel, FOAF.name):
            for o in g.objects(s, p):
                if isinstance(o, Literal) and o.language in ("nl", None):
                    forms.add(str(o))
        entries[key] = Entry(key, kind, canonical, tuple(sorted(forms)))
    return Registers(graph=g, entries=entries, base=base, files=tuple(files))


def load_registers(settings: Settings) -> Registers:
    d = settings.reference_dir
    stamp = tuple((str(p), p.stat().st_mtime) for p in sorted(d.glob("*.ttl")))
    return _load(str(d), settings.base, stamp)


__all__ = ["Entry", "Registers", "load_registers", "ORG", "SCHEMA"]
