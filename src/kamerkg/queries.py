"""Ready-made SPARQL queries (``queries/*.rq``) and running them on the embedded store or an endpoint.

Each ``.rq`` file opens with a header of ``# key: value`` lines (``title``, ``description``,
``columns``, ``competency``); the file name without ``.rq`` is the query's name.

Every ready-made query has the line ``VALUES (?doc ?g) { (UNDEF UNDEF) }`` (:data:`DOC_MARKER`) at the
top of its ``WHERE``: left as it is, the query answers for every document; :func:`bind` replaces it
textually with one document's IRI and named graph, so the query reads only that document (and the
entities it points to) and stays plain SPARQL 1.1 for any endpoint. :func:`page` adds ``LIMIT`` and
``OFFSET`` for listing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kamerkg.errors import KamerkgError, ResourceError

HEADER_RE = re.compile(r"^#\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*)$")
DOC_MARKER = "VALUES (?doc ?g) { (UNDEF UNDEF) }"
DOC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TRAILING_PAGE_RE = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    text: str
    title: str
    description: str
    columns: tuple[str, ...]


@dataclass
class Result:
    columns: list[str]
    rows: list[list[str | None]]

    def as_dicts(self) -> list[dict[str, str | None]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def parse_query_file(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = HEADER_RE.match(line)
        if m:
            meta[m.group("key")] = m.group("value").strip()
    if "title" not in meta:
        raise ResourceError(f"{path}: the header comment has no '# title:' line")
    cols = tuple(c.strip() for c in meta.get("columns", "").split(",") if c.strip())
    return Query(path.stem, path, text, meta["title"], meta.get("description", ""), cols)


def document_iris(doc: str, ids: str) -> tuple[str, str]:
    """The document IRI and named-graph IRI of ``doc``: an identifier (``kst-28676-339``) or the
    document's IRI (``<ids>doc/kst-28676-339``), minted under ``ids`` (``Settings.ids``)."""
    doc = doc.strip().strip("<>")
    if doc.startswith(f"{ids}doc/"):
        doc = doc[len(f"{ids}doc/") :]
    if not DOC_ID_RE.match(doc):
        raise KamerkgError(f"{doc!r}: not a document identifier (like kst-28676-339) or document IRI")
    return f"{ids}doc/{doc}", f"{ids}graph/{doc}"


def bind(text: str, doc: str | None, ids: str) -> str:
    """``text`` with its document marker bound to ``doc`` (unchanged when ``doc`` is None)."""
    if doc is None:
        return text
    if DOC_MARKER not in text:
        raise KamerkgError(f"this query has no '{DOC_MARKER}' line, so it cannot be bound to a document")
    d, g = document_iris(doc, ids)
    return text.replace(DOC_MARKER, f"VALUES (?doc ?g) {{ (<{d}> <{g}>) }}", 1)


def page(text: str, limit: int | None = None, offset: int | None = None) -> str:
    """``text`` with ``LIMIT``/``OFFSET`` appended (after its ``ORDER BY``, so pages are stable)."""
    if limit is None and not offset:
        return text
    if (limit is not None and limit < 0) or (offset is not None and offset < 0):
        raise KamerkgError("--limit and --offset must not be negative")
    if TRAILING_PAGE_RE.search(strip_comments(text)):
        raise KamerkgError("this query has its own LIMIT/OFFSET; it cannot be paged")
    clause = (f"LIMIT {limit}" if limit is not None else "") + (f" OFFSET {offset}" if offset else "")
    return text.rstrip() + "\n" + clause.strip() + "\n"


def strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def load_queries(queries_dir: Path) -> dict[str, Query]:
    return {p.stem: parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))}


def resolve(name_or_file: str, queries_dir: Path) -> Query:
    p = Path(name_or_file)
    if p.suffix == ".rq" and p.exists():
        return parse_query_file(p)
    qs = load_queries(queries_dir)
    if name_or_file in qs:
        return qs[name_or_file]
    raise KamerkgError(f"{name_or_file}: no such query (see 'kamerkg query --list')")


def _term(t: object) -> str | None:
    if t is None:
        return None
    if isinstance(t, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return t.value
    return str(t)


def run_local(store: ox.Store, text: str) -> Result:
    """Run a query on an embedded store: on its default graph when that holds the deduplicated union
    (:func:`kamerkg.store.open_store`), else on the union view of its named graphs."""
    from kamerkg.store import has_default_graph

    try:
        res = store.query(text, use_default_graph_as_union=not has_default_graph(store))
    except SyntaxError as e:
        raise KamerkgError(f"query syntax error: {e}") from None
    if isinstance(res, ox.QuerySolutions):
        cols = [v.value for v in res.variables]
        rows = [[_term(sol[c]) for c in cols] for sol in res]
        return Result(cols, rows)
    if isinstance(res, ox.QueryBoolean):
        return Result(["boolean"], [[str(bool(res)).lower()]])
    triples = sorted((t.subject.value, t.predicate.value, _term(t.object) or "") for t in res)
    return Result(["subject", "predicate", "object"], [list(t) for t in triples])


def run_endpoint(endpoint: str, text: str, timeout: int = 60) -> Result:
    """Run a SELECT/ASK query against any SPARQL 1.1 endpoint through SPARQLWrapper."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(endpoint, agent="kamerkg/0.1 (https://w3id.org/kamerkg/)")
    # SPARQLWrapper guesses the query form with a regex that reads comments too (a header saying
    # "address" made it an ADD update, sent as update=); drop whole-line comments before it guesses.
    sw.setQuery(strip_comments(text))
    sw.setReturnFormat(JSON)
    sw.setTimeout(timeout)
    sw.setMethod("POST")
    try:
        data = sw.queryAndConvert()
    except Exception as e:
        first = str(e).splitlines()[0] if str(e) else ""
        raise KamerkgError(f"{endpoint}: query failed: {type(e).__name__}: {first}") from None
    if "boolean" in data:  # type: ignore[operator]
        return Result(["boolean"], [[str(data["boolean"]).lower()]])  # type: ignore[index]
    cols = list(data["head"]["vars"])  # type: ignore[index]
    rows = [[(b.get(c) or {}).get("value") for c in cols] for b in data["results"]["bindings"]]  # type: ignore[index]
    return Result(cols, rows)


def render(result: Result, fmt: str = "table", title: str | None = None) -> str:
    if fmt == "json":
        return json.dumps(result.as_dicts(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(result.columns)
        for r in result.rows:
            w.writerow(["" if v is None else v for v in r])
        return buf.getvalue()
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in result.columns:
        t.add_column(c, overflow="fold")
    for r in result.rows:
        t.add_row(*["" if v is None else v for v in r])
    console = Console(width=160, record=True, file=io.StringIO())
    console.print(t)
    return console.export_text()
