"""The official edition in the graph: structure (document parts with their XPath), metadata in the FRBR
style of ELI (work, expression, manifestations), TOOI document types and themes, and the differences
between what the metadata records and what the text says (``kkg:Conflict``), each side with its
provenance.

Two entry points, called by :func:`kamerkg.mapping.to_rdf` for an :class:`OfficialDoc`:
``enrich(ex)`` completes the extraction from the markup (before mapping) and ``add(builder, linked)``
adds the official-edition statements (after mapping).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kamerkg.link import slug
from kamerkg.model import Evidence, Extraction, Signatory, Span, Value
from kamerkg.official.document import OfficialDoc, OfficialInfo
from kamerkg.official.metadata import Metadata, MetaField

if TYPE_CHECKING:  # pragma: no cover
    from kamerkg.link import Linked
    from kamerkg.mapping import _Builder

OA = Namespace("http://www.w3.org/ns/oa#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SCHEMA = Namespace("https://schema.org/")
TOOI_KERN = "https://identifier.overheid.nl/tooi/def/thes/kern/"
REPOSITORY = "https://repository.overheid.nl/frbr/officielepublicaties/"
LANG_NLD = URIRef("http://publications.europa.eu/resource/authority/language/NLD")
MEDIA = {
    "xml": "application/xml",
    "html": "application/xhtml+xml",
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "metadata": "application/xml",
    "metadataowms": "application/xml",
}
# TOOI document-type concepts (IDENTIFIERS.md) by the publication name of the official metadata
TOOI_TYPE = {"kamerstuk": "c_056a75e1", "handelingen": "c_a17ef403"}
TOOI_KAMERVRAAG_MET_ANTWOORD = "c_6d494ab6"
TOOI_KAMERVRAAG_ZONDER_ANTWOORD = "c_03c52ba0"
SOURCE_MANIFESTATION = {"metadata.xml": "metadata", "metadata_owms.xml": "metadataowms", "html-head": "html"}


def official_info(doc: object) -> OfficialInfo | None:
    return getattr(doc, "official", None)


# ---------------------------------------------------------------- before mapping: complete the extraction
def enrich(ex: Extraction) -> None:
    """Fill what the general rules did not read from the markup's own structure (never from metadata)."""
    doc = ex.doc
    info = official_info(doc)
    if info is None:
        return
    from kamerkg.extract.document import DOC_TYPES

    def ev(s: int, e: int, rule: str) -> Evidence:
        return Evidence(doc.span(s, e), rule)

    if info.answerers and info.answered_date:
        # an Aanhangsel with answers is dated by the answer's receipt ("ontvangen ...")
        v, s, e = info.answered_date
        ex.date = Value(v, ev(s, e, "rule:kamervraag-antwoord-ontvangen"))
        if ex.doc_type is None:
            a = info.answerers[0]
            ex.doc_type = Value(
                "antwoord op schriftelijke vragen", ev(a.start, a.end, "rule:kamervraag-antwoord")
            )
    if ex.doc_type is None:
        for pat, t in DOC_TYPES:
            m = re.search(pat, doc.body[:4000], re.MULTILINE)
            if m:
                ex.doc_type = Value(t, ev(m.start(), m.end(), "rule:doctype-self-named"))
                break
    if ex.dossier_title is None and info.dossier_title and ex.dossiers:
        v, s, e = info.dossier_title
        ex.dossier_title = Value(v, ev(s, e, "rule:xml-dossier-title"))
    # who answered and who asked (Aanhangsel), or the names under a motion: added where the rules missed them
    have = {_surname(s.name) for s in ex.signatories}
    for p in info.answerers + info.askers + info.signers:
        if _surname(p.name) in have:
            continue
        have.add(_surname(p.name))
        rule = "rule:kamervraag-description" if p in info.answerers + info.askers else "rule:signature-group"
        ex.signatories.append(Signatory(name=p.name, role=p.role, evidence=ev(p.start, p.end, rule)))
    if ex.vergaderjaar is None:
        for f in doc.header:
            m = re.search(r"(\d{4})\s*[–-]\s*(\d{4})", f.value)
            if f.name == "vergaderjaar" and m:
                ex.vergaderjaar = Value(
                    f"{m.group(1)}-{m.group(2)}", Evidence(f.span, "rule:xml-kamerstukkop")
                )


