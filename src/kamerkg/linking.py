"""Propose Wikidata links for entities that lack one, and move reviewed links into the registers.

``kamerkg link`` finds the entities of the registers (``data/reference/*.ttl``) and the minted
entities of a build (``kkg:unlinked true`` in ``dist/kamerkg.nq``) that have no Wikidata id yet
(no ``owl:sameAs``/``skos:exactMatch`` to ``http://www.wikidata.org/entity/``). For each it asks a
Wikidata-style SPARQL endpoint (``rdfs:label``/``skos:altLabel`` with language tags, ``wdt:P31`` and
``wdt:P279``) for items whose label or alias is one of the entity's names, scores them and writes
them as ``skos:closeMatch`` candidates with the score and the evidence to a review file (TSV, one
row per candidate, first column ``accept`` left empty for the reviewer).

``kamerkg link --accept REVIEW_FILE`` takes the rows marked ``yes`` (or ``y``, ``x``, ``ja``, ``1``)
and appends ``owl:sameAs`` with a ``kkg:linkSource`` naming the review to the register file that
defines the entity; a minted entity is added, with its type and label, to
``data/reference/linked-entities.ttl``. An entity that already has a Wikidata link is never changed,
whatever the review says. Appending keeps the curators' comments and layout of the registers.

Score (0..1): a match on the item's label 0.6, on an alias 0.45; +0.1 when the matched name is the
entity's preferred label; +0.3 when the item is an instance of (a subclass of) a class expected for
the entity's type, -0.3 when it has ``P31`` values but none of them fits.
"""

from __future__ import annotations

import argparse
import csv
import logging
import time
import urllib.error
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kamerkg.config import settings as get_settings
from kamerkg.errors import KamerkgError

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = (
    "kamerkg-link/0.1 (https://w3id.org/kamerkg/; linked-data tooling for Dutch parliamentary papers)"
)
WD = "http://www.wikidata.org/entity/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
KKG = "https://w3id.org/kamerkg/def#"
ID = "https://w3id.org/kamerkg/id/"
LINK_PREDICATES = (OWL_SAMEAS, SKOS + "exactMatch")
LINKED_FILE = "linked-entities.ttl"
ACCEPT_WORDS = {"yes", "y", "x", "ja", "j", "1", "true", "accept", "accepted"}
COLUMNS = [
    "accept",
    "entity",
    "entity_label",
    "entity_type",
    "register",
    "relation",
    "candidate",
    "candidate_label",
    "score",
    "evidence",
]

# Wikidata classes an item should be an instance of (P31/P279*), by our type; [] = any type.
EXPECTED_CLASSES: dict[str, list[str]] = {
    FOAF + "Person": ["Q5"],  # human
    SCHEMA + "Country": ["Q6256", "Q3624078"],  # country, sovereign state
    SCHEMA + "City": ["Q515", "Q486972", "Q2039348"],  # city, human settlement, municipality of NL
    SCHEMA + "Place": ["Q2221906", "Q486972"],  # geographic location, human settlement
    KKG + "GovernmentOrganisation": ["Q192350", "Q327333"],  # ministry, government agency
    KKG + "InternationalOrganisation": ["Q484652"],  # international organization
    KKG + "ParliamentaryChamber": ["Q375928", "Q637846", "Q11204"],  # lower house, upper house, legislature
    KKG + "PoliticalParty": ["Q7278"],  # political party
    KKG + "Committee": ["Q865588"],  # committee
    ORG + "Organization": ["Q43229"],  # organization
    ORG + "Post": ["Q4164871"],  # position
    SKOS + "Concept": [],  # topics only (see TOPIC_SCHEME)
}
TOPIC_SCHEME = ID + "scheme/topics"
LABEL_PREDICATES = {
    SKOS + "prefLabel": "prefLabel",
    SKOS + "altLabel": "altLabel",
    SKOS + "hiddenLabel": "hiddenLabel",
    FOAF + "name": "name",
    SCHEMA + "name": "name",
    RDFS + "label": "label",
}
LANGS = ("nl", "en", "mul")  # "mul": Wikidata's default label for names the same in every language


class LinkError(KamerkgError):
    """The endpoint failed, or a review file cannot be used."""

    exit_code = 3


# ----------------------------------------------------------------------------- entities


