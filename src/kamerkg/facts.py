"""The fact sheet of a document (``FACTS.md``), computed by SPARQL over the built graph.

The queries are files in ``queries/facts/``; each has the line ``VALUES (?doc ?g) { (UNDEF UNDEF) }``
that binds the document and its named graph.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


def fact_sheet(store: ox.Store, doc_id: str, s: Settings) -> dict[str, object]:
    docrow = (_run(store, s, "document", doc_id) or [{}])[0]
    dossiers = _run(store, s, "dossiers", doc_id)
    mentions = _run(store, s, "mentions", doc_id)
    sheet: dict[str, object] = {
        "id": docrow.get("id") or doc_id,
        "source_url": official_url(doc_id),
        "dossier_numbers": [d["number"] for d in dossiers],
        "document_number": docrow.get("number"),
        "dossier_title": next((d["title"] for d in dossiers if d.get("title")), None),
        "document_type": docrow.get("type"),
        "date": docrow.get("date"),
        "vergaderjaar": docrow.get("vergaderjaar"),
        "signatories": [
            {"name": r["name"], "role": r["role"]} for r in _run(store, s, "signatories", doc_id)
        ],
        "meetings_mentioned": [
            {
                "description": r["description"],
                "start_date": r["start"],
                "end_date": r["end"],
                "place": r["place"],
            }
            for r in _run(store, s, "meetings", doc_id)
        ],
        "organisations_mentioned": [r["name"] for r in mentions if r["kind"] == "organisation"],
        "countries_mentioned": [r["name"] for r in mentions if r["kind"] == "country"],
        "documents_referenced": [
            {"citation": r["citation"], "dossier": _cited_dossier(r["dossier"]), "number": r["number"]}
            for r in _run(store, s, "references", doc_id)
        ],
        "wikidata": {r["name"]: r["wikidata"] for r in mentions if r.get("wikidata")},
    }
    return sheet


class FactSheets:
    """Fact sheets of documents built one at a time (the build's workers): a store with the reference
    graph, to which each document's quads are added for its queries and removed afterwards."""

    def __init__(self, s: Settings, reference: list[ox.Quad]) -> None:
        self.s = s
        self.reference = reference
        self.n = 0
        self.store = self._fresh()

    def _fresh(self) -> ox.Store:
        store = ox.Store()
        store.bulk_extend(self.reference)
        return store

    def sheet(self, quads: list[ox.Quad], doc_id: str) -> dict[str, object]:
        """The fact sheet of the document whose graph is ``quads`` (all in one named graph)."""
        self.n += 1
        if self.n % 64 == 0:  # graphs removed from an in-memory store keep their memory: start afresh
            self.store = self._fresh()
        self.store.extend(quads)  # extend: a third of bulk_extend's time for one document's quads
        try:
            return fact_sheet(self.store, doc_id, self.s)
        finally:
            if quads:
                self.store.remove_graph(quads[0].graph_name)