# ---------------------------------------------------------------- conflicts between metadata and text
@dataclass
class Conflict:
    field: str  # date | dossiers | number | vergaderjaar | signatories | creator | ...
    text_value: str | None  # None when two metadata sources disagree
    meta_value: str
    text_evidence: Evidence | None
    meta_fields: list[MetaField]
    other_value: str | None = None  # the other metadata source's value
    other_fields: list[MetaField] | None = None

    def line(self, doc_id: str) -> str:
        if self.text_value is not None:
            meta = f"metadata ({_srcs(self.meta_fields)}): {self.meta_value}"
            return f"{doc_id}\t{self.field}\ttext: {self.text_value}\t{meta}"
        return (
            f"{doc_id}\t{self.field}\t{_srcs(self.meta_fields)}: {self.meta_value}\t"
            f"{_srcs(self.other_fields or [])}: {self.other_value}"
        )


def _srcs(fields: list[MetaField]) -> str:
    return ", ".join(sorted({f.source for f in fields}))


def _surname(name: str) -> str:
    name = re.sub(r"\([^)]*\)", " ", name)
    words = [w for w in re.split(r"\s+", name.strip()) if w and not re.fullmatch(r"(?:[A-Z][a-z]?\.)+", w)]
    return words[-1].lower() if words else name.lower()


def find_conflicts(ex: Extraction) -> list[Conflict]:
    info = official_info(ex.doc)
    if info is None or not info.metadata:
        return []
    md = info.metadata
    out: list[Conflict] = []
    # metadata sources that disagree with each other (single-valued fields)
    for name in (
        "identifier",
        "creator",
        "issued",
        "available",
        "modified",
        "title",
        "dossiertitel",
        "vergaderjaar",
        "ondernummer",
        "publicationname",
        "documenttitel",
    ):
        by_src: dict[str, list[MetaField]] = {}
        for f in md.all(name):
            by_src.setdefault(f.source, []).append(f)
        vals = {src: sorted({f.value for f in fs}) for src, fs in by_src.items()}
        srcs = sorted(vals)
        for i, a in enumerate(srcs):
            for b in srcs[i + 1 :]:
                if vals[a] != vals[b]:
                    out.append(
                        Conflict(
                            name, None, "; ".join(vals[a]), None, by_src[a], "; ".join(vals[b]), by_src[b]
                        )
                    )

    def vs(fieldname: str, text: Value | None, names: tuple[str, ...], norm=lambda s: s) -> None:  # type: ignore[no-untyped-def]
        if text is None:
            return
        for src in sorted(md.files):  # each metadata file on its own
            fs = [f for n in names for f in md.all(n, src)]
            mvals = sorted({norm(f.value) for f in fs})
            if fs and norm(text.value) not in mvals:
                out.append(Conflict(fieldname, text.value, "; ".join(mvals), text.evidence, fs))

    if info.answerers:
        vs("date", ex.date, ("datumontvangst",))
    else:
        vs("date", ex.date, ("issued",))
    vs("number", ex.number, ("ondernummer", "aanhangselnummer"))
    vs("vergaderjaar", ex.vergaderjaar, ("vergaderjaar",))
    # dossiers: every dossier the metadata files the document under, against those the text names
    text_dos = {v.value for v in ex.dossiers}
    meta_dos = md.all("dossiernummer")
    if meta_dos and text_dos and {f.value for f in meta_dos} != text_dos:
        out.append(
            Conflict(
                "dossiers",
                ", ".join(sorted(text_dos)),
                ", ".join(sorted({f.value for f in meta_dos})),
                ex.dossiers[0].evidence,
                meta_dos,
            )
        )
    # who: submitters (indiener) against the askers / signers of the text; the addressee against the answerer
    people = info.askers if info.askers else info.signers
    for src in sorted(md.files):
        ind = md.all("indiener", src)
        if ind and people:
            t = {_surname(p.name) for p in people}
            m = {_surname(f.value) for f in ind}
            if t != m:
                ev = Evidence(ex.doc.span(people[0].start, people[-1].end), "rule:signature-group")
                out.append(
                    Conflict(
                        "submitters",
                        "; ".join(p.name for p in people),
                        "; ".join(f.value for f in ind),
                        ev,
                        ind,
                    )
                )
        ont = md.all("ontvanger", src)
        if ont and info.answerers:
            t = {_surname(p.name) for p in info.answerers}
            m = {_surname(f.value) for f in ont}
            if t != m:
                a = info.answerers[0]
                ev = Evidence(ex.doc.span(a.start, a.end), "rule:kamervraag-description")
                out.append(
                    Conflict(
                        "answered by",
                        "; ".join(p.name for p in info.answerers),
                        "; ".join(f.value for f in ont),
                        ev,
                        ont,
                    )
                )
    return out


