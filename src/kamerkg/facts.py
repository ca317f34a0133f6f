"""The fact sheet of a document (``FACTS.md``), computed by SPARQL over the built graph.

The queries are files in ``queries/facts/``; each has the line ``VALUES (?doc ?g) { (UNDEF UNDEF) }``
that binds the document and its named graph. They are the definition of the fact sheet and what
``kamerkg facts`` runs.

The build's workers (:class:`FactSheets`) compute the same sheet without a store: :func:`_direct_sheet`
evaluates the six queries by hand over the document's quads and the reference graph (the SPARQL on a
store, with the quads added and removed per document, was a third of a worker's time). It answers only
when the queries' answer is fully determined — no ``SAMPLE`` choosing between different values, no
ties in an ``ORDER BY``, at most one row of ``document.rq`` — and otherwise leaves the document to the
SPARQL queries; ``tests/test_facts_direct.py`` checks both give the same sheet on every document.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kamerkg.config import Settings
from kamerkg.mapping import doc_iri, graph_iri, official_url
from kamerkg.queries import run_local

PLACEHOLDER = "(UNDEF UNDEF)"


@lru_cache(maxsize=16)
def _query(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    if PLACEHOLDER not in text:
        raise ValueError(f"{path}: has no {PLACEHOLDER} binding line")
    return text


def _run(store: ox.Store, s: Settings, name: str, doc_id: str) -> list[dict[str, str | None]]:
    text = _query(str(s.queries_dir / "facts" / f"{name}.rq"))
    text = text.replace(PLACEHOLDER, f"(<{doc_iri(s, doc_id)}> <{graph_iri(s, doc_id)}>)")
    return run_local(store, text).as_dicts()


def _cited_dossier(v: str | None) -> str | None:
    if not v:
        return None
    parts = sorted({p.strip() for p in v.split(",") if p.strip()})
    return ", ".join(parts) or None


def _sheet(
    doc_id: str,
    docrow: dict[str, str | None],
    dossiers: list[dict[str, str | None]],
    signatories: list[dict[str, str | None]],
    meetings: list[dict[str, str | None]],
    mentions: list[dict[str, str | None]],
    references: list[dict[str, str | None]],
) -> dict[str, object]:
    """The sheet from the rows of the six queries."""
    return {
        "id": docrow.get("id") or doc_id,
        "source_url": official_url(doc_id),
        "dossier_numbers": [d["number"] for d in dossiers],
        "document_number": docrow.get("number"),
        "dossier_title": next((d["title"] for d in dossiers if d.get("title")), None),
        "document_type": docrow.get("type"),
        "date": docrow.get("date"),
        "vergaderjaar": docrow.get("vergaderjaar"),
        "signatories": [{"name": r["name"], "role": r["role"]} for r in signatories],
        "meetings_mentioned": [
            {
                "description": r["description"],
                "start_date": r["start"],
                "end_date": r["end"],
                "place": r["place"],
            }
            for r in meetings
        ],
        "organisations_mentioned": [r["name"] for r in mentions if r["kind"] == "organisation"],
        "countries_mentioned": [r["name"] for r in mentions if r["kind"] == "country"],
        "documents_referenced": [
            {"citation": r["citation"], "dossier": _cited_dossier(r["dossier"]), "number": r["number"]}
            for r in references
        ],
        "wikidata": {r["name"]: r["wikidata"] for r in mentions if r.get("wikidata")},
    }


QUERIES = ("document", "dossiers", "signatories", "meetings", "mentions", "references")  # _sheet's order


def _answer(store: ox.Store, s: Settings, name: str, doc_id: str) -> Any:
    rows = _run(store, s, name, doc_id)
    return (rows or [{}])[0] if name == "document" else rows


def fact_sheet(store: ox.Store, doc_id: str, s: Settings) -> dict[str, object]:
    """The fact sheet by the SPARQL queries of ``queries/facts/`` on ``store``."""
    return _sheet(doc_id, *(_answer(store, s, q, doc_id) for q in QUERIES))


# ------------------------------------------------------------------ the same queries, evaluated directly

_KKG = "https://w3id.org/kamerkg/def#"
_OA = "http://www.w3.org/ns/oa#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SCHEMA = "https://schema.org/"
_ORG = "http://www.w3.org/ns/org#"
_N = ox.NamedNode
REFERENCE_GRAPH = "https://w3id.org/kamerkg/id/graph/reference"  # as written in dossiers.rq
# predicates (as strings: the quads are indexed by the strings of subject and predicate)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
DC_ID = "http://purl.org/dc/terms/identifier"
DC_DATE = "http://purl.org/dc/terms/date"
DC_TITLE = "http://purl.org/dc/terms/title"
K_NUMBER = _KKG + "documentNumber"
K_TYPE = _KKG + "documentType"
K_VJ = _KKG + "vergaderjaar"
K_DOSSIER = _KKG + "inDossier"
K_DOSSIER_NUMBER = _KKG + "dossierNumber"
K_SIGNATURE = _KKG + "hasSignature"
K_NAME = _KKG + "nameAsPrinted"
K_ROLE = _KKG + "roleAsPrinted"
K_EVIDENCE = _KKG + "evidence"
K_FOR = _KKG + "forProperty"
K_CITING = _KKG + "citingDocument"
K_CITATION = _KKG + "citationText"
K_CITED = _KKG + "citedDocument"
OA_BODY = _OA + "hasBody"
OA_TARGET = _OA + "hasTarget"
OA_SELECTOR = _OA + "hasSelector"
OA_START = _OA + "start"
S_POSITION = _SCHEMA + "position"
S_START = _SCHEMA + "startDate"
S_END = _SCHEMA + "endDate"
S_LOCATION = _SCHEMA + "location"
# the predicates the queries read (the document's other quads are not indexed)
READ_PREDICATES = frozenset((
    RDF_TYPE, RDFS_LABEL, PREF_LABEL, SAME_AS, DC_ID, DC_DATE, DC_TITLE, K_NUMBER, K_TYPE, K_VJ, K_DOSSIER,
    K_DOSSIER_NUMBER, K_SIGNATURE, K_NAME, K_ROLE, K_EVIDENCE, K_FOR, K_CITING, K_CITATION, K_CITED, OA_BODY,
    OA_TARGET, OA_SELECTOR, OA_START, S_POSITION, S_START, S_END, S_LOCATION,
))
# terms compared with objects
K_MEETING = _N(_KKG + "Meeting")
K_TASK_FORCE = _N(_KKG + "TaskForce")
S_MENTIONS = _N(_SCHEMA + "mentions")
S_COUNTRY = _N(_SCHEMA + "Country")
XSD_STRING = _N(_XSD + "string")
ORG_TYPES = frozenset(_N(t) for t in (
    _ORG + "FormalOrganization", _ORG + "Organization", _ORG + "OrganizationalUnit",
    _KKG + "InternationalOrganisation", _KKG + "GovernmentOrganisation", _KKG + "ParliamentaryChamber",
    _KKG + "Committee", _KKG + "PoliticalParty",
))
INTEGERS = frozenset(_N(_XSD + t) for t in ("integer", "nonNegativeInteger"))
WIKIDATA = "http://www.wikidata.org/entity/"
# the predicates the queries read outside GRAPH ?g (the union of the reference graph and the document's)
UNION_PREDICATES = frozenset((RDF_TYPE, PREF_LABEL, SAME_AS))
_NONE: tuple[ox.NamedNode | ox.Literal, ...] = ()
_Key = tuple[str | None, str]


class _Undetermined(Exception):
    """The queries' answer depends on the store's evaluation order (a SAMPLE or a tie): ask the store."""


class _Partial(_Undetermined):
    """Some of the queries' answers are determined (``parts``), the others (``missing``) are not."""

    def __init__(self, parts: dict[str, Any], missing: list[str]) -> None:
        super().__init__(missing)
        self.parts, self.missing = parts, missing


