"""Publishing beyond the dumps: what a linked-data publisher offers next to its data.

``publish_extras(...)`` is called by :meth:`kamerkg.parallel.Runner.publish` with the staging folder, just
before the manifest is written and the folder is swapped into place. It writes:

* ``context.jsonld`` and ``kamerkg.jsonld`` (JSON-LD, a named graph per document, compact keys);
* ``sources/<doc-id>.txt``: the source text each document's character offsets point into;
* ``void.ttl``: VoID + DCAT dataset description (sizes of the dumps, counts, partitions, linksets);
* ``ontology/index.html``: the ontology documentation;
* ``site/``: the static site (see :mod:`kamerkg.publish.site`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kamerkg.config import Settings
from kamerkg.mapping import prefixes as make_prefixes
from kamerkg.publish.index import Index
from kamerkg.publish.jsonld import Compactor, dumps, quads_by_graph
from kamerkg.publish.site import Site, ontology_page
from kamerkg.publish.void import describe_dataset

if TYPE_CHECKING:
    from kamerkg.pipeline import DocResult

CONTEXT_FILE = "context.jsonld"
JSONLD_DUMP = "kamerkg.jsonld"
SITE_DIR = "site"


def context_url(s: Settings) -> str:
    return s.base + CONTEXT_FILE


def publish_extras(
    staging: Path,
    quads: list[ox.Quad],
    triples: list[ox.Triple],
    done: list[DocResult],
    s: Settings,
    files: dict[str, int],
) -> int:
    """Write the extras into ``staging``; the size of every file written goes into ``files`` (the
    manifest lists them all, with their SHA-256). Returns the number of resource pages written."""

    def write(rel: str, data: bytes) -> None:
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[rel] = len(data)

    px = make_prefixes(s)
    compactor = Compactor(triples, px)
    write(CONTEXT_FILE, dumps({"@context": compactor.context()}))
    write(JSONLD_DUMP, dumps(compactor.document(context_url(s), graphs=quads_by_graph(quads))))

    texts: dict[str, str] = {}
    dates: list[str] = []
    idx = Index(triples)
    for r in sorted(done, key=lambda r: r.doc_id):
        text = r.linked.extraction.doc.text
        write(f"sources/{r.doc_id}.txt", text.encode("utf-8"))
        doc = f"{s.ids}doc/{r.doc_id}"
        texts[doc] = text
        dates += [o.value for o in idx.values(doc, "http://purl.org/dc/terms/date")]

    onto_triples = list(ox.parse(path=str(s.ontology_dir / "kamerkg.ttl"), format=ox.RdfFormat.TURTLE))
    onto = Index([ox.Triple(t.subject, t.predicate, t.object) for t in onto_triples])
    onto_iri = s.vocab.rstrip("#/")
    created = sorted(o.value for o in onto.values(onto_iri, "http://purl.org/dc/terms/created"))
    issued = created[0] if created else (min(dates) if dates else "1970-01-01")
    modified = max([issued, *dates])
    sizes = {k: v for k, v in files.items() if "/" not in k}
    void = describe_dataset(
        s, triples, quads, sizes, issued, modified, [r.doc_id for r in sorted(done, key=lambda r: r.doc_id)]
    )
    vpx = {**px, "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#"}
    write("void.ttl", ox.serialize(void, format=ox.RdfFormat.TURTLE, prefixes=vpx) or b"")

    ontology_page(onto, onto_iri, s.vocab, px, lambda rel, data: write(rel, data))
    site = Site(
        idx=idx, s=s, compactor=compactor, context_url=context_url(s), prefixes=px, onto=onto, texts=texts
    )
    return site.write(lambda rel, data: write(f"{SITE_DIR}/{rel}", data))


__all__ = ["publish_extras", "context_url", "CONTEXT_FILE", "JSONLD_DUMP", "SITE_DIR"]
