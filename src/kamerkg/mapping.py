"""Stage 4, map: turn one linked extraction into RDF, one named graph per source document.

Every fact carries provenance: a ``kkg:Evidence`` (a Web Annotation) that points into the source text
with a ``oa:TextPositionSelector`` (character offsets into the file as read) and a
``oa:TextQuoteSelector`` (the exact text), and is attributed (PROV-O) to the extraction rule or the
curator that produced it. IRIs are minted from identifiers and keys only, never from blank nodes or
counters that depend on anything but the input, so the same inputs give the same triples.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SKOS
from rdflib.term import _is_valid_uri

from kamerkg.config import Settings
from kamerkg.extract.citations import cited_id
from kamerkg.link import Linked, slug
from kamerkg.model import Evidence
from kamerkg.registers import Registers

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "kkg": None,  # filled from settings
    "kid": None,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "oa": str(OA),
    "eli": str(ELI),
    "time": "http://www.w3.org/2006/time#",
    "wd": str(WD),
}


_INTERNED: dict[URIRef, URIRef] = {}


def intern_term(t: URIRef) -> URIRef:
    """One object per vocabulary IRI, shared by the mapping and the compiled shapes check
    (:mod:`kamerkg.shaclcheck`): dict and set lookups between their terms then succeed on identity, without
    rdflib's Python-level ``__eq__``. The term is unchanged (same class, same IRI)."""
    if type(t) is not URIRef:
        return t
    return _INTERNED.setdefault(t, t)


class _Terms:
    """A namespace whose terms are made once: rdflib makes (and checks) a new URIRef on every attribute
    access, which was a tenth of the build time (issue 6 profile)."""

    def __init__(self, ns: Namespace) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        v = intern_term(getattr(self._ns, name))
        setattr(self, name, v)
        return v

    def __getitem__(self, name: str) -> URIRef:
        return self._ns[name]

    def __str__(self) -> str:
        return str(self._ns)


@lru_cache(maxsize=8)
def _vocab_terms(vocab: str) -> _Terms:
    return _Terms(Namespace(vocab))


RDF, RDFS, XSD, DCTERMS, FOAF, ORG, OWL, PROV, SKOS, OA, SCHEMA = (  # type: ignore[misc,assignment]
    _Terms(n) for n in (RDF, RDFS, XSD, DCTERMS, FOAF, ORG, OWL, PROV, SKOS, OA, SCHEMA)
)


def prefixes(settings: Settings) -> dict[str, str]:
    p = dict(PREFIXES)
    p["kkg"] = settings.vocab
    p["kid"] = settings.ids
    return {k: v for k, v in p.items() if v}


def turtle_prefixes(settings: Settings) -> dict[str, str]:
    """Prefixes for Turtle and TriG: no ``kid`` for instance IRIs, whose paths hold slashes that a prefixed
    name can only carry escaped (``kid:org\\/navo``); written in full they stay readable. (JSON-LD CURIEs
    may hold slashes, so the JSON-LD context keeps ``kid``.)"""
    return {k: v for k, v in prefixes(settings).items() if k != "kid"}


def graph_iri(settings: Settings, doc_id: str) -> URIRef:
    return URIRef(f"{settings.ids}graph/{doc_id}")


def doc_iri(settings: Settings, doc_id: str) -> URIRef:
    return URIRef(f"{settings.ids}doc/{doc_id}")


def official_url(doc_id: str) -> str:
    return f"https://zoek.officielebekendmakingen.nl/{doc_id}.html"


class TripleSet:
    """The triples of one document graph while it is built: a plain set with rdflib's ``add``.

    Mapping used to add to an rdflib ``Graph``; its memory store spent three quarters of the mapping
    time on indexing (issue 6 profile). The set holds the same triples; :func:`to_rdf` makes the
    ``Graph`` for callers that want one, the build serialises the set directly.
    """

    __slots__ = ("identifier", "triples")

    def __init__(self, identifier: URIRef) -> None:
        self.identifier = identifier
        self.triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = set()

    def add(self, t: tuple[URIRef, URIRef, URIRef | Literal]) -> None:
        self.triples.add(t)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)


_TYPED: dict[tuple[type, object], Literal] = {}