def _index(quads: list[ox.Quad]) -> dict[_Key, list[object]]:
    idx: dict[_Key, list[object]] = {}
    for q in quads:
        idx.setdefault((q.subject.value, q.predicate.value), []).append(q.object)
    return idx


def _k(t: object) -> str | None:
    """The index key of an object used as a subject (a literal is never one)."""
    return None if type(t) is ox.Literal else t.value  # type: ignore[attr-defined]


def _int(t: object) -> int:
    if type(t) is not ox.Literal or t.datatype not in INTEGERS:
        raise _Undetermined
    try:
        return int(t.value)
    except ValueError:
        raise _Undetermined from None


def _one(values: set[str | None]) -> str | None:
    """SAMPLE over rows whose values are ``values`` (None: unbound): determined only when all are one."""
    if len(values) > 1:
        raise _Undetermined
    return next(iter(values), None)


def _ordered(rows: list[tuple[int, dict[str, str | None]]]) -> list[dict[str, str | None]]:
    rows.sort(key=lambda r: r[0])
    for a, b in zip(rows, rows[1:], strict=False):
        if a[0] == b[0]:
            raise _Undetermined  # ORDER BY leaves equal keys in the engine's order
    return [r for _, r in rows]


def _lang_ok(t: object, langs: tuple[str, ...]) -> bool:
    """FILTER(lang(?x) = ...) for each of ``langs`` ("" is no language tag); lang() of an IRI is an error."""
    return type(t) is ox.Literal and (t.language or "") in langs