@dataclass
class Entity:
    iri: str
    types: list[str]
    labels: list[tuple[str, str | None, str]]  # (text, language, which label property)
    register: Path | None  # the register file defining it; None for a minted entity
    linked: list[str] = field(default_factory=list)  # existing Wikidata IRIs

    @property
    def type(self) -> str:
        for t in self.types:
            if t in EXPECTED_CLASSES:
                return t
        return self.types[0] if self.types else ""

    @property
    def label(self) -> str:
        for text, lang, how in self.labels:
            if how == "prefLabel" and lang == "nl":
                return text
        return self.labels[0][0] if self.labels else self.iri.rsplit("/", 1)[-1]

    def names(self) -> dict[str, str]:
        """Name variants to look up -> the label property it came from (prefLabel wins)."""
        out: dict[str, str] = {}
        topic = SKOS + "Concept" in self.types
        for text, _lang, how in sorted(self.labels, key=lambda x: x[2] != "prefLabel"):
            variants = [text.strip()]
            if topic and text[:1].isupper():
                variants.append(text[:1].lower() + text[1:])  # Wikidata writes common nouns lower-case
            for v in variants:
                if v and v not in out:
                    out[v] = how
        return out


def _entities_of(
    quads: Iterable[ox.Quad | ox.Triple], register: Path | None, minted_only: bool
) -> list[Entity]:
    types: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, list[tuple[str, str | None, str]]] = defaultdict(list)
    linked: dict[str, list[str]] = defaultdict(list)
    schemes: dict[str, set[str]] = defaultdict(set)
    unlinked: set[str] = set()
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode):
            continue
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            types[s].append(o.value)
        elif p in LABEL_PREDICATES and isinstance(o, ox.Literal):
            labels[s].append((o.value, o.language, LABEL_PREDICATES[p]))
        elif p in LINK_PREDICATES and isinstance(o, ox.NamedNode) and o.value.startswith(WD):
            linked[s].append(o.value)
        elif p == SKOS + "inScheme" and isinstance(o, ox.NamedNode):
            schemes[s].add(o.value)
        elif p == KKG + "unlinked" and isinstance(o, ox.Literal) and o.value in ("true", "1"):
            unlinked.add(s)
    out = []
    for s, ts in types.items():
        if minted_only and s not in unlinked:
            continue
        if not any(t in EXPECTED_CLASSES for t in ts) or not labels.get(s):
            continue
        if SKOS + "Concept" in ts and TOPIC_SCHEME not in schemes[s]:
            continue
        out.append(Entity(s, ts, labels[s], register, linked.get(s, [])))
    return out


def register_entities(reference_dir: Path) -> list[Entity]:
    """Linkable entities of every register file, with the file that defines each."""
    out: list[Entity] = []
    for f in sorted(Path(reference_dir).glob("*.ttl")):
        try:
            triples = list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
        except SyntaxError as e:
            raise LinkError(f"{f}: not valid Turtle: {e}") from None
        out += _entities_of(triples, f, minted_only=False)
    return out


def minted_entities(dist_dir: Path) -> list[Entity]:
    """Entities that the extractor minted (``kkg:unlinked true``) in a built dataset."""
    nq = Path(dist_dir) / "kamerkg.nq"
    if not nq.is_file():
        return []
    return _entities_of(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS), None, minted_only=True)


def entities_to_link(reference_dir: Path, dist_dir: Path | None) -> list[Entity]:
    regs = register_entities(reference_dir)
    known = {e.iri for e in regs}
    minted = [e for e in minted_entities(dist_dir) if e.iri not in known] if dist_dir else []
    merged: dict[str, Entity] = {}
    for e in regs + minted:
        if e.iri in merged:  # defined in two files: keep the first, merge the links
            merged[e.iri].linked += e.linked
        else:
            merged[e.iri] = e
    return [e for e in merged.values() if not e.linked]


# ----------------------------------------------------------------------------- the endpoint


@dataclass
class Candidate:
    entity: Entity
    item: str
    item_label: str
    score: float
    evidence: str

    @property
    def qid(self) -> str:
        return self.item[len(WD) :] if self.item.startswith(WD) else self.item


def _lit(text: str, lang: str) -> str:
    return str(ox.Literal(text, language=lang))