def _lit(value: object, lang: str | None = None) -> Literal:
    """``Literal(value, lang=lang)``. A plain or Dutch string is made directly, with the attributes rdflib's
    constructor gives it (which is slow: a fifth of the mapping time); anything else goes through it."""
    if type(value) is not str or (lang is not None and lang != "nl"):
        if lang is None and type(value) in (bool, int):  # true/false, positions: made once per value
            key = (type(value), value)
            lit = _TYPED.get(key)
            if lit is None:
                if len(_TYPED) > 10_000:
                    _TYPED.clear()
                lit = _TYPED[key] = Literal(value)
                lit._datatype = intern_term(lit._datatype)  # type: ignore[arg-type]
            return lit
        return Literal(value, lang=lang)
    lit = str.__new__(Literal, value)
    lit._language = lang
    lit._datatype = None
    lit._value = value
    lit._ill_typed = None
    return lit


def _unchecked_uri(value: str) -> URIRef:
    return str.__new__(URIRef, value)  # what URIRef(value) makes, without re-checking a valid IRI


class _Builder:
    def __init__(self, settings: Settings, reg: Registers, doc_id: str) -> None:
        self.s = settings
        self.reg = reg
        self.K = _vocab_terms(settings.vocab)
        self.g = TripleSet(graph_iri(settings, doc_id))
        self.doc = doc_iri(settings, doc_id)
        self.n_ev = 0
        self.text = ""
        self.agents: dict[str, URIRef] = {}
        # IRIs made from the document's IRI by appending "/evidence/<n>", "#target" ...: when that IRI is
        # valid, so are they, and rdflib's check (a regex per URIRef) is skipped; same terms either way
        self.uri = _unchecked_uri if _is_valid_uri(str(self.doc)) else URIRef

    def iri(self, key: str) -> URIRef:
        return URIRef(self.s.ids + key)

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        if o is None:
            return
        self.g.add((s, p, o if isinstance(o, (URIRef, Literal)) else _lit(o)))

    def evidence(
        self, subject: URIRef, ev: Evidence, prop: URIRef | None = None, body: URIRef | None = None
    ) -> URIRef:
        self.n_ev += 1
        uri = self.uri
        e = uri(f"{self.doc}/evidence/{self.n_ev}")
        K = self.K
        add = self.g.triples.add
        add((e, RDF.type, K.Evidence))
        add((e, RDF.type, OA.Annotation))
        add((subject, K.evidence, e))
        if prop is not None:
            add((e, K.forProperty, prop))
        if body is not None:
            add((e, OA.hasBody, body))
        add((e, OA.motivatedBy, OA.identifying if body is not None else OA.describing))
        target = uri(f"{e}#target")
        add((e, OA.hasTarget, target))
        add((target, RDF.type, OA.SpecificResource))
        add((target, OA.hasSource, self.doc))
        pos = uri(f"{e}#position")
        add((target, OA.hasSelector, pos))
        add((pos, RDF.type, OA.TextPositionSelector))
        start, end = ev.span.start, ev.span.end
        add((pos, OA.start, _offset(start)))
        add((pos, OA.end, _offset(end)))
        if end > start:
            quote = uri(f"{e}#quote")
            add((target, OA.hasSelector, quote))
            add((quote, RDF.type, OA.TextQuoteSelector))
            add((quote, OA.exact, _lit(self.text[start:end])))
        add((e, PROV.wasAttributedTo, self.agent(ev.rule)))
        return e

    def agent(self, rule: str) -> URIRef:
        a = self.agents.get(rule)
        if a is not None:  # its triples are in the graph already
            return a
        made = _AGENTS.get((self.s.ids, self.s.vocab, rule))
        if made is None:
            kind, _, name = rule.partition(":")
            if kind == "curator":
                a = self.iri(f"curator/{slug(name)}")
                triples = ((a, RDF.type, self.K.Curator), (a, RDF.type, PROV.Person))
            else:
                a = self.iri(f"rule/{slug(name)}")
                triples = ((a, RDF.type, self.K.ExtractionRule), (a, RDF.type, PROV.SoftwareAgent))
            made = _AGENTS[(self.s.ids, self.s.vocab, rule)] = (a, (*triples, (a, RDFS.label, _lit(name))))
        a, triples = made
        self.g.triples.update(triples)
        self.agents[rule] = a
        return a


