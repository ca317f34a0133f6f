"""The static site ``dist/site/``: one page per resource, an index page per class, a timeline of meetings
and the ontology documentation; every resource page has ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf``
siblings rendered from the same ``Index.describe(iri)``.

Layout (paths relative to the site root, which ``kamerkg serve`` mounts at ``/``):

* resource ``<base>id/X`` -> ``page/X.html`` (+ ``page/X.ttl`` ...), fragment ``#f`` -> ``page/X.html#f``
* class ``C`` -> ``class/<prefix>-<Local>.html``; ``index.html``; ``timeline.html``; ``static/style.css``

Links between pages are relative, so the site works under any host and path. Jinja2 autoescaping is on
for every template; the schema.org JSON-LD in the head is escaped for a ``<script>`` element.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import jinja2
import pyoxigraph as ox

from kamerkg.config import Settings
from kamerkg.publish.index import RDF_TYPE, Index, strip_fragment
from kamerkg.publish.jsonld import Compactor, dumps
from kamerkg.publish.svg import diagram

Writer = Callable[[str, bytes], None]

DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "https://schema.org/"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

# classes listed first on the home page, with Dutch and English names where the ontology has none
FEATURED = {
    "kkg:ParliamentaryDocument": ("documenten", "documents"),
    "kkg:Dossier": ("dossiers", "dossiers"),
    "kkg:Meeting": ("bijeenkomsten", "meetings"),
    "kkg:InternationalOrganisation": ("internationale organisaties", "international organisations"),
    "kkg:GovernmentOrganisation": ("overheidsorganisaties", "government organisations"),
    "kkg:ParliamentaryChamber": ("Kamers", "chambers"),
    "foaf:Person": ("personen", "persons"),
    "org:Post": ("functies", "posts"),
    "skos:Concept": ("begrippen en onderwerpen", "concepts and topics"),
    "kkg:TaskForce": ("taskforces", "task forces"),
    "schema:Place": ("plaatsen", "places"),
    "schema:City": ("steden", "cities"),
    "schema:Country": ("landen", "countries"),
}
STATEMENT_KINDS = ("Position", "Commitment", "Correction", "Citation", "AgendaItem", "Signature")
SCHEMA_TYPES = (
    ("ParliamentaryDocument", "Report"),
    ("Meeting", "Event"),
    ("AgendaItem", "Event"),
    ("Person", "Person"),
    ("GovernmentOrganisation", "GovernmentOrganization"),
    ("ParliamentaryChamber", "GovernmentOrganization"),
    ("Organisation", "Organization"),
    ("Organization", "Organization"),
    ("TaskForce", "Organization"),
    ("City", "City"),
    ("Country", "Country"),
    ("Place", "Place"),
    ("Dossier", "Collection"),
    ("Concept", "DefinedTerm"),
    ("Post", "Role"),
)


FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
# Dutch and English names of the borrowed properties the kamerkg ontology does not label itself
PROP_LABELS = {
    OWL_SAMEAS: ("zelfde als", "same as"),
    SKOS + "prefLabel": ("voorkeursnaam", "preferred label"),
    SKOS + "altLabel": ("andere naam", "alternative label"),
    SKOS + "hiddenLabel": ("zoekvariant", "hidden label"),
    SKOS + "exactMatch": ("komt overeen met", "exact match"),
    SKOS + "closeMatch": ("lijkt op", "close match"),
    SKOS + "broadMatch": ("valt onder", "broad match"),
    SKOS + "related": ("verwant aan", "related"),
    SKOS + "inScheme": ("in begrippenlijst", "in scheme"),
    SKOS + "broader": ("breder begrip", "broader"),
    SKOS + "notation": ("code", "notation"),
    RDFS + "label": ("naam", "label"),
    RDFS + "comment": ("toelichting", "comment"),
    RDFS + "seeAlso": ("zie ook", "see also"),
    DCT + "title": ("titel", "title"),
    DCT + "date": ("datum", "date"),
    DCT + "identifier": ("kenmerk", "identifier"),
    DCT + "creator": ("opsteller", "creator"),
    DCT + "references": ("verwijst naar", "references"),
    DCT + "source": ("bron", "source"),
    DCT + "spatial": ("plaats", "place"),
    DCT + "subject": ("onderwerp", "subject"),
    SCHEMA + "mentions": ("noemt", "mentions"),
    SCHEMA + "isPartOf": ("deel van", "part of"),
    SCHEMA + "startDate": ("begindatum", "start date"),
    SCHEMA + "endDate": ("einddatum", "end date"),
    SCHEMA + "location": ("locatie", "location"),
    SCHEMA + "position": ("volgnummer", "position"),
    SCHEMA + "issn": ("ISSN", "ISSN"),
    SCHEMA + "name": ("naam", "name"),
    FOAF + "page": ("webpagina", "web page"),
    FOAF + "name": ("naam", "name"),
    ORG + "holds": ("bekleedt", "holds"),
    ORG + "heldBy": ("bekleed door", "held by"),
    ORG + "postIn": ("functie bij", "post in"),
    ORG + "subOrganizationOf": ("onderdeel van", "sub-organisation of"),
    ORG + "hasSubOrganization": ("heeft onderdeel", "has sub-organisation"),
    ORG + "unitOf": ("eenheid van", "unit of"),
    ORG + "memberOf": ("lid van", "member of"),
    ORG + "member": ("lid", "member"),
    ORG + "organization": ("organisatie", "organisation"),
    ORG + "role": ("rol", "role"),
    OA + "hasBody": ("betreft", "body"),
    OA + "hasTarget": ("doel", "target"),
    OA + "hasSource": ("brondocument", "source"),
    OA + "hasSelector": ("selector", "selector"),
    OA + "motivatedBy": ("motivatie", "motivated by"),
    OA + "start": ("begin (teken)", "start (character)"),
    OA + "end": ("eind (teken)", "end (character)"),
    OA + "exact": ("letterlijke tekst", "exact text"),
    PROV + "wasAttributedTo": ("toegeschreven aan", "attributed to"),
}
MANY = 12  # values shown before the rest folds away


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kamerkg", "templates"),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def script_json(obj: object) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, no HTML comment openers."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass
class Site:
    idx: Index
    s: Settings
    compactor: Compactor
    context_url: str
    prefixes: dict[str, str]
    onto: Index
    texts: dict[str, str]  # document IRI -> source text

    def __post_init__(self) -> None:
        self.env = environment()
        self.ids = self.s.ids
        self._labels: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ naming and links
    def page_of(self, iri: str) -> str | None:
        doc = strip_fragment(iri)
        if doc.startswith(self.ids) and len(doc) > len(self.ids):
            rest = doc[len(self.ids) :]
            if re.fullmatch(r"[A-Za-z0-9._~\-/%]+", rest) and ".." not in rest and not rest.endswith("/"):
                return f"page/{rest}"
        return None

    def class_page(self, cls: str) -> str:
        return f"class/{self.curie(cls).replace(':', '-')}.html"

    def curie(self, iri: str) -> str:
        for name, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    def href(self, iri: str, cur: str) -> tuple[str | None, bool]:
        """(link, external) for ``iri`` from the page at ``cur`` (a path relative to the site root)."""
        page = self.page_of(iri)
        if page is not None:
            frag = iri.split("#", 1)[1] if "#" in iri else ""
            return rel(page + ".html", cur) + (f"#{frag}" if frag else ""), False
        if iri.startswith(self.s.vocab):
            return rel("ontology/index.html", cur) + "#" + iri[len(self.s.vocab) :], False
        if iri.startswith(("http://", "https://")):
            return iri, True
        return None, False

    def label(self, iri: str, lang: str = "nl") -> str:
        key = (iri, lang)
        if key not in self._labels:  # the index never changes: labels are computed once
            self._labels[key] = self._label(iri, lang)
        return self._labels[key]

    def _label(self, iri: str, lang: str) -> str:
        if iri in PROP_LABELS and not self.onto.label(iri):
            return PROP_LABELS[iri][0 if lang == "nl" else 1]
        if iri.startswith(self.s.vocab) or self.onto.label(iri):
            lab = self.onto.label_exact(iri, lang) or self.onto.label(iri, lang)
            if lab:
                return lab
        lab = self.idx.label(iri, lang)
        if lab:
            return lab
        if self.idx.has_type(iri, self.s.vocab + "Evidence"):
            quote = [o.value for o in self.idx.values(iri + "#quote", OA + "exact")]
            if quote:
                q = " ".join(quote[0].split())
                return f"“{q[:60]}{'…' if len(q) > 60 else ''}”"
        ident = [o.value for o in self.idx.values(iri, DCT + "identifier")]
        if ident:
            return ident[0]
        if iri.startswith(self.ids):
            parts = iri[len(self.ids) :].replace("#", "/").split("/")
            types = self.idx.types(iri)
            kind = self.onto.label_exact(types[0], lang) if types else None
            if kind and len(parts) > 2:  # a sub-resource such as doc/X/signature/1: "ondertekening 1"
                return f"{kind} {parts[-1]}"
            return " ".join(parts[-2:]) if len(parts) > 2 else parts[-1]
        return self.curie(iri)

    def label_en(self, iri: str) -> str | None:
        if iri in PROP_LABELS and not self.onto.label(iri):
            return PROP_LABELS[iri][1]
        return self.onto.label_exact(iri, "en") or self.idx.label_exact(iri, "en")

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, cur: str) -> dict[str, object]:
        if isinstance(term, ox.Literal):
            dt = term.datatype.value if not term.language else ""
            return {
                "href": None,
                "iri": None,
                "label": term.value,
                "lang": term.language or "",
                "datatype": self.curie(dt) if dt and dt != XSD + "string" else "",
                "label_en": None,
                "external": False,
            }
        if isinstance(term, ox.BlankNode):
            return {
                "href": None,
                "iri": f"_:{term.value}",
                "label": f"_:{term.value}",
                "lang": "",
                "datatype": "",
                "label_en": None,
                "external": False,
            }
        link, ext = self.href(term.value, cur)
        return {
            "href": link,
            "iri": term.value,
            "label": self.label(term.value),
            "label_en": self.label_en(term.value),
            "external": ext,
            "lang": "",
            "datatype": "",
        }

    def rows(self, triples: list[ox.Triple], cur: str) -> list[dict[str, object]]:
        by_p: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            if t.predicate.value != RDF_TYPE:
                by_p[t.predicate.value].append(t)
        out = []
        for p, ts in by_p.items():
            vals = [self.value(t.object, cur) for t in ts]
            vals.sort(key=lambda v: (str(v["label"]).lower(), str(v["iri"] or "")))
            link, _ = self.href(p, cur)
            out.append(
                {
                    "iri": p,
                    "href": link,
                    "label": self.label(p),
                    "label_en": self.label_en(p),
                    "vals": vals[:MANY] if len(vals) > MANY + 3 else vals,
                    "more": vals[MANY:] if len(vals) > MANY + 3 else [],
                }
            )
        # provenance links last: the source text below shows them in place
        out.sort(
            key=lambda r: (r["iri"] == self.s.vocab + "evidence", str(r["label"]).lower(), str(r["iri"]))
        )
        return out

    # ------------------------------------------------------------------ pages
    def resources(self) -> list[str]:
        out: set[str] = set()
        for t in self.idx.triples:
            for term in (t.subject, t.object):
                if isinstance(term, ox.NamedNode) and self.page_of(term.value):
                    out.add(strip_fragment(term.value))
        return sorted(out)

    def write(self, write: Writer) -> int:
        pages = self.resources()
        for iri in pages:
            self.write_resource(iri, write)
        self.write_classes(write)
        self.write_timeline(write)
        write("static/style.css", resources.files("kamerkg").joinpath("templates/style.css").read_bytes())
        return len(pages)

    def render(self, template: str, **kw: object) -> bytes:
        return self.env.get_template(template).render(**kw).encode()

    def write_resource(self, iri: str, write: Writer) -> None:
        stem_path = self.page_of(iri)
        assert stem_path is not None
        cur = stem_path + ".html"
        triples = self.idx.describe(iri)
        # the page's own serialisations
        px = self.prefixes
        write(stem_path + ".ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=px) or b"")
        write(stem_path + ".nt", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        write(stem_path + ".rdf", ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=px) or b"")
        write(stem_path + ".jsonld", dumps(self.compactor.document(self.context_url, triples)))
        own = [t for t in triples if t.subject.value == iri]
        frags: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            s = t.subject.value
            if s != iri and strip_fragment(s) == iri and isinstance(t.subject, ox.NamedNode):
                frags[s.split("#", 1)[1]].append(t)
        incoming_all = [
            t
            for t in triples
            if isinstance(t.object, ox.NamedNode)
            and t.object.value == iri
            and strip_fragment(t.subject.value) != iri
        ]
        incoming = [t for t in incoming_all if t.predicate.value not in (OA + "hasSource", OA + "hasBody")]
        # evidence naming this resource: one row per source document, linking to the first highlight
        cited: dict[str, list[int]] = defaultdict(list)
        for t in incoming_all:
            if t.predicate.value == OA + "hasBody":
                ev = t.subject.value
                doc, _, num = ev.rpartition("/evidence/")
                if doc and num.isdigit():
                    cited[doc].append(int(num))
        inc_rows = []
        for doc, nums in sorted(cited.items()):
            link, _ = self.href(doc, cur)
            v = self.value(ox.NamedNode(doc), cur)
            if link:
                v["href"] = f"{link}#ev-{min(nums)}"
            inc_rows.append(
                {
                    "subject": v,
                    "iri": OA + "hasBody",
                    "href": None,
                    "label": f"genoemd in de brontekst ({len(nums)}×)",
                    "label_en": f"named in the source text ({len(nums)}×)",
                }
            )
        for t in incoming:
            link, _ = self.href(t.predicate.value, cur)
            inc_rows.append(
                {
                    "subject": self.value(t.subject, cur),
                    "iri": t.predicate.value,
                    "href": link,
                    "label": self.label(t.predicate.value),
                    "label_en": self.label_en(t.predicate.value),
                }
            )
        inc_rows.sort(key=lambda r: (str(r["label"]).lower(), str(r["subject"]["label"]).lower()))  # type: ignore[index]
        types = [
            {"iri": c, "label": self.label(c), "href": rel(self.class_page(c), cur)}
            for c in self.idx.types(iri)
        ]
        stem = posixpath.basename(stem_path)
        svg = ""
        source = None
        if iri in self.texts:
            svg = diagram(self.idx, iri, self.ids, lambda n: self.href(n, cur)[0], self.label)
            write(stem_path + ".svg", svg.encode())
            source = self.segments(iri, self.texts[iri], cur)
        body = self.render(
            "resource.html",
            root=rel("", cur),
            iri=iri,
            title=self.label(iri),
            title_en=self.label_en(iri),
            types=types,
            stem=stem,
            props=self.rows(own, cur),
            fragments=[{"id": f, "props": self.rows(ts, cur)} for f, ts in sorted(frags.items())],
            incoming=inc_rows,
            incoming_more=sum(t.predicate.value == OA + "hasSource" for t in incoming_all),
            diagram=svg,
            source=source,
            schema_json=script_json(self.schema_org(iri, cur)),
        )
        write(cur, body)

    def schema_org(self, iri: str, cur: str) -> dict[str, object]:
        types = self.idx.types(iri)
        st = "Thing"
        for k, v in SCHEMA_TYPES:
            if any(t.endswith(k) for t in types):
                st = v
                break
        d: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": st,
            "@id": iri,
            "name": self.label(iri),
        }
        en = self.label_en(iri)
        if en and en != d["name"]:
            d["alternateName"] = en
        same = sorted(
            o.value
            for p in (OWL_SAMEAS, SKOS + "exactMatch")
            for o in self.idx.values(iri, p)
            if isinstance(o, ox.NamedNode)
        )
        if same:
            d["sameAs"] = same
        for p, key in (
            (DCT + "identifier", "identifier"),
            (DCT + "date", "datePublished"),
            (SCHEMA + "startDate", "startDate"),
            (SCHEMA + "endDate", "endDate"),
        ):
            vals = [o.value for o in self.idx.values(iri, p)]
            if vals:
                d[key] = sorted(vals)[0]
        for p, key in (
            (DCT + "creator", "author"),
            (SCHEMA + "location", "location"),
            (SCHEMA + "mentions", "mentions"),
            (self.s.vocab + "inDossier", "isPartOf"),
        ):
            objs = sorted({o.value for o in self.idx.values(iri, p) if isinstance(o, ox.NamedNode)})
            if objs:
                d[key] = [{"@id": o, "name": self.label(o)} for o in objs]
        pages = [o.value for o in self.idx.values(iri, "http://xmlns.com/foaf/0.1/page")]
        if pages:
            d["url"] = sorted(pages)[0]
        return d

    def segments(self, doc: str, text: str, cur: str) -> list[dict[str, object]]:
        """The source text cut at every evidence boundary; each piece carries its innermost evidence."""
        K = self.s.vocab
        spans = []
        for t in self.idx.by_object.get(doc, ()):
            if t.predicate.value != OA + "hasSource" or not isinstance(t.subject, ox.NamedNode):
                continue
            ev = strip_fragment(t.subject.value)
            try:
                start = int(self.idx.values(ev + "#position", OA + "start")[0].value)
                end = int(self.idx.values(ev + "#position", OA + "end")[0].value)
            except (IndexError, ValueError):
                continue
            if not 0 <= start < end <= len(text):
                continue
            body = [o.value for o in self.idx.values(ev, OA + "hasBody")]
            holders = [
                x.subject.value for x in self.idx.by_object.get(ev, ()) if x.predicate.value == K + "evidence"
            ]
            prop = [o.value for o in self.idx.values(ev, K + "forProperty")]
            target = body[0] if body else next((h for h in holders if h != doc), None)
            what = (
                self.label(prop[0])
                if prop
                else (self.label(self.idx.types(target)[0]) if target and self.idx.types(target) else "")
            )
            title = f"{what}: {self.label(target)}" if target else (what or "bron")
            kind = "entity"
            if target:
                tys = self.idx.types(target)
                if any(x.endswith("Meeting") for x in tys):
                    kind = "meeting"
                elif any(x.endswith("ParliamentaryDocument") for x in tys):
                    kind = "document"
                elif any(x.endswith(STATEMENT_KINDS) for x in tys):
                    kind = "statement"
            else:
                kind = "statement"
            anchor = "ev-" + ev.rsplit("/", 1)[-1]
            spans.append((start, end, ev, anchor, target, title, kind))
        spans.sort(key=lambda x: (x[0], x[1], x[2]))
        cuts = sorted({0, len(text), *[x[0] for x in spans], *[x[1] for x in spans]})
        out: list[dict[str, object]] = []
        anchored: set[str] = set()
        for a, b in zip(cuts, cuts[1:], strict=False):
            cover = [x for x in spans if x[0] <= a and b <= x[1]]
            piece = text[a:b]
            if not cover:
                out.append({"text": piece, "href": None, "title": "", "kind": "", "anchor": ""})
                continue
            inner = min(cover, key=lambda x: (x[1] - x[0], x[2]))
            anchor = ""
            for x in cover:
                if x[3] not in anchored and x[0] == a:
                    anchor = x[3] if not anchor else anchor
            if anchor:
                anchored.add(anchor)
            link = self.href(inner[4], cur)[0] if inner[4] else None
            out.append({"text": piece, "href": link, "title": inner[5], "kind": inner[6], "anchor": anchor})
        return out

    def write_classes(self, write: Writer) -> None:
        counts: dict[str, list[str]] = defaultdict(list)
        for t in self.idx.triples:
            if (
                t.predicate.value == RDF_TYPE
                and isinstance(t.object, ox.NamedNode)
                and self.page_of(t.subject.value)
            ):
                counts[t.object.value].append(t.subject.value)
        classes = []
        for cls, members in sorted(counts.items()):
            cur = self.class_page(cls)
            featured = self.curie(cls) in FEATURED
            nl, en = FEATURED.get(self.curie(cls), (None, None))
            title = self.onto.label_exact(cls, "nl") or nl or self.label(cls)
            title_en = self.onto.label_exact(cls, "en") or en
            items = []
            for m in sorted(set(members), key=lambda m: (self.label(m).lower(), m)):
                v = self.value(ox.NamedNode(m), cur)
                v["note"] = self.note(m)
                items.append(v)
            write(
                cur,
                self.render(
                    "class_index.html",
                    root=rel("", cur),
                    title=title,
                    title_en=title_en,
                    iri=cls,
                    items=items,
                ),
            )
            classes.append(
                {
                    "href": cur,
                    "label": title,
                    "label_en": title_en,
                    "count": len(set(members)),
                    "curie": self.curie(cls),
                    "featured": featured,
                    "iri": cls,
                }
            )
        classes.sort(key=lambda c: (not c["featured"], str(c["label"]).lower()))
        docs = [strip_fragment(d) for d in self.texts]
        documents = []
        for d in sorted(docs):
            v = self.value(ox.NamedNode(d), "index.html")
            v["note"] = self.note(d)
            documents.append(v)
        write(
            "index.html",
            self.render(
                "index.html",
                root="",
                title="kamerkg",
                classes=classes,
                documents=documents,
                n_docs=len(docs),
                n_triples=len(self.idx.triples),
            ),
        )

    def note(self, iri: str) -> str:
        for p in (DCT + "date", SCHEMA + "startDate"):
            vals = sorted(o.value for o in self.idx.values(iri, p))
            if vals:
                return vals[0]
        return ""

    def write_timeline(self, write: Writer) -> None:
        cur = "timeline.html"
        meetings, undated = [], []
        for m in self.idx.subjects_of_type(self.s.vocab + "Meeting"):
            start = sorted(o.value for o in self.idx.values(m, SCHEMA + "startDate"))
            end = sorted(o.value for o in self.idx.values(m, SCHEMA + "endDate"))
            link = self.value(ox.NamedNode(m), cur)
            if not start:
                undated.append(link)
                continue
            convened = [self.value(o, cur) for o in self.idx.values(m, self.s.vocab + "convenedBy")]
            docs = sorted(
                {
                    t.subject.value
                    for t in self.idx.by_object.get(m, ())
                    if self.idx.has_type(t.subject.value, self.s.vocab + "ParliamentaryDocument")
                }
            )
            meetings.append(
                {
                    "start": start[0],
                    "end": end[0] if end else "",
                    "link": link,
                    "convened": convened,
                    "docs": [self.value(ox.NamedNode(d), cur) for d in docs],
                }
            )
        meetings.sort(key=lambda m: (str(m["start"]), str(m["link"]["iri"])))  # type: ignore[index]
        write(
            cur, self.render("timeline.html", root="", title="Tijdlijn", meetings=meetings, undated=undated)
        )


def rel(target: str, cur: str) -> str:
    """``target`` (relative to the site root) as a link from the page ``cur``."""
    base = posixpath.dirname(cur)
    if target == "":
        up = base.count("/") + 1 if base else 0
        return "../" * up
    return posixpath.relpath(target, base or ".")


def ontology_page(onto: Index, onto_iri: str, ns: str, prefixes: dict[str, str], write: Writer) -> None:
    """``ontology/index.html``: every class and property of the kamerkg namespace, in Dutch and English."""
    site = Site(
        idx=onto,
        s=_FakeSettings(ns),
        compactor=None,
        context_url="",
        prefixes=prefixes,  # type: ignore[arg-type]
        onto=onto,
        texts={},
    )
    cur = "ontology/index.html"

    def link(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, object]:
        v = site.value(term, cur)
        if isinstance(term, ox.NamedNode) and term.value.startswith(ns):
            v["href"] = "#" + term.value[len(ns) :]
        return v

    sections = []
    kinds = (
        (OWL + "Class", "Klassen", "classes"),
        (OWL + "ObjectProperty", "Objecteigenschappen", "object properties"),
        (OWL + "DatatypeProperty", "Datatype-eigenschappen", "datatype properties"),
        (OWL + "AnnotationProperty", "Annotatie-eigenschappen", "annotation properties"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#Property", "Overige eigenschappen", "other properties"),
    )
    done: set[str] = set()
    skip = {RDF_TYPE, RDFS + "label", RDFS + "comment"}
    for cls, nl, en in kinds:
        terms = []
        for t in onto.subjects_of_type(cls):
            if not t.startswith(ns) or t in done:
                continue
            done.add(t)
            rows = []
            by_p: dict[str, list[dict[str, object]]] = defaultdict(list)
            for tr in onto.by_subject.get(t, ()):
                if tr.predicate.value not in skip:
                    by_p[tr.predicate.value].append(link(tr.object))
            for p, vals in sorted(by_p.items(), key=lambda kv: site.curie(kv[0])):
                rows.append({"label": site.curie(p), "vals": vals})
            comments = {
                o.language: o.value for o in onto.values(t, RDFS + "comment") if isinstance(o, ox.Literal)
            }
            terms.append(
                {
                    "id": t[len(ns) :],
                    "label": onto.label_exact(t, "nl") or t[len(ns) :],
                    "label_en": onto.label_exact(t, "en"),
                    "comment": comments.get("nl"),
                    "comment_en": comments.get("en"),
                    "rows": rows,
                }
            )
        if terms:
            terms.sort(key=lambda x: str(x["id"]).lower())
            sections.append({"title": nl, "title_en": en, "terms": terms})
    meta = []
    for tr in onto.by_subject.get(onto_iri, ()):
        if tr.predicate.value not in (RDF_TYPE,):
            meta.append((site.curie(tr.predicate.value), link(tr.object)))
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for k, v in sorted(meta, key=lambda kv: (kv[0], str(kv[1]["label"]))):
        grouped[k].append(v)
    body = site.render(
        "ontology.html",
        root="../",
        title=onto.label_exact(onto_iri, "nl") or "kamerkg-ontologie",
        title_en=onto.label_exact(onto_iri, "en"),
        iri=onto_iri,
        ns=ns,
        meta=[{"label": k, "vals": v} for k, v in grouped.items()],
        sections=sections,
    )
    write(cur, body)


@dataclass(frozen=True)
class _FakeSettings:
    """Just enough of :class:`Settings` for rendering the ontology with :class:`Site`."""

    vocab: str
    ids: str = "\x00"  # matches no IRI: the ontology has no instance pages