# ---------------------------------------------------------------- after mapping: official-edition statements
def _fetch_record(path: Path) -> dict[str, object]:
    p = path.parent / "fetch.json"
    if p.is_file():
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}
    return {}


def repository_folder(doc_id: str, md: Metadata) -> str | None:
    """The expression folder of a publication in the repository (IDENTIFIERS.md: repository layout)."""
    m = re.fullmatch(r"kst-(\d+(?:-[0-9A-Z]+)?)-\d+", doc_id)
    if m:
        return f"{REPOSITORY}kst/{m.group(1)}/{doc_id}/1/"
    m = re.fullmatch(r"ah-tk-(\d{8})-\d+", doc_id)
    if m:
        return f"{REPOSITORY}ah-tk/{m.group(1)}/{doc_id}/1/"
    if doc_id.startswith("blg-"):
        status = md.first("documentstatus")
        if status and status.value.lower() == "onopgemaakt":
            return f"{REPOSITORY}blg/onopgemaakt/{doc_id}/1/"
    return None


def manifestation_urls(doc_id: str, md: Metadata, record: dict[str, object]) -> dict[str, str]:
    """Manifestation -> URL: the fetched record's own item URLs, else the repository layout."""
    items = record.get("items")
    if isinstance(items, dict) and items:
        return {str(k): str(v) for k, v in items.items()}
    folder = repository_folder(doc_id, md)
    if folder is None:
        return {}
    files = {
        "xml": f"xml/{doc_id}.xml",
        "html": f"html/{doc_id}.html",
        "pdf": f"pdf/{doc_id}.pdf",
        "odt": f"odt/{doc_id}.odt",
        "metadata": "metadata/metadata.xml",
        "metadataowms": "metadataowms/metadata_owms.xml",
    }
    if doc_id.startswith("blg-"):
        files = {k: v for k, v in files.items() if k in ("pdf", "metadata", "metadataowms")}
    return {k: folder + v for k, v in files.items()}