_AGENTS: dict[tuple[str, str, str], tuple[URIRef, tuple[tuple[URIRef, URIRef, URIRef | Literal], ...]]] = {}
def _date(lexical: str) -> Literal:
    """``Literal(lexical, datatype=XSD.date)``, with the interned datatype term (equal to the copy Literal()
    makes)."""
    lit = Literal(lexical, datatype=XSD.date)
    lit._datatype = XSD.date
    return lit


_OFFSETS: dict[int, Literal] = {}


def _offset(n: int) -> Literal:
    """``Literal(n, datatype=XSD.nonNegativeInteger)``, made once per value (Literal() is slow)."""
    lit = _OFFSETS.get(n)
    if lit is None:
        if len(_OFFSETS) > 200_000:
            _OFFSETS.clear()
        lit = _OFFSETS[n] = Literal(n, datatype=XSD.nonNegativeInteger)
        lit._datatype = XSD.nonNegativeInteger  # the interned term (Literal() copies it): equal
    return lit


def to_rdf(linked: Linked, reg: Registers, settings: Settings) -> Graph:
    """The named graph of one source document."""
    return graph_of(to_triples(linked, reg, settings), settings)


def graph_of(ts: TripleSet, settings: Settings) -> Graph:
    """An rdflib Graph (named, with the prefixes bound) holding the triples of ``ts``."""
    g = Graph(identifier=ts.identifier)
    for k, v in prefixes(settings).items():
        g.bind(k, v)
    g.addN((s, p, o, g) for s, p, o in ts.triples)
    return g


