"""JSON-LD with a published ``@context``: compact, readable keys, written without rdflib.

rdflib's JSON-LD serializer is measured far too slow for whole dumps (reference/TOOLING.md), and
pyoxigraph's writer takes no context, so the compaction is done here, the simple way a generated
context allows: every predicate gets a term named by its local name (the first prefix in ``PREFERENCE``
wins a clash; the others stay compact IRIs), typed ``"@type": "@id"`` when all its objects are IRIs, or
typed with the datatype when all its objects share one; classes get terms by local name too. Values that
do not fit the coercion are written in the expanded ``{"@id"}``/``{"@value"}`` form, so nothing is lost.
Output is sorted, hence deterministic; ``tests/test_publish.py`` expands it with pyld and compares.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
PREFERENCE = ("kkg", "dcterms", "rdfs", "skos", "schema", "foaf", "org", "oa", "prov", "owl", "eli", "time")
TERM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Compactor:
    def __init__(self, triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> None:
        self.prefixes = dict(sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])))
        kinds: dict[str, set[str]] = defaultdict(set)  # predicate -> {"@id"} or datatypes or {"@lang"}
        classes: set[str] = set()
        for t in triples:
            p = t.predicate.value
            if p == RDF_TYPE:
                if isinstance(t.object, ox.NamedNode):
                    classes.add(t.object.value)
                continue
            o = t.object
            if isinstance(o, ox.NamedNode):
                kinds[p].add("@id")
            elif isinstance(o, ox.BlankNode):
                kinds[p].add("@bnode")
            elif o.language:
                kinds[p].add("@lang")
            else:
                kinds[p].add(o.datatype.value)
        self.terms: dict[str, str] = {}  # predicate or class IRI -> term
        self.coerce: dict[str, str] = {}  # predicate IRI -> "@id" or datatype IRI
        used = set(prefixes)
        rank = {p: i for i, p in enumerate(PREFERENCE)}

        def order(iri: str) -> tuple[int, str]:
            pfx = self._prefix_of(iri)
            return (rank.get(pfx or "", 99), iri)

        for iri in sorted(set(kinds) | classes, key=order):
            local = re.split(r"[#/]", iri)[-1]
            if not TERM_RE.match(local) or local in used:
                continue
            used.add(local)
            self.terms[iri] = local
        for p, ks in kinds.items():
            if len(ks) == 1:
                k = next(iter(ks))
                if k == "@id" or (not k.startswith("@") and k != XSD_STRING):
                    self.coerce[p] = k

    def _prefix_of(self, iri: str) -> str | None:
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return name
        return None

    def iri(self, iri: str) -> str:
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns) :].startswith("//"):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    def context(self) -> dict[str, object]:
        ctx: dict[str, object] = {"@version": 1.1}
        for name, ns in sorted(self.prefixes.items()):
            ctx[name] = ns
        for iri, term in sorted(self.terms.items(), key=lambda kv: kv[1]):
            if iri in self.coerce:
                c = self.coerce[iri]
                ctx[term] = {"@id": self.iri(iri), "@type": c if c == "@id" else self.iri(c)}
            else:
                ctx[term] = self.iri(iri)
        return ctx

    def _key(self, p: str) -> str:
        return self.terms.get(p) or self.iri(p)

    def _node_id(self, t: ox.NamedNode | ox.BlankNode) -> str:
        return f"_:{t.value}" if isinstance(t, ox.BlankNode) else self.iri(t.value)

    def _value(self, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
        c = self.coerce.get(p) if p in self.terms else None
        if isinstance(o, (ox.NamedNode, ox.BlankNode)):
            return self._node_id(o) if c == "@id" else {"@id": self._node_id(o)}
        if o.language:
            return {"@value": o.value, "@language": o.language}
        dt = o.datatype.value
        if c is not None and c == dt:
            return o.value
        if dt == XSD_STRING:
            return o.value if c is None else {"@value": o.value, "@type": self.iri(XSD_STRING)}
        return {"@value": o.value, "@type": self.iri(dt)}

    def nodes(self, triples: Iterable[ox.Triple]) -> list[dict[str, object]]:
        by_s: dict[str, list[ox.Triple]] = defaultdict(list)
        subj: dict[str, ox.NamedNode | ox.BlankNode] = {}
        for t in triples:
            k = self._node_id(t.subject)  # type: ignore[arg-type]
            by_s[k].append(t)
            subj[k] = t.subject  # type: ignore[assignment]
        out = []
        for k in sorted(by_s):
            node: dict[str, object] = {"@id": k}
            types = sorted(
                self.terms.get(t.object.value) or self.iri(t.object.value)
                for t in by_s[k]
                if t.predicate.value == RDF_TYPE
            )
            if types:
                node["@type"] = types if len(types) > 1 else types[0]
            props: dict[str, list[object]] = defaultdict(list)
            for t in by_s[k]:
                if t.predicate.value == RDF_TYPE:
                    continue
                props[self._key(t.predicate.value)].append(self._value(t.predicate.value, t.object))
            for key in sorted(props):
                vals = sorted(props[key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
                node[key] = vals if len(vals) > 1 else vals[0]
            out.append(node)
        return out

    def document(
        self,
        context_url: str,
        triples: Iterable[ox.Triple] | None = None,
        graphs: dict[str, list[ox.Triple]] | None = None,
    ) -> dict[str, object]:
        """A JSON-LD document of ``triples`` (default graph) or of named ``graphs``."""
        doc: dict[str, object] = {"@context": context_url}
        if graphs is not None:
            doc["@graph"] = [
                {"@id": self.iri(g), "@graph": self.nodes(ts)} for g, ts in sorted(graphs.items())
            ]
        else:
            doc["@graph"] = self.nodes(triples or [])
        return doc


def dumps(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode()


def quads_by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    out: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        out[q.graph_name.value].append(ox.Triple(q.subject, q.predicate, q.object))  # type: ignore[union-attr]
    return dict(out)
