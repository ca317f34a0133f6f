"""``kamerkg serve``: the published ``dist/`` as dereferenceable linked data and a SPARQL endpoint.

URL layout (the resource ``<base>X`` is served at ``http://HOST:PORT/X``, so the same app works behind a
proxy under the real base; every redirect ``Location`` is relative, so a path prefix survives):

* ``/id/X`` (a thing, not a document): ``303 See Other`` to a document about it, chosen by ``Accept``
  (or ``?format=``) per the W3C note "Cool URIs for the Semantic Web": ``/page/X.html``, ``.ttl``,
  ``.nt``, ``.jsonld`` or ``.rdf``. ``/id/X.ttl`` (an extension) redirects to ``/page/X.ttl``.
* ``/page/X`` (the generic document): ``200`` with the negotiated variant, ``Vary: Accept`` and
  ``Content-Location``; ``/page/X.<ext>`` are the static variants written by ``kamerkg build``.
* ``/def`` (the ontology; its terms are hash IRIs ``/def#T``): 303 to ``/ontology/index.html`` or
  ``/ontology/kamerkg.ttl``; ``/void`` (the dataset description, hash IRIs ``/void#dataset``): 303 to
  ``/void.ttl``.
* ``/sparql``: SPARQL 1.1 Protocol, read-only, with a time limit and a row limit; ``/query``: HTML page
  offering the ready-made queries.
* everything else: files of ``dist/site/``, then of ``dist/`` (dumps, ``context.jsonld``, ``ontology/``).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from kamerkg import store as kstore
from kamerkg.config import Settings
from kamerkg.config import settings as make_settings
from kamerkg.errors import KamerkgError
from kamerkg.queries import load_queries

# RDF variants of a resource page: extension -> media type (HTML first: it wins a tie such as */*)
RDF_VARIANTS = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
ALIASES = {
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "text/plain": "nt",
    "application/xhtml+xml": "html",
    "application/xml": "rdf",
    "turtle": "ttl",
    "json-ld": "jsonld",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdfxml": "rdf",
    "xml": "rdf",
}
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".rq": "application/sparql-query",
}
SPARQL_RESULTS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
SPARQL_RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
GRAPH_RESULTS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
UPDATE_RE = re.compile(
    r"^\s*(?:(?:PREFIX|BASE)\s[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I
)


# ------------------------------------------------------------------------- content negotiation
def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """Media ranges of an ``Accept`` header as (range, q, position), best first."""
    out = []
    for i, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        mr = fields[0].lower()
        if not mr:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((mr, q, i))
    return out


def negotiate(
    header: str | None, offers: dict[str, str], aliases: dict[str, str] | None = None
) -> str | None:
    """The key of ``offers`` (key -> media type) that ``Accept`` prefers; ties go to the offer order."""
    aliases = aliases or {}
    best: tuple[float, int, int] | None = None
    choice = None
    keys = list(offers)
    for mr, q, _pos in parse_accept(header):
        if q <= 0:
            continue
        for rank, key in enumerate(keys):
            mt = offers[key]
            if mr == mt or aliases.get(mr) == key:
                spec = 3
            elif mr.endswith("/*") and mt.startswith(mr[:-1]):
                spec = 2
            elif mr == "*/*":
                spec = 1
            else:
                continue
            score = (q, spec, -rank)
            if best is None or score > best:
                best, choice = score, key
    return choice


def _fmt_param(value: str | None, offers: dict[str, str], aliases: dict[str, str]) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in offers:
        return v
    if v in aliases:
        return aliases[v]
    for k, mt in offers.items():
        if v == mt:
            return k
    raise ValueError(v)


# ------------------------------------------------------------------------- SPARQL results
@dataclass
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    concurrency: int = 4
    max_body: int = 64 * 1024  # bytes of a query (POST body or GET parameter); more is refused with 413
    isolate: bool = True  # evaluate each query in a forked child killed at its deadline (where fork exists)
    # isolated queries run first in a fast lane (many slots, a short budget); one that overruns it runs
    # again in the slow lane (``concurrency`` slots, the whole time limit), so runaways cannot starve the rest
    fast_concurrency: int = 8
    fast_budget: float = 0.3
    queue_wait: float = 1.0  # how long a query may wait for a fast slot before the 503


class QueryTimeout(Exception):
    pass


def _binding_json(t: object) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    return {"type": "literal", "value": str(t)}


def _binding_xml(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f'<literal xml:lang="{xml_escape(t.language)}">{xml_escape(t.value)}</literal>'
        if t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'<literal datatype="{xml_escape(t.datatype.value)}">{xml_escape(t.value)}</literal>'
        return f"<literal>{xml_escape(t.value)}</literal>"
    return f"<literal>{xml_escape(str(t))}</literal>"


def _tsv_term(t: object) -> str:
    if t is None:
        return ""
    s = str(t)  # pyoxigraph terms print in N-Triples syntax, as TSV results want
    return s.replace("\t", "\\t").replace("\n", "\\n")


def render_solutions(variables: list[str], rows: list[list[object]], fmt: str, truncated: bool) -> bytes:
    if fmt == "json":
        doc = {
            "head": {"vars": variables},
            "results": {
                "bindings": [
                    {v: _binding_json(t) for v, t in zip(variables, r, strict=True) if t is not None}
                    for r in rows
                ]
            },
        }
        if truncated:
            doc["head"]["link"] = ["#truncated"]  # type: ignore[index]
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f'<variable name="{xml_escape(v)}"/>' for v in variables]
        out.append("</head>\n<results>")
        for r in rows:
            out.append("<result>")
            for v, t in zip(variables, r, strict=True):
                if t is not None:
                    out.append(f'<binding name="{xml_escape(v)}">{_binding_xml(t)}</binding>')
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for r in rows:
            w.writerow(["" if t is None else t.value for t in r])  # type: ignore[attr-defined]
        return buf.getvalue().encode()
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def render_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{str(value).lower()}</boolean></sparql>\n"
        ).encode()
    if fmt in ("csv", "tsv"):
        return f"{str(value).lower()}\n".encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


# ------------------------------------------------------------------------- the app
class App:
    def __init__(self, dist: Path, s: Settings, limits: Limits | None = None) -> None:
        self.dist = Path(dist).resolve()
        self.site = self.dist / "site"
        self.s = s
        self.limits = limits or Limits()
        # the whole dataset in memory while it is small; above MEMORY_MAX_BYTES of N-Quads (13 GB of
        # memory at 10k documents) the on-disk store, which each query child opens for itself
        self.disk: Path | None = None
        if (self.dist / "kamerkg.nq").stat().st_size >= kstore.MEMORY_MAX_BYTES:
            self.store = kstore.open_disk_store(self.dist)
            self.disk = kstore.default_store_path(self.dist) / kstore.store_key(self.dist)
        else:
            self.store = kstore.open_store(self.dist)
        self.union_in_default = kstore.has_default_graph(self.store)
        self.slots = threading.BoundedSemaphore(self.limits.concurrency)
        self.fast = threading.BoundedSemaphore(self.limits.fast_concurrency)
        try:
            self.queries = list(load_queries(s.queries_dir).values())
        except KamerkgError:
            self.queries = []

    # ---- files
    def _file(self, rel: str) -> Path | None:
        rel = rel.lstrip("/")
        if "\x00" in rel or any(part == ".." for part in rel.split("/")):
            return None
        for root in (self.site, self.dist):
            p = (root / rel).resolve()
            if p.is_relative_to(root) and p.is_file():
                return p
            if rel == "" or rel.endswith("/"):
                idx = (root / rel / "index.html").resolve()
                if idx.is_relative_to(root) and idx.is_file():
                    return idx
        return None

    def _send(self, path: Path, vary: bool = False, location: str | None = None) -> Response:
        headers = {"Access-Control-Allow-Origin": "*"}
        if vary:
            headers["Vary"] = "Accept"
        if location:
            headers["Content-Location"] = location
        mt = MEDIA_TYPES.get(path.suffix, "application/octet-stream")
        return FileResponse(path, media_type=mt, headers=headers)

    # ---- dereferencing
    def _choose(self, request: Request) -> str | Response:
        try:
            fmt = _fmt_param(request.query_params.get("format"), RDF_VARIANTS, ALIASES)
        except ValueError as e:
            return _error(400, f"unknown format {e}; use one of: {', '.join(RDF_VARIANTS)}")
        if fmt:
            return fmt
        chosen = negotiate(request.headers.get("accept"), RDF_VARIANTS, ALIASES)
        if chosen is None:
            return _error(
                406, "not acceptable; this resource is available as: " + ", ".join(RDF_VARIANTS.values())
            )
        return chosen

    async def thing(self, request: Request) -> Response:
        """``/id/X``: 303 to the document about X in the negotiated format."""
        rest = request.path_params["rest"]
        if rest.startswith("graph/"):
            return self.named_graph(request, rest)
        ext = None
        if not (self.site / "page" / f"{rest}.html").is_file():
            stem, dot, e = rest.rpartition(".")
            if dot and e in RDF_VARIANTS and (self.site / "page" / f"{stem}.html").is_file():
                rest, ext = stem, e
            else:
                return _error(404, f"no resource {self.s.ids}{rest}")
        chosen = ext or self._choose(request)
        if isinstance(chosen, Response):
            return chosen
        depth = request.url.path.count("/") - 1  # from /id/a/b to the root: ../../
        target = "../" * depth + f"page/{rest}.{chosen}"
        return _see_other(target)

    def named_graph(self, request: Request, rest: str) -> Response:
        """``/id/graph/D``: a named graph is a document, so it is answered (200) in the negotiated RDF
        format; for HTML, 303 to the page of the document the graph was built from."""
        g = ox.NamedNode(self.s.ids + rest)
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(None, None, None, g)
        ]
        if not triples:
            return _error(404, f"no graph {g.value}")
        chosen = self._choose(request)
        if isinstance(chosen, Response):
            return chosen
        if chosen == "html":
            doc = rest[len("graph/") :]
            if (self.site / "page" / "doc" / f"{doc}.html").is_file():
                return _see_other("../../" + f"page/doc/{doc}.html")
            chosen = "ttl"
        from kamerkg.mapping import prefixes

        triples.sort(key=str)
        headers = {**_cors(), "Vary": "Accept"}
        mt, fmt = GRAPH_RESULTS[chosen]
        if chosen == "jsonld":
            from kamerkg.publish.jsonld import Compactor, dumps

            c = Compactor(triples, prefixes(self.s))
            doc_ = c.document("", triples)
            doc_["@context"] = c.context()
            return Response(dumps(doc_), media_type=mt, headers=headers)
        px = prefixes(self.s) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        data = ox.serialize(triples, format=fmt, **({"prefixes": px} if px else {})) or b""
        return Response(data, media_type=mt, headers=headers)

    async def page(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        f = self._file(f"page/{rest}")
        if f is not None:
            return self._send(f)
        if not (self.site / "page" / f"{rest}.html").is_file():
            return _error(404, f"no page {rest}")
        chosen = self._choose(request)
        if isinstance(chosen, Response):
            return chosen
        name = rest.rsplit("/", 1)[-1]
        return self._send(self.site / "page" / f"{rest}.{chosen}", vary=True, location=f"{name}.{chosen}")

    async def ontology(self, request: Request) -> Response:
        chosen = self._choose(request)
        if isinstance(chosen, Response):
            return chosen
        return _see_other("ontology/index.html" if chosen == "html" else "ontology/kamerkg.ttl")

    async def void(self, request: Request) -> Response:
        chosen = self._choose(request)
        if isinstance(chosen, Response):
            return chosen
        return _see_other("index.html" if chosen == "html" else "void.ttl")

    async def static(self, request: Request) -> Response:
        rel = request.path_params.get("rest", "")
        f = self._file(rel)
        if f is None and rel and "." not in rel.rsplit("/", 1)[-1]:
            f = self._file(rel + ".html")
        if f is None:
            return _error(404, f"not found: /{rel}")
        return self._send(f)

    # ---- SPARQL
    async def query_page(self, request: Request) -> Response:
        from kamerkg.publish.site import environment, script_json

        qs = [
            {"name": q.name, "title": q.title, "description": q.description, "text": q.text}
            for q in self.queries
        ]
        name = request.query_params.get("run")
        initial = next(
            (q["text"] for q in qs if q["name"] == name),
            qs[0]["text"] if qs else "SELECT * { ?s ?p ?o } LIMIT 10",
        )
        html = (
            environment()
            .get_template("query.html")
            .render(
                root="",
                title="SPARQL",
                endpoint=str(request.url_for("sparql")),
                queries=qs,
                initial=initial,
                queries_json=script_json(qs),
                base_json=script_json(self.s.base),
                max_rows=self.limits.max_rows,
                timeout=self.limits.timeout,
            )
        )
        return Response(html, media_type="text/html; charset=utf-8")

    async def sparql(self, request: Request) -> Response:
        params = dict(request.query_params)
        query: str | None = params.get("query")
        default_graphs = request.query_params.getlist("default-graph-uri")
        named_graphs = request.query_params.getlist("named-graph-uri")
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            raw = await _read_capped(request, self.limits.max_body)
            if raw is None:
                return _error(413, f"request body over {self.limits.max_body} bytes")
            body = raw.decode("utf-8", errors="replace")
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs(body, keep_blank_values=True)
                if "update" in form:
                    return _error(403, "this endpoint is read-only: SPARQL Update is refused")
                query = (form.get("query") or [None])[0]
                default_graphs += form.get("default-graph-uri", [])
                named_graphs += form.get("named-graph-uri", [])
                for k in ("format", "timeout"):
                    if k in form:
                        params[k] = form[k][0]
            elif ctype == "application/sparql-update":
                return _error(403, "this endpoint is read-only: SPARQL Update is refused")
            elif ctype == "application/sparql-query":
                query = body
            else:
                return _error(
                    415, "POST a query as application/x-www-form-urlencoded or application/sparql-query"
                )
        elif "update" in params:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        if query and len(query) > self.limits.max_body:
            return _error(413, f"query over {self.limits.max_body} characters")
        if not query:
            if negotiate(request.headers.get("accept"), {"html": "text/html"}) == "html" and "text/html" in (
                request.headers.get("accept") or ""
            ):
                return await self.query_page(request)
            return _error(400, "missing 'query' parameter (SPARQL 1.1 Protocol)")
        if UPDATE_RE.match(query):
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        try:
            timeout = min(float(params.get("timeout", self.limits.timeout)), self.limits.timeout)
        except ValueError:
            return _error(400, "timeout must be a number of seconds")
        isolated = self.limits.isolate and _can_fork()
        if not isolated and not self.slots.acquire(blocking=False):
            return _error(503, "too many queries running; try again", {"Retry-After": "2"})
        deadline = time.monotonic() + timeout
        # a daemon thread, not the loop's executor: an evaluation that overruns cannot be interrupted inside
        # Oxigraph, and must neither block the answer (503 below) nor the server's exit
        loop = asyncio.get_running_loop()
        task: asyncio.Future[Response] = loop.create_future()
        fmt, accept = params.get("format"), request.headers.get("accept")
        args = (query, default_graphs, named_graphs, fmt, accept, deadline)
        if isolated:
            return await self._lanes(args, timeout)

        def work() -> None:
            try:
                res: Response | BaseException = self._evaluate(*args)
            except BaseException as e:  # noqa: BLE001 - handed to the waiting request
                res = e
            loop.call_soon_threadsafe(_settle, task, res)

        threading.Thread(target=work, name="sparql-query", daemon=True).start()
        try:
            return await asyncio.wait_for(task, timeout + 0.5)
        except (TimeoutError, QueryTimeout):
            return _error(503, f"query timed out after {timeout:g} s")

    async def _lanes(self, args: tuple, timeout: float) -> Response:  # type: ignore[type-arg]
        fast = min(timeout, self.limits.fast_budget)
        wait_until = time.monotonic() + self.limits.queue_wait
        while not self.fast.acquire(blocking=False):  # wait a moment for a slot (bounded), then refuse
            if time.monotonic() >= wait_until:
                return _error(503, "too many queries running; try again", {"Retry-After": "2"})
            await asyncio.sleep(0.02)
        res = await self._evaluate_in_child(args, fast, self.fast, nice=5)
        if timeout <= fast or res.status_code != 503 or b"timed out" not in bytes(res.body):
            return res
        if not self.slots.acquire(blocking=False):
            return _error(
                503, f"a long query (over {fast:g} s), and the slots for long queries are busy; try later",
                {"Retry-After": "5"},
            )
        query, dg, ng, fmt, accept, _ = args
        args = (query, dg, ng, fmt, accept, time.monotonic() + timeout)
        return await self._evaluate_in_child(args, timeout, self.slots, nice=19)

    async def _evaluate_in_child(
        self, args: tuple, timeout: float, slot: threading.BoundedSemaphore, nice: int = 0  # type: ignore[type-arg]
    ) -> Response:
        """Evaluate in a forked child that is killed at the deadline: a runaway query (a cartesian product,
        a deep property path) gives back its CPU and its slot instead of running on (issue 7)."""
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)

        def child() -> None:
            os.nice(nice)  # the server itself (pages, short queries) comes first
            if self.disk is not None:  # a store handle of its own, not the parent's across the fork
                self.store = ox.Store.read_only(str(self.disk))
            self.slots = threading.BoundedSemaphore(1)  # the child's own: _evaluate releases it
            self.slots.acquire()
            try:
                r = self._evaluate(*args)
                send.send((r.status_code, bytes(r.body), r.raw_headers))
            except BaseException:  # noqa: BLE001 - no stack trace to the client
                send.send((500, b"internal error\n", [(b"content-type", b"text/plain; charset=utf-8")]))

        loop = asyncio.get_running_loop()
        proc = ctx.Process(target=child, name="sparql-query", daemon=True)
        try:
            proc.start()
            send.close()
            ready: asyncio.Future[bool] = loop.create_future()
            loop.add_reader(recv.fileno(), lambda: ready.done() or ready.set_result(True))
            try:  # wait on the pipe in the loop itself: no thread per running query
                await asyncio.wait_for(ready, timeout + 0.5)
            except TimeoutError:
                return _error(503, f"query timed out after {timeout:g} s")
            finally:
                loop.remove_reader(recv.fileno())
            status, body, raw = await loop.run_in_executor(None, recv.recv)
            res = Response(body, status_code=status)
            res.raw_headers = raw
            return res
        except (EOFError, OSError):
            return _error(500, "internal error")
        finally:
            if proc.is_alive():
                proc.kill()
            await loop.run_in_executor(None, proc.join, 5)
            recv.close()
            slot.release()

    def _evaluate(
        self,
        query: str,
        default_graphs: list[str],
        named_graphs: list[str],
        fmt: str | None,
        accept: str | None,
        deadline: float,
    ) -> Response:
        try:
            kw: dict[str, object] = {}
            if default_graphs:
                kw["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            elif not self.union_in_default:
                kw["use_default_graph_as_union"] = True
            if named_graphs:
                kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            try:
                res = self.store.query(query, **kw)  # type: ignore[arg-type]
            except (SyntaxError, ValueError, OSError) as e:
                return _error(400, f"bad query: {e}")
            if isinstance(res, ox.QueryBoolean):
                f = self._results_format(fmt, accept)
                if isinstance(f, Response):
                    return f
                return Response(render_boolean(bool(res), f), media_type=SPARQL_RESULTS[f], headers=_cors())
            if isinstance(res, ox.QuerySolutions):
                f = self._results_format(fmt, accept)
                if isinstance(f, Response):
                    return f
                variables = [v.value for v in res.variables]
                rows, truncated = self._collect((list(sol) for sol in res), deadline)
                headers = _cors()
                if truncated:
                    headers["X-Kamerkg-Truncated"] = f"results cut at {self.limits.max_rows} rows"
                body = render_solutions(variables, rows, f, truncated)
                return Response(body, media_type=SPARQL_RESULTS[f], headers=headers)
            g = self._graph_format(fmt, accept)
            if isinstance(g, Response):
                return g
            triples, truncated = self._collect(iter(res), deadline)
            headers = _cors()
            if truncated:
                headers["X-Kamerkg-Truncated"] = f"results cut at {self.limits.max_rows} triples"
            mt, rdf_fmt = GRAPH_RESULTS[g]
            if g == "jsonld":
                from kamerkg.mapping import prefixes
                from kamerkg.publish.jsonld import Compactor, dumps

                c = Compactor(triples, prefixes(self.s))  # type: ignore[arg-type]
                doc = c.document("", triples)  # type: ignore[arg-type]
                doc["@context"] = c.context()
                return Response(dumps(doc), media_type=mt, headers=headers)
            from kamerkg.mapping import prefixes

            px = prefixes(self.s) if rdf_fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
            data = ox.serialize(triples, format=rdf_fmt, **({"prefixes": px} if px else {})) or b""
            return Response(data, media_type=mt, headers=headers)
        except QueryTimeout:
            return _error(503, "query timed out")
        except (SyntaxError, ValueError, OSError) as e:
            return _error(400, f"query failed: {e}")
        finally:
            self.slots.release()

    def _collect(self, it: Iterator[object], deadline: float) -> tuple[list, bool]:  # type: ignore[type-arg]
        out = []
        for i, x in enumerate(it):
            if i >= self.limits.max_rows:
                return out, True
            if time.monotonic() > deadline:
                raise QueryTimeout()
            out.append(x)
        return out, False

    def _results_format(self, fmt: str | None, accept: str | None) -> str | Response:
        return _choose(fmt, accept, SPARQL_RESULTS, SPARQL_RESULT_ALIASES, "json", "results")

    def _graph_format(self, fmt: str | None, accept: str | None) -> str | Response:
        offers = {k: v[0] for k, v in GRAPH_RESULTS.items()}
        return _choose(fmt, accept, offers, ALIASES, "ttl", "RDF")

    def routes(self) -> list[Route]:
        return [
            Route("/sparql", self.sparql, methods=["GET", "POST"], name="sparql"),
            Route("/query", self.query_page, methods=["GET"]),
            Route("/id/{rest:path}", self.thing, methods=["GET", "HEAD"]),
            Route("/page/{rest:path}", self.page, methods=["GET", "HEAD"]),
            Route("/def", self.ontology, methods=["GET", "HEAD"]),
            Route("/void", self.void, methods=["GET", "HEAD"]),
            Route("/", self.static, methods=["GET", "HEAD"]),
            Route("/{rest:path}", self.static, methods=["GET", "HEAD"]),
        ]


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


async def _read_capped(request: Request, cap: int) -> bytes | None:
    """The request body, or None when it is (or says it is) over ``cap`` bytes: never read in whole."""
    try:
        if int(request.headers.get("content-length") or 0) > cap:
            return None
    except ValueError:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _inline_script_hashes() -> str:
    """CSP sources for the inline scripts of the query page (the only page with one)."""
    import base64
    import hashlib

    tpl = (Path(__file__).parent / "templates" / "query.html").read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"<script>(.*?)</script>", tpl, re.S):
        digest = base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode()
        out.append(f"'sha256-{digest}'")
    return " ".join(out)


class SecurityHeaders:
    """ASGI middleware: ``X-Content-Type-Options: nosniff`` on every response; a Content-Security-Policy
    (no scripts but our own and the query page's hashed one, no plugins, no framing) on HTML (issue 7)."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.csp = (
            f"default-src 'self'; script-src 'self' {_inline_script_hashes()}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'"
        ).encode()

    async def __call__(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # type: ignore[operator]
            return

        async def send_with_headers(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html") or ctype.startswith(b"application/xhtml"):
                    headers.append((b"content-security-policy", self.csp))
                    headers.append((b"referrer-policy", b"no-referrer"))
                message["headers"] = headers
            await send(message)  # type: ignore[operator]

        await self.app(scope, receive, send_with_headers)  # type: ignore[operator]


def _settle(fut: asyncio.Future[Response], res: Response | BaseException) -> None:
    if fut.done():  # the request already answered 503
        return
    if isinstance(res, BaseException):
        fut.set_exception(res)
    else:
        fut.set_result(res)


def _cors() -> dict[str, str]:
    return {"Access-Control-Allow-Origin": "*"}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers={**_cors(), **(headers or {})})


def _see_other(location: str) -> Response:
    return Response(status_code=303, headers={"Location": location, "Vary": "Accept", **_cors()})


def create_app(dist: str | Path = "dist", base: str | None = None, limits: Limits | None = None) -> Starlette:
    app = App(Path(dist), make_settings(base), limits)
    from starlette.middleware import Middleware

    starlette = Starlette(routes=app.routes(), middleware=[Middleware(SecurityHeaders)])  # type: ignore[arg-type]
    starlette.state.kamerkg = app
    return starlette


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve", help="serve dist/ as linked data (content negotiation, 303s) with a SPARQL endpoint"
    )
    p.add_argument("--dist", default="dist", help="published folder to serve (default: dist)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0 picks a free one)")
    p.add_argument(
        "--timeout", type=float, default=10.0, help="SPARQL query time limit in seconds (default: 10)"
    )
    p.add_argument("--max-rows", type=int, default=10_000, help="SPARQL result row limit (default: 10000)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    app = create_app(args.dist, args.base, Limits(timeout=args.timeout, max_rows=args.max_rows))
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"kamerkg: serving {args.dist}/ at http://{shown}:{port}/ (SPARQL at http://{shown}:{port}/sparql)",
        flush=True,
    )
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    server.run(sockets=[sock])
    return 0


def _choose(
    fmt: str | None,
    accept: str | None,
    offers: dict[str, str],
    aliases: dict[str, str],
    default: str,
    what: str,
) -> str | Response:
    """The format a client asked for: ``?format=`` first, then Accept, else ``default``; 400/406 otherwise."""
    try:
        f = _fmt_param(fmt, offers, aliases)
    except ValueError as e:
        return _error(400, f"unknown {what} format {e}; use one of: {', '.join(offers)}")
    if f:
        return f
    if not accept or accept.strip() in ("*/*", ""):
        return default
    chosen = negotiate(accept, offers, aliases)
    return chosen or _error(406, f"{what} results available as: " + ", ".join(offers.values()))