def candidate_query(entity: Entity, limit: int = 200) -> str:
    values = " ".join(_lit(n, lang) for n in entity.names() for lang in LANGS)
    expected = EXPECTED_CLASSES.get(entity.type, [])
    type_check = (
        "  OPTIONAL { VALUES ?expected { " + " ".join(f"wd:{q}" for q in expected) + " }\n"
        "             ?item wdt:P31/wdt:P279* ?expected . BIND(true AS ?typeOk) }\n"
        if expected
        else ""
    )
    return (
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?item ?text ?how ?type ?typeOk ?itemLabel WHERE {\n"
        f"  VALUES ?text {{ {values} }}\n"
        '  { ?item rdfs:label ?text . BIND("label" AS ?how) }\n'
        '  UNION { ?item skos:altLabel ?text . BIND("alias" AS ?how) }\n'
        '  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))\n'
        "  OPTIONAL { ?item wdt:P31 ?type }\n"
        f"{type_check}"
        '  OPTIONAL { ?item rdfs:label ?itemLabel . FILTER(LANG(?itemLabel) IN ("en", "nl")) }\n'
        f"}} LIMIT {limit}"
    )


class Endpoint:
    """A SPARQL endpoint asked through SPARQLWrapper, with a timeout, retries with backoff and a pause."""

    def __init__(
        self,
        url: str = DEFAULT_ENDPOINT,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        delay: float = 0.5,
        agent: str = USER_AGENT,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.delay = delay
        self.agent = agent
        self.requests = 0
        self._last = 0.0

    def select(self, query: str) -> list[dict[str, dict[str, str]]]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        for attempt in range(self.retries + 1):
            wait = self.delay - (time.monotonic() - self._last)
            if wait > 0:
                time.sleep(wait)
            sw = SPARQLWrapper(self.url, agent=self.agent)
            sw.setMethod(POST)
            sw.setReturnFormat(JSON)
            sw.setTimeout(max(1, round(self.timeout)))
            sw.setQuery(query)
            self.requests += 1
            self._last = time.monotonic()
            retry_after: float | None = None
            try:
                result = sw.query().convert()
                assert isinstance(result, dict)
                return list(result["results"]["bindings"])
            except urllib.error.HTTPError as e:
                if e.code not in (429, 500, 502, 503, 504):
                    raise LinkError(f"{self.url}: HTTP {e.code} {e.reason}") from None
                ra = e.headers.get("Retry-After") if e.headers else None
                retry_after = float(ra) if ra and ra.strip().isdigit() else None
                why = f"HTTP {e.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                why = type(e).__name__
            except SPARQLWrapperException as e:
                # EndPointInternalError (500) and friends; a bad query is not worth retrying
                if type(e).__name__ in ("QueryBadFormed", "Unauthorized", "URITooLong"):
                    raise LinkError(f"{self.url}: {type(e).__name__}") from None
                why = type(e).__name__
            if attempt == self.retries:
                raise LinkError(f"{self.url}: gave up after {attempt + 1} tries ({why})")
            pause = retry_after if retry_after is not None else self.backoff * 2**attempt
            log.info("%s: %s; retrying in %.1f s", self.url, why, pause)
            time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover


def score_candidates(entity: Entity, bindings: list[dict[str, dict[str, str]]]) -> list[Candidate]:
    names = entity.names()
    expected = EXPECTED_CLASSES.get(entity.type, [])
    items: dict[str, dict[str, object]] = {}
    for b in bindings:
        item = b["item"]["value"]
        d = items.setdefault(item, {"how": set(), "texts": set(), "types": set(), "ok": False, "labels": {}})
        d["how"].add(b["how"]["value"])  # type: ignore[attr-defined]
        d["texts"].add((b["text"]["value"], b["text"].get("xml:lang", ""), b["how"]["value"]))  # type: ignore[attr-defined]
        if "type" in b:
            d["types"].add(b["type"]["value"])  # type: ignore[attr-defined]
        if "typeOk" in b and b["typeOk"]["value"] in ("true", "1"):
            d["ok"] = True
        if "itemLabel" in b:
            d["labels"][b["itemLabel"].get("xml:lang", "")] = b["itemLabel"]["value"]  # type: ignore[index]
    out = []
    for item, d in items.items():
        hows: set[str] = d["how"]  # type: ignore[assignment]
        texts: set[tuple[str, str, str]] = d["texts"]  # type: ignore[assignment]
        types: set[str] = d["types"]  # type: ignore[assignment]
        score = 0.6 if "label" in hows else 0.45
        best = sorted(texts, key=lambda t: (t[2] != "label", names.get(t[0]) != "prefLabel", t))[0]
        kind = "label" if best[2] == "label" else "alias"
        ev = [f"{kind} '{best[0]}'@{best[1]} = our {names.get(best[0], '?')}"]
        if any(names.get(t[0]) == "prefLabel" for t in texts):
            score += 0.1
        short = sorted(t[len(WD) :] if t.startswith(WD) else t for t in types)
        if expected:
            if d["ok"]:
                score += 0.3
                ev.append(f"P31 {', '.join(short)} fits {', '.join(expected)}")
            elif types:
                score -= 0.3
                ev.append(f"P31 {', '.join(short)} does not fit {', '.join(expected)}")
            else:
                ev.append("no P31")
        elif short:
            ev.append(f"P31 {', '.join(short)}")
        labels: dict[str, str] = d["labels"]  # type: ignore[assignment]
        label = labels.get("nl") or labels.get("en") or best[0]
        out.append(Candidate(entity, item, label, round(max(0.0, min(1.0, score)), 2), "; ".join(ev)))
    return sorted(out, key=lambda c: (-c.score, c.item))


# ----------------------------------------------------------------------------- propose


@dataclass
class LinkReport:
    entities: int
    candidates: list[Candidate]
    review_file: Path | None
    requests: int

    def summary(self) -> str:
        with_c = len({c.entity.iri for c in self.candidates})
        return (
            f"{self.entities} entities without a Wikidata id; {len(self.candidates)} candidates for {with_c} "
            f"of them ({self.requests} queries)"
            + (f"; review {self.review_file}" if self.review_file else "")
        )


def propose(
    reference_dir: Path,
    review_file: Path | None,
    *,
    dist_dir: Path | None = None,
    endpoint: Endpoint | str = DEFAULT_ENDPOINT,
    min_score: float = 0.3,
    per_entity: int = 5,
) -> LinkReport:
    """Query the endpoint for every entity without a Wikidata id; write the review file (TSV)."""
    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
    ents = entities_to_link(Path(reference_dir), dist_dir)
    found: list[Candidate] = []
    for e in sorted(ents, key=lambda e: e.iri):
        if not e.names():
            continue
        cands = score_candidates(e, ep.select(candidate_query(e)))
        found += [c for c in cands if c.score >= min_score][:per_entity]
    if review_file is not None:
        write_review(review_file, found, Path(reference_dir))
    return LinkReport(len(ents), found, review_file, ep.requests)


def write_review(path: Path, candidates: list[Candidate], reference_dir: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(COLUMNS)
        for c in candidates:
            reg = c.entity.register
            where = reg.name if reg is not None else "minted"
            w.writerow(
                [
                    "",
                    c.entity.iri,
                    c.entity.label,
                    c.entity.type,
                    where,
                    "skos:closeMatch",
                    c.item,
                    c.item_label,
                    f"{c.score:.2f}",
                    c.evidence,
                ]
            )


# ----------------------------------------------------------------------------- accept


@dataclass
class AcceptReport:
    added: list[tuple[str, str]] = field(default_factory=list)  # (entity, Wikidata IRI)
    kept: list[tuple[str, str]] = field(default_factory=list)  # refused: a curated link is there
    conflicts: list[str] = field(default_factory=list)  # two different accepted items for one entity
    files: set[Path] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"{len(self.added)} links added to {len(self.files)} register files; "
            f"{len(self.kept)} left alone (a curated link exists); {len(self.conflicts)} conflicts"
        )


def read_review(path: Path) -> list[dict[str, str]]:
    if not Path(path).is_file():
        raise LinkError(f"{path}: no such review file")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if rows and not {"accept", "entity", "candidate"} <= set(rows[0]):
        raise LinkError(f"{path}: not a review file (columns accept, entity, candidate expected)")
    return rows


def _block(entity: str, item: str, source: str, extra: list[str] | None = None) -> str:
    lines = [f"<{entity}>"] + [f"    {x} ;" for x in extra or []]
    lines += [f"    <{OWL_SAMEAS}> <{item}> ;", f"    <{KKG}linkSource> {ox.Literal(source)} ."]
    return "\n".join(lines) + "\n"


def _append_checked(path: Path, text: str) -> None:
    """Append Turtle to a register file; put the file back if the result does not parse."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)
    try:
        list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except SyntaxError as e:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise LinkError(f"{path}: appending the accepted links broke it ({e}); left unchanged") from None


LINKED_HEADER = """\
# Entities the extractor had minted (kkg:unlinked) whose Wikidata id a reviewer accepted with
# `kamerkg link --accept`; they are register entities from now on. Written by kamerkg.linking.
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def accept(review_file: Path, reference_dir: Path, *, dist_dir: Path | None = None) -> AcceptReport:
    """Move the accepted rows of a review file into the registers as ``owl:sameAs``."""
    review_file = Path(review_file)
    reference_dir = Path(reference_dir)
    rows = [r for r in read_review(review_file) if (r.get("accept") or "").strip().lower() in ACCEPT_WORDS]
    report = AcceptReport()
    chosen: dict[str, dict[str, str]] = {}
    for r in rows:
        e, item = r["entity"].strip(), r["candidate"].strip()
        if not item.startswith(WD + "Q"):
            raise LinkError(f"{review_file}: {item!r} is not a Wikidata item IRI")
        if e in chosen and chosen[e]["candidate"].strip() != item:
            report.conflicts.append(e)
        chosen.setdefault(e, r)
    for e in report.conflicts:
        chosen.pop(e, None)

    regs = {x.iri: x for x in register_entities(reference_dir)}
    curated: dict[str, list[str]] = defaultdict(list)
    for x in regs.values():
        curated[x.iri] += x.linked
    minted = {x.iri: x for x in minted_entities(dist_dir)} if dist_dir else {}
    today = date.today().isoformat()
    blocks: dict[Path, list[str]] = defaultdict(list)
    for e, r in sorted(chosen.items()):
        item = r["candidate"].strip()
        if curated.get(e):
            report.kept.append((e, item))
            log.warning("<%s> already has %s; not changed", e, ", ".join(curated[e]))
            continue
        source = (
            f"Wikidata {item[len(WD) :]}: accepted in review {review_file.name} on {today} "
            f"(score {r.get('score', '?')}; {r.get('evidence', '')})"
        )
        if e in regs and regs[e].register is not None:
            blocks[regs[e].register].append(_block(e, item, source))
        else:
            m = minted.get(e)
            typ = (m.type if m else r.get("entity_type", "")).strip()
            label = (m.label if m else r.get("entity_label", "")).strip()
            extra = [f"a <{typ}>"] if typ else []
            if label:
                extra.append(f"skos:prefLabel {ox.Literal(label, language='nl')}")
            blocks[reference_dir / LINKED_FILE].append(_block(e, item, source, extra))
        report.added.append((e, item))
    for path, bl in blocks.items():
        head = LINKED_HEADER if not path.exists() else ""
        _append_checked(path, head + f"\n# accepted from {review_file.name} on {today}\n" + "\n".join(bl))
        report.files.add(path)
    return report


# ----------------------------------------------------------------------------- CLI


def _run(args: argparse.Namespace) -> int:
    s = get_settings(getattr(args, "base", None))
    ref = Path(args.reference) if args.reference else s.reference_dir
    dist = Path(args.dist) if args.dist else Path("dist")
    if not (dist / "kamerkg.nq").is_file():
        if args.dist:
            raise LinkError(f"{dist}: no built dataset here (run `kamerkg build`)")
        dist = None  # registers only
    if args.accept:
        rep = accept(Path(args.accept), ref, dist_dir=dist)
        print(rep.summary())
        for e in rep.conflicts:
            print(f"conflict: {e} has more than one accepted candidate; none taken")
        return 0
    ep = Endpoint(args.endpoint, timeout=args.timeout, delay=args.delay, retries=args.retries)
    review = Path(args.review) if args.review else s.data_dir / "review" / "wikidata-candidates.tsv"
    report = propose(ref, review, dist_dir=dist, endpoint=ep, min_score=args.min_score)
    print(report.summary())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "link",
        help="propose Wikidata links for unlinked entities; --accept moves reviewed links into the registers",
        description=(
            "Ask a Wikidata-style SPARQL endpoint for candidates by label, alias and type, and write them to "
            "a review file (TSV; mark the accept column 'yes'). Then `kamerkg link --accept FILE` adds the "
            "accepted links to the registers. Curated links are never changed."
        ),
    )
    p.add_argument(
        "--endpoint", default=DEFAULT_ENDPOINT, help=f"SPARQL endpoint (default {DEFAULT_ENDPOINT})"
    )
    p.add_argument(
        "--review", metavar="FILE", help="review file to write (default data/review/wikidata-candidates.tsv)"
    )
    p.add_argument(
        "--accept", metavar="REVIEW_FILE", help="add the accepted rows of a review file to the registers"
    )
    p.add_argument("--reference", metavar="DIR", help="register folder (default data/reference)")
    p.add_argument(
        "--dist", metavar="DIR", help="built dataset, for its minted entities (default: dist, if built)"
    )
    p.add_argument("--min-score", type=float, default=0.3, help="lowest score written (default 0.3)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per query (default 30)")
    p.add_argument("--retries", type=int, default=4, help="retries per query, with backoff (default 4)")
    p.add_argument("--delay", type=float, default=0.5, help="pause between queries in seconds (default 0.5)")
    p.set_defaults(func=_run)
