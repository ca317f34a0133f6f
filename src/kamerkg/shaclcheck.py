"""A fast pre-check for the Core-only shapes: does a document graph have *any* SHACL result?

pySHACL costs 30-100 ms per document graph here (it copies the registers and the ontology into every
data graph and walks every shape). The build runs this check instead: the shapes file is compiled once
per process into plain Python (targets, property paths and the constraint components the shapes use:
``minCount``, ``maxCount``, ``datatype``, ``pattern``, ``class``, ``in``, ``minInclusive``,
``uniqueLang``), the registers and the ontology are indexed once, and each document's triples are
checked against them in well under a millisecond. Documents the check flags are validated again with
pySHACL, whose report is the one published, so reports are pySHACL's; the check only has to never miss
a document pySHACL would report on (``tests/test_incremental.py`` plants violations of every kind and
compares). Shapes using anything else make :func:`compile_shapes` return ``None``: then every document
goes to pySHACL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kamerkg.mapping import intern_term

SH = Namespace("http://www.w3.org/ns/shacl#")
TYPE, SUBCLASS = intern_term(RDF.type), intern_term(RDFS.subClassOf)
# made once (rdflib's Namespace makes a URIRef per attribute access)
_LANG_STRING, _XSD_STRING = intern_term(RDF.langString), intern_term(XSD.string)
_EMPTY: dict[URIRef, set[Term]] = {}
_NONE: set[Term] = set()
_NODOC: Index = {}
Term = URIRef | BNode | Literal
Index = dict[Term, dict[URIRef, set[Term]]]

# shape-level predicates the check understands (anything else in sh: -> not supported)
_NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.property, SH.severity, SH.message, SH.name,
              SH.description}
_PROP_KEYS = {SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.pattern, SH.flags, SH["class"], SH["in"],
              SH.minInclusive, SH.uniqueLang, SH.severity, SH.message, SH.name, SH.description, SH.order}


@dataclass
class PropertyShape:
    path: tuple[URIRef, ...]
    min_count: int | None = None
    max_count: int | None = None
    datatype: URIRef | None = None
    pattern: re.Pattern[str] | None = None
    cls: list[URIRef] = field(default_factory=list)
    allowed: frozenset[Term] | None = None
    min_inclusive: Literal | None = None
    unique_lang: bool = False
    per_value: bool = True  # whether it constrains each value (else only their number): set by Checker
    lang_string: bool = False  # datatype is rdf:langString: set by Checker

    def constrains_values(self) -> bool:
        return bool(self.datatype is not None or self.pattern is not None or self.cls
                    or self.allowed is not None or self.min_inclusive is not None or self.unique_lang)


@dataclass
class NodeShape:
    target_classes: list[URIRef]
    target_subjects_of: list[URIRef]
    properties: list[PropertyShape]


def compile_shapes(shapes: Graph) -> list[NodeShape] | None:
    out = []
    for ns in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        keys = {p for p in shapes.predicates(ns) if str(p).startswith(str(SH))}
        if not keys <= _NODE_KEYS:
            return None
        props = []
        for ps in shapes.objects(ns, SH.property):
            pkeys = {p for p in shapes.predicates(ps) if str(p).startswith(str(SH))}
            if not pkeys <= _PROP_KEYS:
                return None
            path_node = shapes.value(ps, SH.path)
            if isinstance(path_node, URIRef):
                path: tuple[URIRef, ...] = (path_node,)
            elif isinstance(path_node, BNode) and shapes.value(path_node, RDF.first) is not None:
                items = list(Collection(shapes, path_node))
                if not all(isinstance(i, URIRef) for i in items):
                    return None
                path = tuple(items)  # type: ignore[arg-type]
            else:
                return None
            p = PropertyShape(path=path)
            v = shapes.value(ps, SH.minCount)
            p.min_count = int(v) if v is not None else None
            v = shapes.value(ps, SH.maxCount)
            p.max_count = int(v) if v is not None else None
            p.datatype = shapes.value(ps, SH.datatype)  # type: ignore[assignment]
            pat = shapes.value(ps, SH.pattern)
            if pat is not None:
                flags = str(shapes.value(ps, SH.flags) or "")
                p.pattern = re.compile(str(pat), re.IGNORECASE if "i" in flags else 0)
            p.cls = [c for c in shapes.objects(ps, SH["class"]) if isinstance(c, URIRef)]
            lst = shapes.value(ps, SH["in"])
            if lst is not None:
                p.allowed = frozenset(Collection(shapes, lst))  # type: ignore[arg-type]
            p.min_inclusive = shapes.value(ps, SH.minInclusive)  # type: ignore[assignment]
            ul = shapes.value(ps, SH.uniqueLang)
            p.unique_lang = bool(ul is not None and ul.toPython() is True)  # type: ignore[union-attr]
            props.append(p)
        out.append(NodeShape(
            target_classes=[c for c in shapes.objects(ns, SH.targetClass) if isinstance(c, URIRef)],
            target_subjects_of=[c for c in shapes.objects(ns, SH.targetSubjectsOf) if isinstance(c, URIRef)],
            properties=props,
        ))
    return out


def index(triples: Iterable[tuple[Term, Term, Term]]) -> Index:
    idx: Index = {}
    for s, p, o in triples:
        po = idx.get(s)
        if po is None:
            po = idx[s] = {}
        vs = po.get(p)  # type: ignore[call-overload]
        if vs is None:
            po[p] = {o}  # type: ignore[index]
        else:
            vs.add(o)
    return idx


class Checker:
    """Compiled shapes plus the indexed background (registers and ontology); :meth:`flags` per document."""

    def __init__(self, shapes: list[NodeShape], background: Iterable[tuple[Term, Term, Term]]) -> None:
        self.shapes = shapes
        it = intern_term  # the shapes' and background's IRIs: the objects the mapping uses (equal terms)
        for sh in shapes:
            sh.target_classes = [it(c) for c in sh.target_classes]
            sh.target_subjects_of = [it(p) for p in sh.target_subjects_of]
            for ps in sh.properties:
                ps.path = tuple(it(p) for p in ps.path)
                ps.cls = [it(c) for c in ps.cls]
                if ps.datatype is not None:
                    ps.datatype = it(ps.datatype)
                if ps.allowed is not None:
                    ps.allowed = frozenset(it(v) for v in ps.allowed)  # type: ignore[arg-type]
                ps.per_value = ps.constrains_values()
                ps.lang_string = ps.datatype == _LANG_STRING
        self.base = index((it(s), it(p), it(o)) for s, p, o in background)  # type: ignore[arg-type]
        self.by_class: dict[Term, list[NodeShape]] = defaultdict(list)
        self.by_subject_of: dict[Term, list[NodeShape]] = defaultdict(list)
        for sh in shapes:
            for c in sh.target_classes:
                self.by_class[c].append(sh)
            for p in sh.target_subjects_of:
                self.by_subject_of[p].append(sh)
        # results of the background on its own: a document can change them only through subjects it
        # has triples about (or through rdfs:subClassOf triples, which then widen the check to all)
        self._sup: dict[Term, set[Term]] = {}  # superclass closure from the background alone
        self._closure_ok = True
        self.base_flagged = self._check(_NODOC, set(self.base))

    def _objects(self, doc: Index, s: Term, p: URIRef) -> set[Term]:
        a = doc.get(s, _EMPTY).get(p, _NONE)
        b = self.base.get(s, _EMPTY).get(p, _NONE)
        if not a:
            return b
        if not b:
            return a
        return a | b

    def _superclasses(self, doc: Index, c: Term, seen: set[Term]) -> None:
        if c in seen:
            return
        seen.add(c)
        for sup in self._objects(doc, c, SUBCLASS):
            self._superclasses(doc, sup, seen)

    def _types(self, doc: Index, n: Term, cache: dict[Term, set[Term]]) -> set[Term]:
        t = cache.get(n)
        if t is None:
            t = set()
            for c in self._objects(doc, n, TYPE):
                if self._closure_ok:
                    sup = self._sup.get(c)
                    if sup is None:
                        sup = self._sup[c] = set()
                        self._superclasses(_NODOC, c, sup)
                    t |= sup
                else:
                    self._superclasses(doc, c, t)
            cache[n] = t
        return t

    def _values(self, doc: Index, n: Term, path: tuple[URIRef, ...]) -> set[Term]:
        if len(path) == 1:
            return self._objects(doc, n, path[0])
        nodes: set[Term] = {n}
        for p in path:
            nxt: set[Term] = set()
            for x in nodes:
                nxt |= self._objects(doc, x, p)
            nodes = nxt
        return nodes

    def flags(self, triples: Iterable[tuple[Term, Term, Term]]) -> bool:
        """True when the document graph (with the background) may have a SHACL result."""
        doc = index(triples)
        if self.base_flagged:
            return True
        subjects = set(doc)
        self._closure_ok = not any(SUBCLASS in po for po in doc.values())
        if not self._closure_ok:
            subjects |= set(self.base)
        return self._check(doc, subjects)

    def _check(self, doc: Index, subjects: set[Term]) -> bool:
        types: dict[Term, set[Term]] = {}
        subject_of = list(self.by_subject_of.items())
        for n in subjects:
            shapes = {id(sh): sh for c in self._types(doc, n, types) for sh in self.by_class.get(c, ())}
            if subject_of:  # shapes targeting subjects of a predicate (few): does n have one?
                dpo, bpo = doc.get(n), self.base.get(n)
                for p, shs in subject_of:
                    if (dpo and p in dpo) or (bpo and p in bpo):
                        for sh in shs:
                            shapes[id(sh)] = sh
            for sh in shapes.values():
                for ps in sh.properties:
                    if self._violates(doc, n, ps, types):
                        return True
        return False

    def _violates(self, doc: Index, n: Term, ps: PropertyShape, types: dict[Term, set[Term]]) -> bool:
        path = ps.path
        if len(path) == 1:  # _objects, inlined (the common case)
            p = path[0]
            vals = doc.get(n, _EMPTY).get(p, _NONE)
            b = self.base.get(n, _EMPTY).get(p, _NONE)
            if b:
                vals = (vals | b) if vals else b
        else:
            vals = self._values(doc, n, path)
        if ps.min_count is not None and len(vals) < ps.min_count:
            return True
        if ps.max_count is not None and len(vals) > ps.max_count:
            return True
        if not vals or not ps.per_value:
            return False
        langs: set[str] = set()
        for v in vals:
            if ps.datatype is not None and not _has_datatype(v, ps.datatype, ps.lang_string):
                return True
            if ps.pattern is not None and (isinstance(v, BNode) or not ps.pattern.search(str(v))):
                return True
            for c in ps.cls:
                if isinstance(v, Literal) or c not in self._types(doc, v, types):
                    return True
            if ps.allowed is not None and v not in ps.allowed:
                return True
            if ps.min_inclusive is not None:
                try:
                    if not (isinstance(v, Literal) and v.toPython() >= ps.min_inclusive.toPython()):
                        return True
                except TypeError:
                    return True
            if ps.unique_lang and isinstance(v, Literal) and v.language:
                if v.language.lower() in langs:
                    return True
                langs.add(v.language.lower())
        return False


def _has_datatype(v: Term, dt: URIRef, lang_string: bool | None = None) -> bool:
    if not isinstance(v, Literal):
        return False
    if lang_string if lang_string is not None else dt == _LANG_STRING:
        return bool(v.language)
    if v.language:
        return False
    actual = v.datatype if v.datatype is not None else _XSD_STRING
    if actual is not dt and actual != dt:
        return False
    return not getattr(v, "ill_typed", False)
