"""``kamerkg report conflicts``: where the official metadata and the text disagree (dates, signatories,
dossiers, numbers), or two metadata files disagree with each other.

The build keeps both values with their provenance and records each difference as a ``kkg:Conflict``
(see :mod:`kamerkg.official.rdf`); this report lists them from a built dataset, one line per difference:
``<document> TAB <field> TAB <one side> TAB <other side>``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from kamerkg.errors import KamerkgError

QUERY = """
PREFIX kkg: <https://w3id.org/kamerkg/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?field ?line WHERE {
  GRAPH ?g { ?c a kkg:Conflict ; kkg:conflictIn ?d ; kkg:conflictField ?field ; rdfs:comment ?line .
             ?d dcterms:identifier ?id }
} ORDER BY ?id ?field ?line
"""


@dataclass(frozen=True)
class ConflictRow:
    document: str
    field: str
    line: str


def list_conflicts(
    dist: str | Path = "dist", vocab: str = "https://w3id.org/kamerkg/def#"
) -> list[ConflictRow]:
    """The differences recorded in a built dataset (``dist/kamerkg.nq``)."""
    import pyoxigraph as ox

    path = Path(dist) / "kamerkg.nq"
    if not path.is_file():
        raise KamerkgError(f"{path}: no dataset here; run 'kamerkg build' first")
    store = ox.Store()
    try:
        store.load(path.read_bytes(), format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, ValueError) as e:
        raise KamerkgError(f"{path}: not valid N-Quads: {str(e).splitlines()[0]}") from None
    q = QUERY.replace("https://w3id.org/kamerkg/def#", vocab)
    out = []
    for sol in store.query(q):  # type: ignore[union-attr]
        out.append(ConflictRow(sol["id"].value, sol["field"].value, sol["line"].value))  # type: ignore[index,union-attr]
    return out


def cmd_conflicts(args: argparse.Namespace) -> int:
    from kamerkg.config import settings

    rows = list_conflicts(args.dist, settings(getattr(args, "base", None)).vocab)
    if getattr(args, "json", False):
        print(
            json.dumps(
                [{"document": r.document, "field": r.field, "line": r.line} for r in rows],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print("no conflicts between metadata and text")
        return 0
    for r in rows:
        print(r.line)
    print(f"{len(rows)} difference(s) in {len({r.document for r in rows})} document(s)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``conflicts`` to ``kamerkg report`` (of :mod:`kamerkg.report`), or make ``report`` if absent."""
    parser = sub.choices.get("report")
    if parser is None:
        parser = sub.add_parser("report", help="editor reports over a built dataset")
        parser.add_argument("what", choices=["conflicts"], help="which report")
        parser.add_argument("--dist", default="dist", help="built dataset folder (default: dist)")
        parser.add_argument("--json", action="store_true", help="JSON output")
        parser.set_defaults(func=cmd_conflicts)
        return
    for action in parser._actions:
        if action.dest == "what" and action.choices is not None and "conflicts" not in action.choices:
            action.choices = [*action.choices, "conflicts"]
            action.help = (action.help or "which report") + "; conflicts: metadata against text"
    previous = parser.get_default("func")

    def dispatch(args: argparse.Namespace) -> int:
        if args.what == "conflicts":
            return cmd_conflicts(args)
        return int(previous(args) or 0)

    parser.set_defaults(func=dispatch)