def add(b: _Builder, linked: Linked) -> None:
    ex = linked.extraction
    doc = ex.doc
    if not isinstance(doc, OfficialDoc) or doc.official is None:
        return
    info = doc.official
    md = info.metadata
    K = b.K
    g = b.g
    d = b.doc
    doc_id = ex.identifier.value
    record = _fetch_record(doc.path)
    b.meta_texts = md.texts  # type: ignore[attr-defined]

    # ---- FRBR (ELI): the document is the work; one expression (version 1, Dutch); its manifestations
    g.add((d, RDF.type, ELI.Work))
    expr = URIRef(f"{d}/expression/1/nl")
    g.add((expr, RDF.type, ELI.Expression))
    g.add((expr, ELI.realizes, d))
    g.add((d, ELI.is_realized_by, expr))
    g.add((expr, ELI.language, LANG_NLD))
    urls = manifestation_urls(doc_id, md, record)
    mans: dict[str, URIRef] = {}
    kinds = set(urls) | {info.edition} | {SOURCE_MANIFESTATION[s] for s in md.files}
    for kind in sorted(kinds):
        m = URIRef(f"{expr}/{kind}")
        mans[kind] = m
        g.add((m, RDF.type, ELI.Manifestation))
        g.add((m, ELI.embodies, expr))
        g.add((expr, ELI.is_embodied_by, m))
        if kind in MEDIA:
            g.add((m, ELI["format"], URIRef(f"http://www.iana.org/assignments/media-types/{MEDIA[kind]}")))
        if kind in urls:
            g.add((m, ELI.is_exemplified_by, URIRef(urls[kind])))
    src = mans[info.edition]
    g.add((d, K.sourceManifestation, src))
    g.add((src, K.localFile, Literal(doc.path.name)))
    if record.get("retrieved"):
        g.add((src, PROV.generatedAtTime, Literal(str(record["retrieved"]), datatype=XSD.dateTime)))
    if record.get("source_url"):
        g.add((src, K.retrievedFrom, URIRef(str(record["source_url"]))))

    # ---- document type (TOOI), from the metadata's publication name, else the identifier's grammar
    pub = md.first("publicationname").value.lower() if md.first("publicationname") else ""
    tooi = None
    if pub.startswith("kamervragen") or doc_id.startswith("ah-tk-"):
        tooi = TOOI_KAMERVRAAG_MET_ANTWOORD if info.answerers else TOOI_KAMERVRAAG_ZONDER_ANTWOORD
    elif pub in TOOI_TYPE:
        tooi = TOOI_TYPE[pub]
    elif doc_id.startswith("kst-"):
        tooi = TOOI_TYPE["kamerstuk"]
    if tooi:
        g.add((d, DCTERMS.type, URIRef(TOOI_KERN + tooi)))

    # ---- structure: the parts of the publication, each with its XPath
    for i, p in enumerate(info.parts, 1):
        part = URIRef(f"{d}/part/{i}")
        g.add((d, DCTERMS.hasPart, part))
        g.add((part, DCTERMS.isPartOf, d))
        g.add((part, RDF.type, K.DocumentPart))
        g.add((part, K.partKind, Literal(p.kind)))
        g.add((part, K.xpath, Literal(p.xpath)))
        g.add((part, SCHEMA.position, Literal(i)))
        if p.label:
            g.add((part, RDFS.label, Literal(p.label, lang="nl")))
        if p.number:
            g.add((part, K.partNumber, Literal(p.number)))
        _part_evidence(b, part, doc.span(p.start, p.end), p.xpath, src)
    questions = {p.number: i for i, p in enumerate(info.parts, 1) if p.kind == "question" and p.number}
    for i, p in enumerate(info.parts, 1):
        if p.kind == "answer" and p.number in questions:
            g.add((URIRef(f"{d}/part/{i}"), K["answers"], URIRef(f"{d}/part/{questions[p.number]}")))
    for p, when in ((info.askers, info.asked_date), (info.answerers, info.answered_date)):
        for person in p:
            prop = K.askedBy if p is info.askers else K.answeredBy
            g.add((d, prop, Literal(person.name)))
        if when:
            prop = K.dateAsked if p is info.askers else K.dateAnswered
            g.add((d, prop, Literal(when[0], datatype=XSD.date)))
            b.evidence(d, Evidence(doc.span(when[1], when[2]), "rule:kamervraag-description"), prop)

    # ---- metadata statements, each with evidence in its metadata file
    def lit(f: MetaField) -> Literal:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", f.value):
            return Literal(f.value, datatype=XSD.date)
        return Literal(f.value)

    simple = {
        "issued": DCTERMS.issued,
        "available": DCTERMS.available,
        "modified": DCTERMS.modified,
        "title": DCTERMS.title,
        "documenttitel": K.documentTitle,
        "indiener": K.submitter,
        "ontvanger": K.addressee,
        "vraagnummer": K.questionNumber,
        "publicationname": K.publicationName,
        "creator": K.creatorAsRecorded,
        "datumontvangst": K.dateReceived,
        "documentstatus": K.documentStatus,
    }
    for f in md.fields:
        if f.name in simple and f.value:
            g.add((d, simple[f.name], lit(f)))
            _meta_evidence(b, d, f, simple[f.name], mans)
        elif (
            f.name == "type"
            and f.scheme in ("OVERHEIDop.KamerstukTypen", "OVERHEIDop.AanhangselTypen")
            and f.value
        ):
            g.add((d, K.subtype, Literal(f.value)))
            _meta_evidence(b, d, f, K.subtype, mans)
        elif f.name == "dossiernummer" and re.fullmatch(r"\d{4,5}(?:-[0-9A-Z]{1,4})?", f.value):
            # a document filed under several dossiers is in all of them
            dos = b.iri(f"dossier/{f.value}")
            g.add((d, K.inDossier, dos))
            g.add((dos, RDF.type, K.Dossier))
            g.add((dos, K.dossierNumber, Literal(f.value)))
            _meta_evidence(b, d, f, K.inDossier, mans)
        elif f.name == "dossiertitel" and f.value:
            nums = md.values("dossiernummer")
            if len(nums) == 1:
                dos = b.iri(f"dossier/{nums[0]}")
                g.add((dos, K.titleAsRecorded, Literal(f.value, lang="nl")))
                _meta_evidence(b, dos, f, K.titleAsRecorded, mans)
        elif (
            f.name in ("ondernummer", "aanhangselnummer")
            and ex.number is None
            and not md.all("hoofddocument")  # a bijlage's ondernummer is its main document's
            and re.fullmatch(r"[1-9]\d{0,5}", f.value)
        ):
            g.add((d, K.documentNumber, Literal(f.value)))
            _meta_evidence(b, d, f, K.documentNumber, mans)
        elif f.name == "vergaderjaar" and ex.vergaderjaar is None and re.fullmatch(r"\d{4}-\d{4}", f.value):
            g.add((d, K.vergaderjaar, Literal(f.value)))
            _meta_evidence(b, d, f, K.vergaderjaar, mans)
        elif f.name == "hoofddocument" and f.value:
            from kamerkg.mapping import doc_iri

            main = doc_iri(b.s, f.value)
            g.add((d, K.mainDocument, main))
            g.add((main, RDF.type, K.ParliamentaryDocument))
            g.add((main, DCTERMS.identifier, Literal(f.value)))
            _meta_evidence(b, d, f, K.mainDocument, mans)
        elif f.name == "category" and "|" in f.value or f.name == "category":
            _theme(b, d, f, mans)

    # ---- differences between metadata and text: both kept, each with its provenance
    for i, c in enumerate(find_conflicts(ex), 1):
        node = URIRef(f"{d}/conflict/{i}")
        g.add((node, RDF.type, K.Conflict))
        g.add((node, K.conflictIn, d))
        g.add((node, K.conflictField, Literal(c.field)))
        g.add((node, RDFS.comment, Literal(c.line(doc_id))))
        if c.text_value is not None:
            g.add((node, K.valueInText, Literal(c.text_value)))
            if c.text_evidence is not None:
                b.evidence(node, c.text_evidence, K.valueInText)
        else:
            g.add((node, K.valueInMetadata, Literal(c.other_value or "")))
            for f in c.other_fields or []:
                _meta_evidence(b, node, f, K.valueInMetadata, mans)
        g.add((node, K.valueInMetadata, Literal(c.meta_value)))
        for f in c.meta_fields:
            _meta_evidence(b, node, f, K.valueInMetadata, mans)


