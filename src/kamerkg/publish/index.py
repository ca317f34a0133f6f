"""An in-memory index over the union triples, and ``describe(iri)``: the one data function behind every
representation of a resource (HTML page, Turtle, N-Triples, RDF/XML, JSON-LD).

``describe`` follows the hash-IRI and 303 conventions of the W3C "Cool URIs for the Semantic Web" note:
the description of ``X`` holds the triples about ``X`` and about ``X#anything`` (hash IRIs dereference to
the document of ``X``), plus the triples that point at ``X`` (so a page can say what refers to it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL_PROPS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)


def strip_fragment(iri: str) -> str:
    return iri.split("#", 1)[0]


class Index:
    """Triples by subject and by object; subjects with a fragment are also filed under their document."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples: list[ox.Triple] = sorted(set(triples), key=str)
        self.by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        self.by_doc: dict[str, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[str, list[ox.Triple]] = defaultdict(list)
        self._types: dict[str, list[str]] = {}
        for t in self.triples:
            s = t.subject.value
            self.by_subject[s].append(t)
            if isinstance(t.subject, ox.NamedNode):
                self.by_doc[strip_fragment(s)].append(t)
            if isinstance(t.object, ox.NamedNode):
                self.by_object[t.object.value].append(t)

    def values(self, s: str, p: str) -> list[Term]:
        return [t.object for t in self.by_subject.get(s, ()) if t.predicate.value == p]

    def types(self, s: str) -> list[str]:
        if s not in self._types:
            self._types[s] = sorted(o.value for o in self.values(s, RDF_TYPE))
        return self._types[s]

    def has_type(self, s: str, cls: str) -> bool:
        return cls in self.types(s)

    def describe(self, iri: str) -> list[ox.Triple]:
        """The triples about ``iri`` (and its hash IRIs) and those pointing at it, sorted."""
        doc = strip_fragment(iri)
        out = set(self.by_doc.get(doc, ()))
        out.update(self.by_object.get(doc, ()))
        return sorted(out, key=str)

    def label(self, iri: str, lang: str = "nl") -> str | None:
        """The best label in ``lang`` (then untagged, then any language)."""
        best: dict[int, str] = {}
        for rank, p in enumerate(LABEL_PROPS):
            for o in self.values(iri, p):
                if not isinstance(o, ox.Literal):
                    continue
                tag = o.language or ""
                score = rank + (0 if tag == lang else 10 if tag == "" else 20)
                if score not in best or o.value < best[score]:
                    best[score] = o.value
        return best[min(best)] if best else None

    def label_exact(self, iri: str, lang: str) -> str | None:
        for p in LABEL_PROPS:
            vals = sorted(
                o.value for o in self.values(iri, p) if isinstance(o, ox.Literal) and o.language == lang
            )
            if vals:
                return vals[0]
        return None

    def subjects_of_type(self, cls: str) -> list[str]:
        return sorted({t.subject.value for t in self.by_object.get(cls, ()) if t.predicate.value == RDF_TYPE})
