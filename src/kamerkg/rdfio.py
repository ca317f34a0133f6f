"""Conversion between rdflib graphs and pyoxigraph quads, and deterministic serialisation.

rdflib builds graphs (and feeds pySHACL); pyoxigraph writes every dump, being measured 10-50x faster
than rdflib's serialisers (see reference/TOOLING.md, and README "Why these libraries"). Output order is
fixed by sorting, so identical inputs give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef


def to_ox(t: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")


def graph_quads(g: Graph, graph_iri: str | None = None) -> list[ox.Quad]:
    gn = ox.NamedNode(graph_iri or str(g.identifier))
    return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), gn) for s, p, o in g]  # type: ignore[arg-type]


def sort_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    return sorted(set(quads), key=str)


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)


def serialize(items: list, fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    kw = {"prefixes": prefixes} if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    return ox.serialize(items, format=fmt, **kw) or b""