def _theme(b: _Builder, d: URIRef, f: MetaField, mans: dict[str, URIRef]) -> None:
    """An OVERHEID.category ("Financiën | Financieel toezicht") as a theme under its top-level theme."""
    K = b.K
    g = b.g
    scheme = b.iri("scheme/beleidsagenda")
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("Taxonomie Beleidsagenda", lang="nl")))
    top_label, _, sub_label = (s.strip() for s in f.value.partition("|"))
    top = b.iri(f"theme/{slug(top_label)}")
    g.add((top, RDF.type, SKOS.Concept))
    g.add((top, SKOS.prefLabel, Literal(top_label, lang="nl")))
    g.add((top, SKOS.inScheme, scheme))
    g.add((top, SKOS.topConceptOf, scheme))
    theme = top
    if sub_label:
        theme = b.iri(f"theme/{slug(top_label)}/{slug(sub_label)}")
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.prefLabel, Literal(sub_label, lang="nl")))
        g.add((theme, SKOS.inScheme, scheme))
        g.add((theme, SKOS.broader, top))
    g.add((d, DCTERMS.subject, theme))
    _meta_evidence(b, d, f, DCTERMS.subject, mans, body=theme)
    _ = K


def _target(
    b: _Builder, e: URIRef, span: Span, text: str, manifestation: URIRef | None, quote: bool = True
) -> URIRef:
    g = b.g
    target = URIRef(f"{e}#target")
    g.add((e, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, b.doc))
    if manifestation is not None:
        g.add((target, b.K.inManifestation, manifestation))
    pos = URIRef(f"{e}#position")
    g.add((target, OA.hasSelector, pos))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    g.add((pos, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    if quote and span.end > span.start:
        q = URIRef(f"{e}#quote")
        g.add((target, OA.hasSelector, q))
        g.add((q, RDF.type, OA.TextQuoteSelector))
        g.add((q, OA.exact, Literal(text[span.start : span.end])))
    return target


def _new_evidence(
    b: _Builder, subject: URIRef, prop: URIRef | None, rule: str, body: URIRef | None = None
) -> URIRef:
    b.n_ev += 1
    e = URIRef(f"{b.doc}/evidence/{b.n_ev}")
    g = b.g
    g.add((e, RDF.type, b.K.Evidence))
    g.add((e, RDF.type, OA.Annotation))
    g.add((subject, b.K.evidence, e))
    if prop is not None:
        g.add((e, b.K.forProperty, prop))
    if body is not None:
        g.add((e, OA.hasBody, body))
    g.add((e, OA.motivatedBy, OA.identifying if body is not None else OA.describing))
    g.add((e, PROV.wasAttributedTo, b.agent(rule)))
    return e


def _meta_evidence(
    b: _Builder,
    subject: URIRef,
    f: MetaField,
    prop: URIRef,
    mans: dict[str, URIRef],
    body: URIRef | None = None,
) -> None:
    """Evidence of a metadata value: its span in the metadata file (the manifestation named on the target)."""
    ex_text = getattr(b, "meta_texts", {}).get(f.source, "")
    e = _new_evidence(b, subject, prop, f"rule:metadata-{slug(f.source)}", body)
    _target(b, e, f.span, ex_text, mans.get(SOURCE_MANIFESTATION[f.source]))


def _part_evidence(b: _Builder, part: URIRef, span: Span, xpath: str, manifestation: URIRef) -> None:
    """Where a part lies in the file: its XPath and its character range (no quote: parts are long)."""
    e = _new_evidence(b, part, DCTERMS.isPartOf, "rule:official-structure")
    target = _target(b, e, span, "", manifestation, quote=False)
    xp = URIRef(f"{e}#xpath")
    b.g.add((target, OA.hasSelector, xp))
    b.g.add((xp, RDF.type, OA.XPathSelector))
    b.g.add((xp, RDF.value, Literal(xpath)))
