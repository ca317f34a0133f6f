"""The dataset description: VoID for the statistics and linksets, DCAT (DCAT-AP style) for the catalogue
view, in one file ``void.ttl``. Everything is computed from the published triples and the inputs (the
ontology's ``dcterms:created`` and the documents' dates), never from the clock, so a rebuild of the same
inputs gives the same bytes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kamerkg.config import Settings

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IANA = "http://www.iana.org/assignments/media-types/"
EU_FT = "http://publications.europa.eu/resource/authority/file-type/"
WIKIDATA_NS = "http://www.wikidata.org/entity/"
TOOI_NS = "https://identifier.overheid.nl/tooi/"
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"

VOID_PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCT,
    "foaf": FOAF,
    "rdf": RDF,
    "xsd": XSD,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


@dataclass(frozen=True)
class Distribution:
    file: str
    media_type: str
    eu_format: str
    title: str


DISTRIBUTIONS = (
    Distribution("kamerkg.ttl", "text/turtle", "RDF_TURTLE", "Turtle (union of all graphs)"),
    Distribution("kamerkg.nt", "application/n-triples", "RDF_N_TRIPLES", "N-Triples (union of all graphs)"),
    Distribution("kamerkg.nq", "application/n-quads", "RDF_N_QUADS", "N-Quads (a named graph per document)"),
    Distribution("kamerkg.trig", "application/trig", "RDF_TRIG", "TriG (a named graph per document)"),
    Distribution("kamerkg.jsonld", "application/ld+json", "JSON_LD", "JSON-LD (a named graph per document)"),
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int, dt: str = "integer") -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(XSD + dt))


def _local(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


def dataset_iri(s: Settings) -> str:
    return f"{s.base}void#dataset"


def describe_dataset(
    s: Settings,
    triples: list[ox.Triple],
    quads: list[ox.Quad],
    sizes: dict[str, int],
    issued: str,
    modified: str,
    documents: list[str],
) -> list[ox.Triple]:
    base = s.base
    ds = _n(dataset_iri(s))
    out: list[ox.Triple] = []

    def add(subj: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(subj, _n(p), o))

    a = RDF + "type"
    add(ds, a, _n(VOID + "Dataset"))
    add(ds, a, _n(DCAT + "Dataset"))
    add(ds, DCT + "title", ox.Literal("kamerkg: Kamerstukken als kennisgraaf", language="nl"))
    add(
        ds,
        DCT + "title",
        ox.Literal("kamerkg: Dutch parliamentary documents as a knowledge graph", language="en"),
    )
    add(
        ds,
        DCT + "description",
        ox.Literal(
            "Feiten uit Kamerstukken (documenten, dossiers, bijeenkomsten, organisaties, personen, functies, "
            "onderwerpen, taskforces) als linked data, elk feit met herkomst in de brontekst.",
            language="nl",
        ),
    )
    add(
        ds,
        DCT + "description",
        ox.Literal(
            "Facts from Dutch parliamentary documents (documents, dossiers, meetings, organisations, "
            "persons, "
            "posts, topics, task forces) as linked data, each fact with its provenance in the source text.",
            language="en",
        ),
    )
    add(ds, DCT + "license", _n(LICENCE))
    pub = _n(f"{base}void#publisher")
    add(ds, DCT + "publisher", pub)
    add(pub, a, _n(FOAF + "Agent"))
    add(pub, FOAF + "name", ox.Literal("kamerkg editors"))
    add(pub, FOAF + "homepage", _n(base))
    add(ds, DCT + "issued", ox.Literal(issued, datatype=_n(XSD + "date")))
    add(ds, DCT + "modified", ox.Literal(modified, datatype=_n(XSD + "date")))
    add(ds, DCT + "language", _n("http://publications.europa.eu/resource/authority/language/NLD"))
    add(ds, DCAT + "landingPage", _n(base))
    add(ds, FOAF + "homepage", _n(base))
    add(ds, DCAT + "keyword", ox.Literal("Tweede Kamer", language="nl"))
    add(ds, DCAT + "keyword", ox.Literal("Kamerstukken", language="nl"))
    add(ds, DCAT + "keyword", ox.Literal("parliament", language="en"))
    add(ds, DCAT + "theme", _n("http://publications.europa.eu/resource/authority/data-theme/GOVE"))
    add(ds, VOID + "uriSpace", ox.Literal(s.ids))
    add(ds, VOID + "sparqlEndpoint", _n(f"{base}sparql"))
    add(ds, VOID + "vocabulary", _n(s.vocab))
    add(ds, VOID + "feature", _n("http://www.w3.org/ns/formats/Turtle"))
    add(ds, VOID + "feature", _n("http://www.w3.org/ns/formats/N-Quads"))
    add(ds, VOID + "feature", _n("http://www.w3.org/ns/formats/JSON-LD"))
    add(ds, VOID + "rootResource", _n(f"{s.ids}doc/{documents[0]}") if documents else _n(s.ids))
    for d in documents:
        add(ds, VOID + "exampleResource", _n(f"{s.ids}doc/{d}"))

    for dist in DISTRIBUTIONS:
        if dist.file not in sizes:
            continue
        di = _n(f"{base}void#dist-{dist.file.replace('.', '-')}")
        url = _n(base + dist.file)
        add(ds, DCAT + "distribution", di)
        add(ds, VOID + "dataDump", url)
        add(di, a, _n(DCAT + "Distribution"))
        add(di, DCT + "title", ox.Literal(dist.title, language="en"))
        add(di, DCAT + "downloadURL", url)
        add(di, DCAT + "accessURL", url)
        add(di, DCAT + "mediaType", _n(IANA + dist.media_type))
        add(di, DCT + "format", _n(EU_FT + dist.eu_format))
        add(di, DCAT + "byteSize", _int(sizes[dist.file], "nonNegativeInteger"))
        add(di, DCT + "license", _n(LICENCE))
    svc = _n(f"{base}void#sparql-service")
    add(svc, a, _n(DCAT + "DataService"))
    add(svc, DCT + "title", ox.Literal("SPARQL 1.1 endpoint", language="en"))
    add(svc, DCAT + "endpointURL", _n(f"{base}sparql"))
    add(svc, DCAT + "servesDataset", ds)
    add(svc, DCT + "conformsTo", _n("https://www.w3.org/TR/sparql11-protocol/"))

    # statistics
    subjects = {t.subject for t in triples}
    objects = {t.object for t in triples}
    props = Counter(t.predicate.value for t in triples)
    add(ds, VOID + "triples", _int(len(triples)))
    add(ds, VOID + "entities", _int(sum(isinstance(x, ox.NamedNode) for x in subjects)))
    add(ds, VOID + "distinctSubjects", _int(len(subjects)))
    add(ds, VOID + "distinctObjects", _int(len(objects)))
    add(ds, VOID + "properties", _int(len(props)))
    cls_members: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == a and isinstance(t.object, ox.NamedNode):
            cls_members[t.object.value].add(t.subject.value)
    add(ds, VOID + "classes", _int(len(cls_members)))
    add(ds, VOID + "documents", _int(len({q.graph_name.value for q in quads} - {f"{s.ids}graph/reference"})))  # type: ignore[union-attr]
    slugs = _slugs(set(cls_members) | set(props))
    for cls, members in sorted(cls_members.items()):
        cp = _n(f"{base}void#class-{slugs[cls]}")
        add(ds, VOID + "classPartition", cp)
        add(cp, VOID + "class", _n(cls))
        add(cp, VOID + "entities", _int(len(members)))
    for p, n in sorted(props.items()):
        pp = _n(f"{base}void#property-{slugs[p]}")
        add(ds, VOID + "propertyPartition", pp)
        add(pp, VOID + "property", _n(p))
        add(pp, VOID + "triples", _int(n))

    # linksets
    for name, ns, title in (("wikidata", WIKIDATA_NS, "Wikidata"), ("tooi", TOOI_NS, "TOOI")):
        target = _n(f"{base}void#{name}")
        add(target, a, _n(VOID + "Dataset"))
        add(target, DCT + "title", ox.Literal(title))
        add(target, VOID + "uriSpace", ox.Literal(ns))
        by_pred = Counter(t.predicate.value for t in _links(triples, ns))
        for p, n in sorted(by_pred.items()):
            ls = _n(f"{base}void#linkset-{name}-{_slugs([p])[p]}")
            add(ds, VOID + "subset", ls)
            add(ls, a, _n(VOID + "Linkset"))
            add(ls, VOID + "subjectsTarget", ds)
            add(ls, VOID + "objectsTarget", target)
            add(ls, VOID + "linkPredicate", _n(p))
            add(ls, VOID + "triples", _int(n))
    return sorted(set(out), key=str)


def _links(triples: Iterable[ox.Triple], ns: str) -> list[ox.Triple]:
    return [
        t
        for t in triples
        if isinstance(t.object, ox.NamedNode)
        and t.object.value.startswith(ns)
        and t.predicate.value != RDF + "type"
    ]


def _slugs(iris: Iterable[str]) -> dict[str, str]:
    """Readable fragment names, made unique with a short hash where two IRIs would share one."""
    import hashlib

    first = {i: _slug(i) for i in sorted(iris)}
    seen = Counter(first.values())
    return {
        i: s if seen[s] == 1 else f"{s}-{hashlib.sha1(i.encode()).hexdigest()[:6]}" for i, s in first.items()
    }


def _slug(iri: str) -> str:
    for name, ns in (("rdf", RDF), ("rdfs", VOID_PREFIXES["rdfs"]), ("dcterms", DCT), ("foaf", FOAF)):
        if iri.startswith(ns):
            return f"{name}-{iri[len(ns) :]}"
    parts = [p for p in iri.replace("#", "/").split("/") if p and ":" not in p]
    host = parts[0].split(".")[-2] if parts and "." in parts[0] else (parts[0] if parts else "x")
    return f"{host}-{'-'.join(parts[1:])}".replace(".", "-")