class _Direct:
    """The six fact-sheet queries evaluated over one document's quads and the reference graph."""

    def __init__(self, reference: list[ox.Quad]) -> None:
        self.ref = _index([q for q in reference if q.predicate.value in UNION_PREDICATES])
        ref_graph = ox.NamedNode(REFERENCE_GRAPH)
        self.ref_titles = _index(
            [q for q in reference if q.predicate.value == DC_TITLE and q.graph_name == ref_graph]
        )

    def sheet(
        self, quads: list[ox.Quad], doc: ox.NamedNode, g: ox.NamedNode, doc_id: str
    ) -> dict[str, object]:
        idx: dict[_Key, list[object]] = {}
        meeting_subjects: list[str] = []
        citations: list[str] = []
        read = READ_PREDICATES
        for q in quads:
            pv = q.predicate.value
            if pv not in read:
                continue
            if q.graph_name != g:
                raise _Undetermined  # quads outside the document's graph: not what the shortcut models
            k = (q.subject.value, pv)
            o = q.object
            v = idx.get(k)
            if v is None:
                idx[k] = [o]
            else:
                v.append(o)
            if pv == RDF_TYPE:
                if o == K_MEETING:
                    meeting_subjects.append(k[0])
            elif pv == K_CITING and o == doc:
                citations.append(k[0])
        get = idx.get
        ref = self.ref.get

        def union(s: object, p: str) -> list[object]:
            k = (_k(s), p)
            a, b = get(k), ref(k)
            return (a or []) + (b or [])

        def objects(s: object, p: str) -> list[object] | tuple[object, ...]:
            return get((_k(s), p), _NONE)

        def starts(ev: object) -> list[int]:
            return [_int(pos) for t in objects(ev, OA_TARGET) for sel in objects(t, OA_SELECTOR)
                    for pos in objects(sel, OA_START)]

        d0 = doc.value

        # document.rq: at most one row, else its first row is the engine's choice
        def document() -> Any:
            docrow: dict[str, str | None] = {}
            ids = {t.value for t in get((d0, DC_ID), _NONE)}
            if ids:
                types = {lab.value for t in get((d0, K_TYPE), _NONE) for lab in union(t, PREF_LABEL)
                         if _lang_ok(lab, ("nl",))}
                docrow = {
                    "id": _one(ids),
                    "number": _one({t.value for t in get((d0, K_NUMBER), _NONE)}),
                    "type": _one(types),
                    "date": _one({t.value for t in get((d0, DC_DATE), _NONE)}),
                    "vergaderjaar": _one({t.value for t in get((d0, K_VJ), _NONE)}),
                }
            return docrow

        # dossiers.rq: GROUP BY ?number ORDER BY ?number, SAMPLE(COALESCE(?own, ?reg))
        def dossiers() -> Any:
            groups: dict[object, set[str | None]] = {}
            for d in get((d0, K_DOSSIER), _NONE):
                owns = [t.value for t in objects(d, DC_TITLE)]
                regs = [t.value for t in self.ref_titles.get((_k(d), DC_TITLE), _NONE)]
                titles = set(owns) if owns else set(regs) if regs else {None}
                for number in objects(d, K_DOSSIER_NUMBER):
                    groups.setdefault(number, set()).update(titles)
            if len(groups) > 1 and any(type(n) is not ox.Literal or n.datatype != XSD_STRING for n in groups):
                raise _Undetermined  # ORDER BY on terms other than plain strings: not modelled
            dossiers = [{"number": n.value, "title": _one(groups[n])}
                        for n in sorted(groups, key=lambda n: n.value)]  # type: ignore[attr-defined]
            if len({d["number"] for d in dossiers}) < len(dossiers):
                raise _Undetermined
            return dossiers

        # signatories.rq: ORDER BY ?pos
        def signatories() -> Any:
            sigs = []
            for sig in get((d0, K_SIGNATURE), _NONE):
                roles = objects(sig, K_ROLE) or [None]
                for name in objects(sig, K_NAME):
                    for pos in objects(sig, S_POSITION):
                        for role in roles:
                            r = None if role is None else role.value
                            sigs.append((_int(pos), {"name": name.value, "role": r}))
            signatories = _ordered(sigs)
            return signatories

        # meetings.rq: GROUP BY ?m ORDER BY MIN(?pos), SAMPLE of label, dates and place
        def meetings() -> Any:
            rows = []
            for m in dict.fromkeys(meeting_subjects):
                labels = get((m, RDFS_LABEL))
                evs = get((m, K_EVIDENCE))
                if not labels or not evs:
                    continue
                first = [p for ev in evs for p in starts(ev)]
                if not first:
                    continue
                places = {pl.value for loc in get((m, S_LOCATION), _NONE) for pl in union(loc, PREF_LABEL)
                          if _lang_ok(pl, ("nl", ""))}
                rows.append((min(first), {
                    "description": _one({t.value for t in labels}),
                    "start": _one({t.value for t in get((m, S_START), _NONE)}),
                    "end": _one({t.value for t in get((m, S_END), _NONE)}),
                    "place": _one(places),
                }))
            meeting_rows = _ordered(rows)
            return meeting_rows

        # mentions.rq: GROUP BY ?kind ?name ORDER BY MIN(?pos), SAMPLE(?wd)
        def mentions() -> Any:
            mgroups: dict[tuple[str, object], tuple[list[int], set[str | None]]] = {}
            for ev in get((d0, K_EVIDENCE), _NONE):
                if S_MENTIONS not in objects(ev, K_FOR):
                    continue
                bodies = objects(ev, OA_BODY)
                if not bodies:
                    continue
                pos = starts(ev)
                if not pos:
                    continue
                for e in bodies:
                    types = union(e, RDF_TYPE)
                    kinds = []
                    if S_COUNTRY in types:
                        kinds.append("country")
                    if K_TASK_FORCE not in types and any(t in ORG_TYPES for t in types):
                        kinds.append("organisation")
                    if not kinds:
                        continue
                    names = [n for n in union(e, PREF_LABEL) if _lang_ok(n, ("nl", ""))]
                    if not names:
                        continue
                    wds = {w.value for w in union(e, SAME_AS)
                           if type(w) is not ox.BlankNode and w.value.startswith(WIKIDATA)} or {None}
                    for kind in kinds:
                        for name in names:
                            grp = mgroups.get((kind, name))
                            if grp is None:
                                mgroups[(kind, name)] = (list(pos), set(wds))
                            else:
                                grp[0].extend(pos)
                                grp[1].update(wds)
            mention_rows = _ordered([
                (min(p), {"kind": kind, "name": name.value, "wikidata": _one(w)})  # type: ignore[attr-defined]
                for (kind, name), (p, w) in mgroups.items()
            ])
            return mention_rows

        # references.rq: GROUP BY ?c ?citation ?number ?cited ORDER BY MIN(?pos), GROUP_CONCAT(?dn)
        def references() -> Any:
            rows = []
            for c in dict.fromkeys(citations):
                texts = get((c, K_CITATION))
                if not texts:
                    continue
                first = [p for ev in get((c, K_EVIDENCE), _NONE) for p in starts(ev)]
                if not first:
                    continue
                pos = min(first)
                for text in texts:
                    cited = get((c, K_CITED))
                    if not cited:
                        rows.append((pos, {"citation": text.value, "number": None, "dossier": None}))
                        continue
                    for d in cited:
                        dns = [dn.value for dd in objects(d, K_DOSSIER)
                               for dn in objects(dd, K_DOSSIER_NUMBER)]
                        for number in objects(d, K_NUMBER) or [None]:
                            n = None if number is None else number.value
                            dossier = ", ".join(dns) or None
                            rows.append((pos, {"citation": text.value, "number": n, "dossier": dossier}))
            references = _ordered(rows)
            return references

        parts: dict[str, Any] = {}
        missing = []
        for part in (document, dossiers, signatories, meetings, mentions, references):
            try:
                parts[part.__name__] = part()
            except _Undetermined:
                missing.append(part.__name__)
        if missing:
            raise _Partial(parts, missing)
        return _sheet(doc_id, *(parts[q] for q in QUERIES))


