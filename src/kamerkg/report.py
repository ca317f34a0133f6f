"""Reports over a built dataset for editors: ``kamerkg report unlinked``.

Entities the registers lack are kept as minted entities flagged ``kkg:unlinked true``. This report
lists them with their kind, how often and in how many documents they are mentioned or sign, and a few
example spans (the quoted text of their evidence), so that an editor can extend the registers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kamerkg.config import settings
from kamerkg.queries import run_local
from kamerkg.store import query_store

UNLINKED_QUERY = """
PREFIX kkg: <{vocab}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?e ?label ?type ?g ?quote WHERE {{
  GRAPH ?g {{ ?e kkg:unlinked true ; skos:prefLabel ?label OPTIONAL {{ ?e rdf:type ?type }} }}
  OPTIONAL {{
    GRAPH ?g {{
      {{ ?ev oa:hasBody ?e }} UNION {{ ?sig kkg:signatory ?e ; kkg:evidence ?ev }}
      UNION {{ ?ms <http://www.w3.org/ns/org#member> ?e ; kkg:evidence ?ev }}
      ?ev oa:hasTarget/oa:hasSelector ?sel . ?sel oa:exact ?quote
    }}
  }}
}}
"""

KIND_BY_TYPE = {
    "Person": "person",
    "Organization": "organisation",
    "Place": "place",
    "Post": "post",
    "Country": "country",
}


@dataclass
class Unlinked:
    iri: str
    label: str
    kind: str
    documents: set[str] = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)  # one per evidence (with repeats: the mention count)

    @property
    def count(self) -> int:
        return max(len(self.quotes), len(self.documents))

    def examples(self, n: int = 3) -> list[str]:
        out: list[str] = []
        for q in self.quotes:
            q = " ".join(q.split())
            if q not in out:
                out.append(q)
            if len(out) == n:
                break
        return out


def unlinked(dist: str | Path = "dist", base: str | None = None) -> list[Unlinked]:
    """The unlinked entities of a built dataset, most mentioned first."""
    s = settings(base)
    store = query_store(Path(dist))  # on disk for a large dataset (memory: 13 GB at 10k)
    rows = run_local(store, UNLINKED_QUERY.format(vocab=s.vocab)).as_dicts()
    found: dict[str, Unlinked] = {}
    seen: set[tuple[str, str, str]] = set()
    graph_prefix = s.ids + "graph/"
    for r in rows:
        iri = str(r["e"])
        kind = KIND_BY_TYPE.get(str(r.get("type") or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        u = found.get(iri)
        if u is None:
            u = found[iri] = Unlinked(iri, str(r["label"]), kind or "entity")
        elif kind and u.kind == "entity":
            u.kind = kind
        doc = str(r["g"])
        doc = doc[len(graph_prefix) :] if doc.startswith(graph_prefix) else doc
        u.documents.add(doc)
        q = r.get("quote")
        if q and (iri, doc, q) not in seen:
            seen.add((iri, doc, q))
            u.quotes.append(q)
    return sorted(found.values(), key=lambda u: (-u.count, u.kind, u.label))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="editor reports over a built dataset (unlinked: entities the registers lack)"
    )
    p.add_argument("what", choices=["unlinked"], help="which report")
    p.add_argument("--dist", default="dist", help="built dataset folder (default: dist)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--examples", type=int, default=3, help="example spans per entity (default 3)")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    items = unlinked(args.dist, base=args.base)
    if args.json:
        data = [
            {
                "iri": u.iri,
                "label": u.label,
                "kind": u.kind,
                "count": u.count,
                "documents": sorted(u.documents),
                "examples": u.examples(args.examples),
            }
            for u in items
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("no unlinked entities")
        return 0
    print(
        f"{len(items)} unlinked entit{'y' if len(items) == 1 else 'ies'} (count = mentions; docs = documents)"
    )
    print(f"{'kind':<14}{'count':>6}{'docs':>6}  label  [key]  examples")
    try:
        for u in items:
            ex = " | ".join(repr(q) for q in u.examples(args.examples))
            key = u.iri.split("/id/", 1)[-1]
            print(f"{u.kind:<14}{u.count:>6}{len(u.documents):>6}  {u.label}  [{key}]  {ex}")
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (e.g. "| head") stopped early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


__all__ = ["Unlinked", "unlinked"]