def to_triples(linked: Linked, reg: Registers, settings: Settings) -> TripleSet:
    """The triples of the named graph of one source document (what :func:`to_rdf` puts in a Graph)."""
    ex = linked.extraction
    doc = ex.doc
    official = getattr(doc, "official", None)  # an official XML/XHTML edition (kamerkg.official)
    if official is not None:
        from kamerkg.official import rdf as official_rdf

        official_rdf.enrich(ex)
    b = _Builder(settings, reg, ex.identifier.value)
    b.text = doc.text
    K = b.K
    g = b.g
    d = b.doc
    g.add((d, RDF.type, K.ParliamentaryDocument))
    g.add((d, DCTERMS.identifier, _lit(ex.identifier.value)))
    b.evidence(d, ex.identifier.evidence, DCTERMS.identifier)
    g.add((d, K.layout, _lit(doc.layout)))
    g.add((d, K.truncated, _lit(doc.truncated)))
    g.add((d, DCTERMS.source, _lit(doc.path.name)))
    if re.match(r"^(kst|ah-tk|kv-tk|blg|stcrt|stb)-", ex.identifier.value):
        g.add((d, FOAF.page, URIRef(official_url(ex.identifier.value))))
    if ex.identifier.value.startswith("kst-"):
        g.add((d, SCHEMA.isPartOf, b.iri("series/kamerstukken-tk")))
    label = _doc_label(ex)
    g.add((d, RDFS.label, _lit(label, "nl")))
    for v in ex.dossiers:
        dos = b.iri(f"dossier/{v.value}")
        g.add((d, K.inDossier, dos))
        g.add((dos, RDF.type, K.Dossier))
        g.add((dos, K.dossierNumber, _lit(v.value)))
        b.evidence(d, v.evidence, K.inDossier, dos)
    if ex.dossier_title is not None and ex.dossiers:
        dos = b.iri(f"dossier/{ex.dossiers[0].value}")
        g.add((dos, DCTERMS.title, _lit(ex.dossier_title.value, "nl")))
        b.evidence(dos, ex.dossier_title.evidence, DCTERMS.title)
    if ex.number is not None:
        g.add((d, K.documentNumber, _lit(ex.number.value)))
        b.evidence(d, ex.number.evidence, K.documentNumber)
    if ex.doc_type is not None:
        t = b.iri(f"doctype/{slug(ex.doc_type.value)}")
        g.add((d, K.documentType, t))
        b.evidence(d, ex.doc_type.evidence, K.documentType, t)
    if ex.date is not None:
        g.add((d, DCTERMS.date, _date(ex.date.value)))
        b.evidence(d, ex.date.evidence, DCTERMS.date)
    if ex.vergaderjaar is not None:
        g.add((d, K.vergaderjaar, _lit(ex.vergaderjaar.value)))
        b.evidence(d, ex.vergaderjaar.evidence, K.vergaderjaar)
    if ex.place is not None and linked.place_key:
        p = b.iri(linked.place_key)
        g.add((d, DCTERMS.spatial, p))
        b.evidence(d, ex.place.evidence, DCTERMS.spatial, p)

    # minted entities the registers lack
    for mk in sorted(linked.minted):
        mi = linked.minted[mk]
        e = b.iri(mk)
        typ = {
            "person": FOAF.Person, "place": SCHEMA.Place, "organisation": ORG.Organization, "post": ORG.Post
        }.get(mi.kind)
        if typ is not None:
            g.add((e, RDF.type, typ))
        g.add((e, SKOS.prefLabel, _lit(mi.label, "nl")))
        g.add((e, K.unlinked, _lit(True)))
        if mi.kind == "person":
            for name in mi.names or [mi.label]:
                g.add((e, FOAF.name, _lit(name)))

    # signatures
    for i, s in enumerate(ex.signatories, 1):
        sig = URIRef(f"{d}/signature/{i}")
        g.add((d, K.hasSignature, sig))
        g.add((sig, RDF.type, K.Signature))
        g.add((sig, K.nameAsPrinted, _lit(s.name)))
        if s.role:
            g.add((sig, K.roleAsPrinted, _lit(s.role)))
        g.add((sig, SCHEMA.position, _lit(i)))
        if s.person_key:
            person = b.iri(s.person_key)
            g.add((sig, K.signatory, person))
            g.add((d, DCTERMS.creator, person))
            if s.post_key:
                post = b.iri(s.post_key)
                g.add((sig, K.signedAs, post))
                g.add((person, ORG.holds, post))
                g.add((post, ORG.heldBy, person))
        b.evidence(sig, s.evidence)

    # mentions
    seen: set[str] = set()
    for m in ex.mentions:
        if not m.key:
            continue
        e = b.iri(m.key)
        if m.key not in seen:
            g.add((d, SCHEMA.mentions, e))
            seen.add(m.key)
        b.evidence(d, m.evidence, SCHEMA.mentions, e)

    # citations
    cited_iris: list[URIRef | None] = []
    for i, c in enumerate(ex.citations, 1):
        cit = URIRef(f"{d}/citation/{i}")
        g.add((cit, RDF.type, K.Citation))
        g.add((cit, K.citingDocument, d))
        g.add((cit, K.citationText, _lit(c.text)))
        target_id = cited_id(c)
        target = doc_iri(settings, target_id) if target_id else None
        cited_iris.append(target)
        if target is not None:
            g.add((cit, K.citedDocument, target))
            g.add((d, DCTERMS.references, target))
            g.add((target, RDF.type, K.ParliamentaryDocument))
            g.add((target, DCTERMS.identifier, _lit(target_id)))
            g.add((target, RDFS.label, _lit(c.text, "nl")))
            if c.number:
                g.add((target, K.documentNumber, _lit(c.number)))
            for dn in c.dossiers:
                dos = b.iri(f"dossier/{dn}")
                g.add((target, K.inDossier, dos))
                g.add((dos, RDF.type, K.Dossier))
                g.add((dos, K.dossierNumber, _lit(dn)))
            if c.vergaderjaar:
                g.add((target, K.vergaderjaar, _lit(c.vergaderjaar)))
            if target_id.startswith(("kst-", "ah-tk-")):
                g.add((target, FOAF.page, URIRef(official_url(target_id))))
        b.evidence(cit, c.evidence)

    # meetings
    meeting_iris = []
    for mt, key in zip(ex.meetings, linked.meeting_keys, strict=True):
        m = b.iri(key)
        meeting_iris.append(m)
        g.add((m, RDF.type, K.Meeting))
        g.add((m, RDFS.label, _lit(mt.description, "nl")))
        if mt.start:
            g.add((m, SCHEMA.startDate, _date(mt.start.isoformat())))
        if mt.end:
            g.add((m, SCHEMA.endDate, _date(mt.end.isoformat())))
        if mt.organisation:
            g.add((m, K.convenedBy, b.iri(mt.organisation)))
        if mt.gathering:
            g.add((m, K.gatheringKind, b.iri(mt.gathering)))
        if mt.format:
            g.add((m, K.meetingFormat, b.iri(mt.format)))
        g.add((m, K.extraordinary, _lit(mt.extraordinary)))
        if mt.place:
            from kamerkg.link import place_key

            g.add((m, SCHEMA.location, b.iri(place_key(b.reg, mt.place, {}))))
        for p in mt.participants:
            g.add((m, K.participant, b.iri(p)))
        if mt.cites is not None and cited_iris[mt.cites] is not None:
            g.add((m, K.reportedIn, cited_iris[mt.cites]))
        g.add((d, SCHEMA.mentions, m))
        if mt.announced:
            g.add((d, K.announces, m))
        if mt.gathering == "gathering/committee" and ex.doc_type and ex.doc_type.value.startswith("verslag"):
            g.add((d, K.reportsOn, m))
        b.evidence(m, mt.evidence)
        for ev in mt.more_evidence:
            b.evidence(m, ev)

    # agenda items belong to the meeting the document announces
    announced = [mi for mi, mt in zip(meeting_iris, ex.meetings, strict=True) if mt.announced]
    if announced:
        for a in ex.agenda:
            item = URIRef(f"{announced[0]}/item/{a.position}")
            g.add((announced[0], K.hasAgendaItem, item))
            g.add((item, RDF.type, K.AgendaItem))
            g.add((item, RDFS.label, _lit(a.title, "nl")))
            g.add((item, K.agendaPosition, _lit(a.position)))
            for t in a.topics:
                g.add((item, DCTERMS.subject, b.iri(t)))
            b.evidence(item, a.evidence)

    # corrections
    for i, c in enumerate(ex.corrections, 1):
        cor = URIRef(f"{d}/correction/{i}")
        g.add((cor, RDF.type, K.Correction))
        g.add((cor, K.correctionIn, d))
        if c.citation is not None and cited_iris[c.citation] is not None:
            g.add((cor, K.corrects, cited_iris[c.citation]))
        g.add((cor, K.incorrectValue, _value(c.wrong, c.wrong_date)))
        g.add((cor, K.correctValue, _value(c.right, c.right_date)))
        if c.subject:
            g.add((cor, RDFS.comment, _lit(c.subject, "nl")))
        b.evidence(cor, c.evidence)

    # commitments to inform the Kamer
    for i, c in enumerate(ex.commitments, 1):
        com = URIRef(f"{d}/commitment/{i}")
        g.add((com, RDF.type, K.Commitment))
        g.add((com, K.informs, b.iri("org/tweede-kamer")))
        if c.informant_key:
            g.add((com, K.informant, b.iri(c.informant_key)))
        g.add((com, RDFS.label, _lit(c.informant, "nl")))
        if c.about:
            g.add((com, K.statement, _lit(c.about, "nl")))
        for t in _topics_in(ex, c.evidence):
            g.add((com, K.regarding, b.iri(t)))
        b.evidence(com, c.evidence)

    _memberships(b, linked, meeting_iris)
    _curated(b, linked, meeting_iris)
    if official is not None:
        official_rdf.add(b, linked)
    return g


