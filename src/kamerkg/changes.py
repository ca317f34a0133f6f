"""The change feed: what each build changed since the previous one, published as RDF.

Every build compares the content hash of each named graph with the previous ``dist/manifest.json`` and
writes a changeset ``dist/changes/<n>.ttl`` (Activity Streams 2.0): an ``as:Collection`` of
``as:Create`` (document added), ``as:Update`` (its graph changed) and ``as:Delete`` (withdrawn)
activities, each naming the document (``as:object``), its named graph (``as:target``) and the content
hashes before and after. Changesets of earlier builds are carried over, so a mirror that has applied
changeset ``k`` applies ``k+1 .. n`` in order: for each, replace the graphs it names with their content in
``dist/kamerkg.nq`` and drop the graphs of deleted documents. :func:`read_changes` gives them as data.

The manifest gains ``change`` (the number of this build's changeset), ``document_hashes`` and
``graph_hashes``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, Graph, Namespace

from kamerkg.config import Settings
from kamerkg.errors import KamerkgError

AS = Namespace("https://www.w3.org/ns/activitystreams#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")


@dataclass
class ChangeSet:
    number: int
    published: str
    previous: int | None
    added: list[str] = field(default_factory=list)  # document ids
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    graphs_replaced: list[str] = field(default_factory=list)  # graph IRIs to load anew (added or changed)
    graphs_removed: list[str] = field(default_factory=list)  # graph IRIs to drop

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.changed or self.withdrawn or self.graphs_replaced or self.graphs_removed
        )


def _build_time() -> str:
    """When this build happened: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return when.replace(microsecond=0).isoformat()


def graph_hashes(quads: list[Any]) -> dict[str, str]:
    """sha256 per named graph over its sorted N-Quads lines (IRIs are minted from ids: no blank nodes)."""
    lines: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        g = getattr(q.graph_name, "value", "")
        lines[g].append(f"{q.subject} {q.predicate} {q.object} .")
    out = {}
    for g, ls in lines.items():
        h = hashlib.sha256()
        for line in sorted(ls):
            h.update(line.encode())
            h.update(b"\n")
        out[g] = h.hexdigest()
    return dict(sorted(out.items()))


def _previous_manifest(out: Path) -> dict[str, Any] | None:
    p = out / "manifest.json"
    if not p.is_file():
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass
class Previous:
    """What the previous publication said, read before it is replaced."""

    manifest: dict[str, Any] | None
    changesets: dict[str, bytes]  # file name -> content of dist/changes/*.ttl


def snapshot(out: str | Path) -> Previous:
    out = Path(out)
    sets = {}
    if (out / "changes").is_dir():
        sets = {f.name: f.read_bytes() for f in sorted((out / "changes").glob("*.ttl"))}
    return Previous(_previous_manifest(out), sets)


def nquads_graph_hashes(path: Path) -> dict[str, str]:
    """:func:`graph_hashes` of a published ``kamerkg.nq``."""
    import pyoxigraph as ox

    return graph_hashes(list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)))