class FactSheets:
    """Fact sheets of documents built one at a time (the build's workers). Each sheet is evaluated
    directly over the document's quads and the reference graph (:class:`_Direct`); the queries whose
    answer that does not determine (and every query, for a document it does not model) run on a store
    with the reference graph, to which the document's quads are added and from which they are removed
    afterwards. ``KAMERKG_FACTS=sparql`` sends every document to the store."""

    def __init__(self, s: Settings, reference: list[ox.Quad]) -> None:
        self.s = s
        self.reference = reference
        self.n = 0
        self.direct = None if os.environ.get("KAMERKG_FACTS") == "sparql" else _Direct(reference)
        self._store: ox.Store | None = None
        self.fallbacks = 0

    def _fresh(self) -> ox.Store:
        store = ox.Store()
        store.bulk_extend(self.reference)
        return store

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            self._store = self._fresh()
        return self._store

    def sheet(self, quads: list[ox.Quad], doc_id: str) -> dict[str, object]:
        """The fact sheet of the document whose graph is ``quads`` (all in one named graph)."""
        if self.direct is not None:
            try:
                return self.direct.sheet(quads, _N(str(doc_iri(self.s, doc_id))),
                                         _N(str(graph_iri(self.s, doc_id))), doc_id)
            except _Partial as p:  # only the undetermined queries on the store
                self.fallbacks += 1
                return self.sparql_sheet(quads, doc_id, p.parts)
            except _Undetermined:
                self.fallbacks += 1
        return self.sparql_sheet(quads, doc_id)

    def sparql_sheet(
        self, quads: list[ox.Quad], doc_id: str, known: dict[str, Any] | None = None
    ) -> dict[str, object]:
        """The fact sheet by the SPARQL queries (the definition); ``known``: answers already had."""
        self.n += 1
        if self.n % 64 == 0:  # graphs removed from an in-memory store keep their memory: start afresh
            self._store = None
        store = self.store
        store.extend(quads)  # extend: a third of bulk_extend's time for one document's quads
        try:
            known = known or {}
            return _sheet(doc_id, *(known[q] if q in known else _answer(store, self.s, q, doc_id)
                                    for q in QUERIES))
        finally:
            if quads:
                store.remove_graph(quads[0].graph_name)