def _value(text: str, d: date | None) -> Literal:
    return _date(d.isoformat()) if d else _lit(text)


def _topics_in(ex, ev: Evidence) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for m in ex.mentions:
        if m.kind == "topic" and ev.span.start <= m.evidence.span.start < ev.span.end and m.key not in out:
            out.append(m.key)
    return out


def _memberships(b: _Builder, linked: Linked, meeting_iris: list[URIRef]) -> None:
    """Posts, party memberships, seats and committee roles the document shows (org:Membership, one IRI per
    person, organisation and role across documents), each attested on the document's date; members present
    at the debate a report is of attend that meeting."""
    ex = linked.extraction
    g = b.g
    TIME = Namespace("http://www.w3.org/2006/time#")
    for ms in linked.memberships:
        mem = b.iri(ms.key)
        g.add((mem, RDF.type, ORG.Membership))
        g.add((mem, ORG.member, b.iri(ms.person)))
        g.add((mem, ORG.organization, b.iri(ms.organisation)))
        if ms.role:
            g.add((mem, ORG.role, b.iri(ms.role)))
        if ex.date is not None and not ms.registered:  # a registered membership keeps its term
            iv = b.iri(f"{ms.key}/attested/{ex.date.value}")
            instant = b.iri(f"instant/{ex.date.value}")
            g.add((mem, ORG.memberDuring, iv))
            g.add((iv, RDF.type, TIME.Interval))
            g.add((iv, TIME.inside, instant))
            g.add((instant, RDF.type, TIME.Instant))
            g.add((instant, TIME.inXSDDate, _date(ex.date.value)))
        b.evidence(mem, ms.evidence)
    committee = "gathering/committee"
    reported = [mi for mi, mt in zip(meeting_iris, ex.meetings, strict=True) if mt.gathering == committee]
    present = ("rule:members-present", "rule:speaker-party")
    for mem_rec in ex.members:
        if mem_rec.person_key and reported and mem_rec.evidence.rule in present:
            g.add((reported[0], SCHEMA.attendee, b.iri(mem_rec.person_key)))