def record_changes(
    out: Path,
    staging: Path,
    quads: list[Any] | None,
    documents: list[str],
    s: Settings,
    files: dict[str, int],
    previous: Previous | None = None,
    ghash: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Write this build's changeset into ``staging/changes/`` (with the earlier ones) and return the manifest
    fields (``change``, ``document_hashes``, ``graph_hashes``). ``quads`` may be None: the hashes are then
    read from ``staging/kamerkg.nq``; ``previous`` defaults to what ``out`` holds now. ``ghash``: the graph
    hashes when the caller has them already (the parallel build does, per document, without the dump)."""
    previous = previous or snapshot(out)
    if ghash is None:
        ghash = graph_hashes(quads) if quads is not None else nquads_graph_hashes(staging / "kamerkg.nq")
    ghash = dict(sorted(ghash.items()))
    prefix = f"{s.ids}graph/"
    dhash = {d: ghash.get(prefix + d, "") for d in documents}
    prev = previous.manifest or {}
    prev_docs: dict[str, str] = prev.get("document_hashes") or {d: "" for d in prev.get("documents") or []}
    prev_graphs: dict[str, str] = prev.get("graph_hashes") or {g: "" for g in prev.get("graphs") or []}
    prev_n = prev.get("change") if isinstance(prev.get("change"), int) else None
    n = (prev_n or 0) + 1
    cs = ChangeSet(number=n, published=_build_time(), previous=prev_n)
    for d in documents:
        if d not in prev_docs:
            cs.added.append(d)
        elif not prev_docs[d] or prev_docs[d] != dhash[d]:
            cs.changed.append(d)
    cs.withdrawn = sorted(d for d in prev_docs if d not in dhash)
    cs.graphs_replaced = sorted(g for g, h in ghash.items() if prev_graphs.get(g) != h or not h)
    cs.graphs_removed = sorted(g for g in prev_graphs if g not in ghash)
    # carry the earlier changesets over (dist/ is replaced as a whole)
    new_dir = staging / "changes"
    new_dir.mkdir(parents=True, exist_ok=True)
    for name, data in previous.changesets.items():
        (new_dir / name).write_bytes(data)
        files[f"changes/{name}"] = len(data)
    data = changeset_turtle(cs, s, dhash, prev_docs)
    (new_dir / f"{n}.ttl").write_bytes(data)
    files[f"changes/{n}.ttl"] = len(data)
    return {"change": n, "document_hashes": dhash, "graph_hashes": ghash}


def changeset_triples(cs: ChangeSet, s: Settings, new: dict[str, str], old: dict[str, str]) -> list[Any]:
    """The changeset as pyoxigraph triples (a first build of 10,000 documents has 10,000 items: rdflib
    took 2.9 s to make and write them)."""
    import pyoxigraph as ox

    from kamerkg.mapping import doc_iri, graph_iri

    def iri(v: object) -> ox.NamedNode:
        return ox.NamedNode(str(v))

    a_ = iri(RDF.type)
    xsd_int = iri(XSD.integer)
    K = Namespace(s.vocab)
    node = iri(f"{s.ids}changes/{cs.number}")
    out = [
        ox.Triple(node, a_, iri(AS.Collection)),
        ox.Triple(node, a_, iri(K.ChangeSet)),
        ox.Triple(node, iri(K.changeNumber), ox.Literal(str(cs.number), datatype=xsd_int)),
        ox.Triple(node, iri(AS.published), ox.Literal(cs.published, datatype=iri(XSD.dateTime))),
    ]
    counts = f"{len(cs.added)} added, {len(cs.changed)} changed, {len(cs.withdrawn)} withdrawn"
    summary = f"build {cs.number}: {counts}"
    out.append(ox.Triple(node, iri(AS.summary), ox.Literal(summary)))
    if cs.previous is not None:
        out.append(ox.Triple(node, iri(PROV.wasRevisionOf), iri(f"{s.ids}changes/{cs.previous}")))
    items, obj, target, ident = iri(AS.items), iri(AS.object), iri(AS.target), iri(DCTERMS.identifier)
    prev_hash, content_hash = iri(K.previousHash), iri(K.contentHash)
    i = 0
    doc_graphs = set()
    for kind, docs in (("Create", cs.added), ("Update", cs.changed), ("Delete", cs.withdrawn)):
        for d in docs:
            i += 1
            a = ox.NamedNode(f"{node.value}/{i}")
            gi = str(graph_iri(s, d))
            doc_graphs.add(gi)
            out += [ox.Triple(node, items, a), ox.Triple(a, a_, iri(AS[kind])),
                    ox.Triple(a, obj, iri(doc_iri(s, d))), ox.Triple(a, target, ox.NamedNode(gi)),
                    ox.Triple(a, ident, ox.Literal(d))]
            if old.get(d):
                out.append(ox.Triple(a, prev_hash, ox.Literal(old[d])))
            if new.get(d):
                out.append(ox.Triple(a, content_hash, ox.Literal(new[d])))
    # graphs that are not one document's (the registers' reference graph)
    for kind, graphs in (("Update", cs.graphs_replaced), ("Delete", cs.graphs_removed)):
        for gi in graphs:
            if gi in doc_graphs:
                continue
            i += 1
            a = ox.NamedNode(f"{node.value}/{i}")
            out += [ox.Triple(node, items, a), ox.Triple(a, a_, iri(AS[kind])), ox.Triple(a, target, iri(gi))]
    out.append(ox.Triple(node, iri(AS.totalItems), ox.Literal(str(i), datatype=xsd_int)))
    return out


def changeset_turtle(cs: ChangeSet, s: Settings, new: dict[str, str], old: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    px = {"as": str(AS), "kkg": s.vocab, "prov": str(PROV), "dcterms": str(DCTERMS),
          "xsd": str(XSD)}
    return ox.serialize(changeset_triples(cs, s, new, old), format=ox.RdfFormat.TURTLE, prefixes=px) or b""


def read_changes(dist: str | Path = "dist", since: int = 0) -> list[ChangeSet]:
    """The changesets of a built dataset with a number above ``since``, oldest first.

    For a mirror: apply each in order; load ``graphs_replaced`` anew from ``dist/kamerkg.nq`` (drop the
    graph, then insert its quads) and drop ``graphs_removed``. Raises :class:`KamerkgError` naming the
    file when a changeset cannot be read."""
    folder = Path(dist) / "changes"
    if not folder.is_dir():
        raise KamerkgError(f"{folder}: no change feed here; run 'kamerkg build' first")
    out = []
    for f in sorted(folder.glob("*.ttl"), key=lambda p: int(p.stem) if p.stem.isdigit() else -1):
        if not f.stem.isdigit() or int(f.stem) <= since:
            continue
        g = Graph()
        try:
            g.parse(f, format="turtle")
        except Exception as e:  # rdflib raises several parser error types
            raise KamerkgError(f"{f}: not valid Turtle: {str(e).splitlines()[0]}") from None
        node = next(iter(g.subjects(RDF.type, AS.Collection)), None)
        if node is None:
            raise KamerkgError(f"{f}: not a changeset (no as:Collection)")
        prev = g.value(node, PROV.wasRevisionOf)
        cs = ChangeSet(
            number=int(f.stem),
            published=str(g.value(node, AS.published) or ""),
            previous=int(str(prev).rsplit("/", 1)[1]) if prev is not None else None,
        )
        for a in g.objects(node, AS.items):
            ident = g.value(a, DCTERMS.identifier)
            target = str(g.value(a, AS.target) or "")
            kinds = set(g.objects(a, RDF.type))
            if AS.Delete in kinds:
                if ident is not None:
                    cs.withdrawn.append(str(ident))
                cs.graphs_removed.append(target)
            else:
                if ident is not None:
                    (cs.added if AS.Create in kinds else cs.changed).append(str(ident))
                cs.graphs_replaced.append(target)
        for lst in (cs.added, cs.changed, cs.withdrawn, cs.graphs_replaced, cs.graphs_removed):
            lst.sort()
        out.append(cs)
    return out


__all__ = [
    "ChangeSet",
    "Previous",
    "graph_hashes",
    "read_changes",
    "record_changes",
    "snapshot",
]