def _curated(b: _Builder, linked: Linked, meeting_iris: list[URIRef]) -> None:
    ex = linked.extraction
    K = b.K
    g = b.g
    n_pos = 0
    for c in ex.curated:
        f = c.fields
        if c.kind == "taskforce":
            tf = b.iri(str(f["key"]))
            g.add((tf, RDF.type, K.TaskForce))
            g.add((tf, SKOS.prefLabel, _lit(str(f["label"]), "nl")))
            if f.get("label_en"):
                g.add((tf, SKOS.prefLabel, Literal(str(f["label_en"]), lang="en")))
            if f.get("unit_of"):
                g.add((tf, ORG.unitOf, b.iri(str(f["unit_of"]))))
            g.add((tf, K.purpose, _lit(str(f["purpose"]), "nl")))
            if f.get("purpose_en"):
                g.add((tf, K.purpose, Literal(str(f["purpose_en"]), lang="en")))
            if f.get("mandate"):
                g.add((tf, K.mandate, _lit(str(f["mandate"]), "nl")))
            est = f.get("established_at")
            if isinstance(est, dict):
                for mi, mt in zip(meeting_iris, ex.meetings, strict=True):
                    if mt.start and mt.start.isoformat() == str(est.get("start")) and (
                        not est.get("gathering") or mt.gathering == est.get("gathering")
                    ):
                        g.add((tf, K.establishedAt, mi))
                        break
            g.add((b.doc, SCHEMA.mentions, tf))
            b.evidence(tf, c.evidence)
        elif c.kind == "position":
            n_pos += 1
            pos = URIRef(f"{b.doc}/position/{n_pos}")
            g.add((pos, RDF.type, K.Position))
            g.add((pos, K.holder, b.iri(str(f["holder"]))))
            g.add((pos, K.stance, b.iri(str(f["stance"]))))
            if f.get("regarding"):
                g.add((pos, K.regarding, b.iri(str(f["regarding"]))))
            g.add((pos, K.statement, _lit(str(f["statement"]), "nl")))
            if f.get("statement_en"):
                g.add((pos, K.statement, Literal(str(f["statement_en"]), lang="en")))
            g.add((pos, DCTERMS.source, b.doc))
            b.evidence(pos, c.evidence)


def _doc_label(ex) -> str:  # type: ignore[no-untyped-def]
    ident = ex.identifier.value
    if ex.dossiers and ex.number:
        d = ex.dossiers[0].value
        head, _, sub = d.partition("-")
        spaced = f"{head[:-3]} {head[-3:]}" + (f"-{sub}" if sub else "")
        return f"Kamerstuk {spaced}, nr. {ex.number.value}"
    if ident.startswith("ah-tk-") and ex.number:
        return f"Aanhangsel Handelingen, nr. {ex.number.value}"
    return ident
