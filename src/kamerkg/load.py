"""Push a built dataset into a triple store: SPARQL 1.1 Graph Store HTTP Protocol, or bulk-loader shards.

:func:`load` reads ``dist/kamerkg.nq`` (one named graph per source document plus the registers) and
replaces every graph in the store with an HTTP ``PUT <store>?graph=<IRI>``. A ``PUT`` replaces the
whole graph, so reloading is idempotent: no duplicates and no stale triples inside a graph.

Graphs that an earlier load wrote but that the dataset no longer has (a source document removed)
are found through a small *manifest graph* kept in the store itself
(:data:`MANIFEST_GRAPH`, one ``kkg:loadedGraph`` triple per graph) and deleted. The order of the
steps keeps this safe when a load is interrupted:

1. read the old manifest;
2. write the manifest as old ∪ new (so a graph written in step 3 is always listed);
3. ``PUT`` every graph of the dataset;
4. ``DELETE`` the graphs of the old manifest that the dataset no longer has;
5. write the manifest as exactly the new graphs.

The manifest graph also records each loaded graph's content hash (``kkg:contentHash``, from
``dist/manifest.json``, :mod:`kamerkg.changes`). With ``changed_only`` a load sends only the graphs whose
hash differs from the one the store records (a daily update of a large store: seconds, not a reload);
the graphs are read straight out of the sorted ``kamerkg.nq`` (a binary search per graph), not by
parsing the whole dump. A graph being written is listed without a hash until the load completes, so an
interrupted load is finished by the next one.

:func:`bulk` writes N-Quads shards for the offline bulk loaders of large stores and returns the
loader commands for Oxigraph (``oxigraph load``) and Virtuoso (``ld_dir``/``rdf_loader_run``).

Credentials (user, password, token, or user-info inside the store URL) never appear in log
records, reports or error messages: every URL shown goes through :func:`redact_url`.
"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import shlex
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kamerkg.errors import KamerkgError

log = logging.getLogger(__name__)

GRAPH_BASE = "https://w3id.org/kamerkg/id/graph/"
MANIFEST_GRAPH = GRAPH_BASE + "load-manifest"
DEFAULT_GRAPH_FALLBACK = GRAPH_BASE + "default"
KKG = "https://w3id.org/kamerkg/def#"
LOADED_GRAPH = KKG + "loadedGraph"
CONTENT_HASH = KKG + "contentHash"
DCT_MODIFIED = "http://purl.org/dc/terms/modified"
USER_AGENT = "kamerkg-load/0.1 (+https://w3id.org/kamerkg/)"
# Sent as text/turtle: N-Triples is a subset of Turtle, and every Graph Store here accepts text/turtle
# (Virtuoso 7.2 does not know application/n-triples on PUT).
PUT_CONTENT_TYPE = "text/turtle; charset=utf-8"

Auth = tuple[str, str, str] | tuple[str, str] | None


class StoreError(KamerkgError):
    """The store refused a request or could not be reached."""

    exit_code = 3


# ----------------------------------------------------------------------------- reports


@dataclass
class LoadReport:
    """What :func:`load` did (or, with ``dry_run``, would do)."""

    store: str  # redacted URL of the Graph Store endpoint
    graphs: dict[str, int] = field(default_factory=dict)  # graph IRI -> triples PUT
    deleted: list[str] = field(default_factory=list)  # stale graphs removed
    stale_unknown: bool = False  # dry run without a readable manifest
    unchanged: int = 0  # graphs not sent because the store has them with the same content hash
    dry_run: bool = False
    seconds: float = 0.0
    requests: int = 0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    def summary(self) -> str:
        verb = "would load" if self.dry_run else "loaded"
        deleted = "unknown" if self.stale_unknown else str(len(self.deleted))
        return (
            f"{verb} {len(self.graphs)} graphs, {self.triples} triples into {self.store}; "
            f"stale graphs {'to delete' if self.dry_run else 'deleted'}: {deleted}; "
            f"{f'unchanged graphs skipped: {self.unchanged}; ' if self.unchanged else ''}"
            f"{self.requests} requests in {self.seconds:.2f} s"
        )


@dataclass
class BulkReport:
    """What :func:`bulk` wrote, and the commands that load it."""

    files: list[Path]
    graphs: list[str]
    quads: int
    commands: dict[str, str]  # store name -> shell command(s)

    def summary(self) -> str:
        lines = [f"wrote {len(self.files)} N-Quads shards, {self.quads} quads in {len(self.graphs)} graphs"]
        for name, cmd in self.commands.items():
            lines += ["", f"# {name}", cmd]
        return "\n".join(lines)


# ----------------------------------------------------------------------------- helpers


def _hostport(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return host + (f":{parts.port}" if parts.port else "")


def redact_url(url: str) -> str:
    """The URL without user-info (``user:password@``), for logs and messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urlunsplit((parts.scheme, "***@" + _hostport(url), parts.path, parts.query, parts.fragment))


def _split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = _hostport(url)
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, (unquote(parts.username), unquote(parts.password or ""))


def endpoint_url(store_url: str, graph_store_path: str | None = None) -> str:
    """The Graph Store endpoint: ``store_url`` itself, or ``store_url`` + ``graph_store_path``."""
    if not graph_store_path:
        return store_url
    return store_url.rstrip("/") + "/" + graph_store_path.lstrip("/")


def graph_url(endpoint: str, graph: str) -> str:
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}graph={quote(graph, safe='')}"


def _httpx_auth(auth: Auth) -> tuple[httpx.Auth | None, dict[str, str]]:
    if auth is None:
        return None, {}
    kind = auth[0].lower()
    if kind == "bearer" and len(auth) == 2:
        return None, {"Authorization": f"Bearer {auth[1]}"}
    if kind == "basic" and len(auth) == 3:
        return httpx.BasicAuth(auth[1], auth[2]), {}
    if kind == "digest" and len(auth) == 3:
        return httpx.DigestAuth(auth[1], auth[2]), {}
    # the tuple holds secrets: name only its kind and length
    raise StoreError(
        f"bad auth option: kind {kind!r} with {len(auth) - 1} values (basic|digest user pw, bearer token)"
    )


def read_dataset(dist_dir: Path) -> dict[str, list[ox.Triple]]:
    """Triples of ``dist_dir/kamerkg.nq`` grouped by graph IRI (default-graph triples under a fallback)."""
    path = Path(dist_dir) / "kamerkg.nq"
    if not path.is_file():
        raise StoreError(f"{path}: no such file (run `kamerkg build` first)")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    try:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            g = q.graph_name
            name = g.value if isinstance(g, ox.NamedNode) else DEFAULT_GRAPH_FALLBACK
            graphs[name].append(q.triple)
    except SyntaxError as e:
        raise StoreError(f"{path}: not valid N-Quads: {e}") from None
    if DEFAULT_GRAPH_FALLBACK in graphs:
        log.warning(
            "%d triples in the default graph; loading them into <%s>",
            len(graphs[DEFAULT_GRAPH_FALLBACK]),
            DEFAULT_GRAPH_FALLBACK,
        )
    if MANIFEST_GRAPH in graphs:
        raise StoreError(f"{path}: the dataset must not use the manifest graph <{MANIFEST_GRAPH}>")
    return dict(sorted(graphs.items()))


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def _manifest_triples(graphs: Iterable[str], hashes: dict[str, str] | None = None) -> list[ox.Triple]:
    m = ox.NamedNode(MANIFEST_GRAPH)
    p = ox.NamedNode(LOADED_GRAPH)
    h = ox.NamedNode(CONTENT_HASH)
    out = []
    for g in sorted(set(graphs)):
        out.append(ox.Triple(m, p, ox.NamedNode(g)))
        if hashes and hashes.get(g):
            out.append(ox.Triple(ox.NamedNode(g), h, ox.Literal(hashes[g])))
    return out


def graph_hashes(dist_dir: Path) -> dict[str, str]:
    """The content hash of every graph of a built dataset (``manifest.json``; empty when it has none)."""
    import json

    try:
        data = json.loads((Path(dist_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    hashes = data.get("graph_hashes") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in hashes.items() if v} if isinstance(hashes, dict) else {}


def _line_graph(line: bytes) -> str:
    """The graph IRI of an N-Quads line ending in ``<graph> .``."""
    end = line.rstrip()
    i = end.rfind(b"<", 0, len(end) - 1)
    return end[i + 1 : end.rfind(b">")].decode("utf-8") if i != -1 else ""


def read_graphs(dist_dir: Path, wanted: Iterable[str]) -> dict[str, list[ox.Triple]]:
    """The triples of the graphs ``wanted`` from ``kamerkg.nq``, whose graphs are contiguous and in order
    of graph IRI (as ``kamerkg build`` writes it): a binary search over the file per graph. Falls back to
    reading the whole file when a graph is not where the order says it is."""
    path = Path(dist_dir) / "kamerkg.nq"
    want = sorted(set(wanted))
    out: dict[str, list[ox.Triple]] = {}
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            for g in want:
                lo, hi = 0, size
                while lo < hi:  # the first line start whose graph is >= g
                    mid = (lo + hi) // 2
                    if mid:  # the first line that starts at or after mid
                        f.seek(mid - 1)
                        f.readline()
                    else:
                        f.seek(0)
                    start = f.tell()
                    line = f.readline()
                    if not line or _line_graph(line) >= g:
                        hi = mid
                    else:
                        lo = start + len(line)
                f.seek(lo)
                if lo:
                    f.seek(lo - 1)
                    if f.read(1) != b"\n":
                        f.readline()
                block = []
                while (line := f.readline()) and _line_graph(line) == g:
                    block.append(line)
                if not block:
                    raise LookupError(g)
                out[g] = [q.triple for q in ox.parse(b"".join(block), format=ox.RdfFormat.N_QUADS)]
    except (LookupError, SyntaxError):
        everything = read_dataset(Path(dist_dir))
        return {g: everything[g] for g in want if g in everything}
    except OSError:
        raise StoreError(f"{path}: no such file (run `kamerkg build` first)") from None
    return out


# ----------------------------------------------------------------------------- the Graph Store client


class GraphStore:
    """A minimal SPARQL 1.1 Graph Store HTTP Protocol client (GET, PUT, DELETE of named graphs)."""

    def __init__(
        self,
        endpoint: str,
        auth: Auth = None,
        *,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        endpoint, userinfo = _split_userinfo(endpoint)
        if userinfo and auth is None:
            auth = ("basic", *userinfo)
        self.endpoint = endpoint
        self.shown = redact_url(endpoint)
        self.retries = retries
        self.backoff = backoff
        self.requests = 0
        httpx_auth, headers = _httpx_auth(auth)
        self.client = httpx.Client(
            auth=httpx_auth,
            headers={"User-Agent": USER_AGENT, **headers},
            timeout=timeout,
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, graph: str, **kw: object) -> httpx.Response:
        url = graph_url(self.endpoint, graph)
        what = f"{method} <{graph}> at {self.shown}"
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                r = self.client.request(method, url, **kw)  # type: ignore[arg-type]
            except httpx.HTTPError as e:
                # str(e) may hold the URL; name the kind of failure only
                if attempt < self.retries:
                    log.info("%s failed (%s); retrying", what, type(e).__name__)
                    time.sleep(self.backoff * 2**attempt)
                    continue
                raise StoreError(f"{what}: {type(e).__name__} (store unreachable or too slow?)") from None
            if r.status_code in (502, 503, 504) and attempt < self.retries:
                log.info("%s: HTTP %d; retrying", what, r.status_code)
                time.sleep(self.backoff * 2**attempt)
                continue
            return r
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _fail(what: str, r: httpx.Response) -> StoreError:
        hint = " (check the credentials and --auth kind)" if r.status_code in (401, 403) else ""
        body = r.text[:300].strip().replace("\n", " ") if r.status_code not in (401, 403) else ""
        return StoreError(f"{what}: HTTP {r.status_code}{hint}{': ' + body if body else ''}")

    def put(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        data = _ntriples(triples)
        r = self._request("PUT", graph, content=data, headers={"Content-Type": PUT_CONTENT_TYPE})
        if r.status_code not in (200, 201, 204):
            raise self._fail(f"PUT <{graph}> at {self.shown}", r)

    def delete(self, graph: str) -> bool:
        """Delete a graph; False when it was not there."""
        r = self._request("DELETE", graph)
        if r.status_code == 404:
            return False
        if r.status_code not in (200, 202, 204):
            raise self._fail(f"DELETE <{graph}> at {self.shown}", r)
        return True

    def get(self, graph: str) -> list[ox.Triple] | None:
        """The triples of a graph, or None when the store does not have it."""
        r = self._request("GET", graph, headers={"Accept": "application/n-triples, text/turtle;q=0.9"})
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise self._fail(f"GET <{graph}> at {self.shown}", r)
        ctype = r.headers.get("content-type", "text/turtle").split(";")[0].strip().lower()
        fmt = ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.TURTLE
        if not r.content.strip():
            return []
        try:
            return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(r.content, format=fmt)]
        except SyntaxError as e:
            raise StoreError(f"GET <{graph}> at {self.shown}: unreadable {ctype}: {e}") from None

    def manifest(self) -> set[str] | None:
        hashes = self.manifest_hashes()
        return None if hashes is None else set(hashes)

    def manifest_hashes(self) -> dict[str, str | None] | None:
        """The graphs the last load wrote, each with its content hash (None where none is recorded)."""
        triples = self.get(MANIFEST_GRAPH)
        if triples is None:
            return None
        graphs: dict[str, str | None] = {
            t.object.value: None
            for t in triples
            if t.predicate.value == LOADED_GRAPH and isinstance(t.object, ox.NamedNode)
        }
        for t in triples:
            if t.predicate.value == CONTENT_HASH and t.subject.value in graphs:
                graphs[t.subject.value] = t.object.value
        return graphs

    def put_manifest(self, graphs: Iterable[str], hashes: dict[str, str] | None = None) -> None:
        self.put(MANIFEST_GRAPH, _manifest_triples(graphs, hashes))


# ----------------------------------------------------------------------------- load


def _put_graphs(
    gs: GraphStore, graphs: dict[str, list[ox.Triple]], workers: int, auth: Auth, timeout: float
) -> int:
    """PUT every graph, with ``gs`` or with ``workers`` clients of their own; their request count."""
    if workers <= 1 or len(graphs) < 2:
        for i, (g, triples) in enumerate(graphs.items(), 1):
            gs.put(g, triples)
            log.debug("PUT %d/%d <%s> (%d triples)", i, len(graphs), g, len(triples))
        return 0
    clients: queue.Queue[GraphStore] = queue.Queue()
    made = [GraphStore(gs.endpoint, auth, timeout=timeout) for _ in range(min(workers, len(graphs)))]
    for c in made:
        clients.put(c)

    def put(item: tuple[str, list[ox.Triple]]) -> None:
        c = clients.get()
        try:
            c.put(*item)
        finally:
            clients.put(c)

    try:
        with ThreadPoolExecutor(max_workers=len(made)) as pool:
            for _ in pool.map(put, graphs.items()):
                pass
    finally:
        for c in made:
            c.close()
    return sum(c.requests for c in made)


def load(
    dist_dir: Path | str,
    store_url: str,
    *,
    auth: Auth = None,
    dry_run: bool = False,
    graph_store_path: str | None = None,
    timeout: float = 120.0,
    manifest: bool = True,
    workers: int = 1,
    changed_only: bool = False,
) -> LoadReport:
    """Replace every graph of ``dist_dir/kamerkg.nq`` in the Graph Store at ``store_url``.

    ``auth`` is ``None``, ``("basic", user, password)``, ``("digest", user, password)`` or
    ``("bearer", token)``. With ``dry_run`` nothing is written; the manifest is read if the store
    answers, to list the stale graphs. ``manifest=False`` skips the manifest graph (and so the
    deletion of stale graphs). ``workers`` > 1 sends that many PUTs at once, each worker with its
    own connection (and its own Digest state). ``changed_only`` sends only the graphs whose content
    hash (``dist/manifest.json``) differs from the one the store's manifest graph records.
    """
    t0 = time.perf_counter()
    dist = Path(dist_dir)
    if not (dist / "kamerkg.nq").is_file():
        raise StoreError(f"{dist / 'kamerkg.nq'}: no such file (run `kamerkg build` first)")
    hashes = graph_hashes(dist) if manifest else {}
    endpoint = endpoint_url(store_url, graph_store_path)
    report = LoadReport(store=redact_url(endpoint), dry_run=dry_run)
    with GraphStore(endpoint, auth, timeout=timeout) as gs:
        report.store = gs.shown
        old: dict[str, str | None] | None = None
        if manifest:
            try:
                old = gs.manifest_hashes()
            except StoreError as e:
                if not dry_run:
                    raise
                log.warning("dry run: cannot read the manifest: %s", e)
                report.stale_unknown = True
        if changed_only and hashes and manifest:
            send = sorted(g for g, h in hashes.items() if (old or {}).get(g) != h)
            graphs = read_graphs(dist, send)
            report.unchanged = len(hashes) - len(send)
            names = set(hashes)
        else:
            graphs = read_dataset(dist)
            names = set(graphs)
        report.graphs = {g: len(ts) for g, ts in graphs.items()}
        stale = sorted(set(old or {}) - names)
        if dry_run:
            report.deleted = stale if not report.stale_unknown else []
            report.requests = gs.requests
            report.seconds = time.perf_counter() - t0
            return report
        if manifest:  # old ∪ new; a graph about to be written keeps no hash until the load completes
            kept = {g: h for g, h in (old or {}).items() if h and g not in graphs}
            gs.put_manifest(set(old or {}) | names, kept)
        extra = _put_graphs(gs, graphs, workers, auth, timeout)
        if manifest:
            for g in stale:
                gs.delete(g)
                report.deleted.append(g)
            gs.put_manifest(names, hashes)
        report.requests = gs.requests + extra
    report.seconds = time.perf_counter() - t0
    log.info("%s", report.summary())
    return report


# ----------------------------------------------------------------------------- bulk


def _shards(quads: Iterator[ox.Quad], shard_size: int) -> Iterator[list[ox.Quad]]:
    buf: list[ox.Quad] = []
    for q in quads:
        buf.append(q)
        if len(buf) >= shard_size:
            yield buf
            buf = []
    if buf:
        yield buf


VIRTUOSO_SQL = "virtuoso-load.sql"


def virtuoso_bulk_sql(out_dir: Path, graphs: list[str]) -> str:
    """The isql script that replaces ``graphs`` with the shards in ``out_dir`` (Virtuoso bulk loader).

    The graphs of the previous load (its manifest) and the graphs of this one are cleared first, so
    the bulk load replaces like :func:`load` does; one statement a line, for ``isql-vt ... FILE``.
    """
    out = out_dir.resolve()
    lines = [
        "log_enable(3,1);",
        # the graphs of the previous load go too, so no stale graph survives
        f"SPARQL DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{MANIFEST_GRAPH}> "
        f"{{ ?m <{LOADED_GRAPH}> ?g }} GRAPH ?g {{ ?s ?p ?o }} }};",
        f"SPARQL CLEAR GRAPH <{MANIFEST_GRAPH}>;",
        *(f"SPARQL CLEAR GRAPH <{g}>;" for g in graphs),
        f"delete from DB.DBA.load_list where ll_file like '{out}/%';",
        f"ld_dir('{out}', 'kamerkg-*.nq', '{DEFAULT_GRAPH_FALLBACK}');",
        "rdf_loader_run();",
        "checkpoint;",
        "select ll_file, ll_error from DB.DBA.load_list where ll_error is not null;",
    ]
    return "\n".join(lines) + "\n"


def bulk_commands(out_dir: Path, files: list[Path]) -> dict[str, str]:
    """Shell commands that load the shards into a fresh Oxigraph database and into Virtuoso."""
    out = out_dir.resolve()
    ox_files = " ".join(f"--file {shlex.quote(str(f.resolve()))}" for f in files)
    oxigraph = (
        "# into a new (or stopped) database; `oxigraph load` adds, so start from an empty --location\n"
        f"oxigraph load --location ./oxigraph-db {ox_files}\n"
        "oxigraph serve --location ./oxigraph-db --union-default-graph --bind 127.0.0.1:7878"
    )
    virtuoso = (
        f"# {out} must be in DirsAllowed of virtuoso.ini; the script clears the graphs first (replace)\n"
        f'isql-vt 1111 dba "$VIRTUOSO_PASSWORD" {shlex.quote(str(out / VIRTUOSO_SQL))}'
    )
    return {"oxigraph": oxigraph, "virtuoso": virtuoso}


def bulk(dist_dir: Path | str, out_dir: Path | str, shard_size: int = 1_000_000) -> BulkReport:
    """Write ``dist_dir/kamerkg.nq`` as N-Quads shards of at most ``shard_size`` quads into ``out_dir``.

    Quads stay ordered by graph, so a graph spans as few shards as possible; the last shard also
    holds the manifest graph, as :func:`load` writes it. Old shards in ``out_dir`` are removed
    first. Also writes the isql script :data:`VIRTUOSO_SQL`. Returns the files and the commands.
    """
    if shard_size < 1:
        raise StoreError(f"shard size must be at least 1, not {shard_size}")
    graphs = read_dataset(Path(dist_dir))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("kamerkg-*.nq"):
        old.unlink()

    def quads() -> Iterator[ox.Quad]:
        for g, triples in graphs.items():
            gn = ox.NamedNode(g)
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, gn)
        mg = ox.NamedNode(MANIFEST_GRAPH)
        for t in _manifest_triples(graphs, graph_hashes(Path(dist_dir))):
            yield ox.Quad(t.subject, t.predicate, t.object, mg)

    files: list[Path] = []
    total = 0
    for i, shard in enumerate(_shards(quads(), shard_size), 1):
        path = out / f"kamerkg-{i:04d}.nq"
        ox.serialize(shard, path, format=ox.RdfFormat.N_QUADS)
        files.append(path)
        total += len(shard)
    names = list(graphs)
    (out / VIRTUOSO_SQL).write_text(virtuoso_bulk_sql(out, names), encoding="utf-8")
    return BulkReport(files=files, graphs=names, quads=total, commands=bulk_commands(out, files))


# ----------------------------------------------------------------------------- CLI


def auth_from_args(args: argparse.Namespace) -> Auth:
    token = args.token or os.environ.get("KAMERKG_STORE_TOKEN")
    if token:
        return ("bearer", token)
    if args.user:
        password = (
            args.password if args.password is not None else os.environ.get("KAMERKG_STORE_PASSWORD", "")
        )
        return (args.auth, args.user, password)
    return None


def _run(args: argparse.Namespace) -> int:
    dist = Path(args.dist)
    if args.bulk:
        rep = bulk(dist, Path(args.bulk), args.shard_size)
        print(rep.summary())
        if not args.store:
            return 0
    elif not args.store:
        raise StoreError("give --store URL (a Graph Store endpoint) or --bulk OUT_DIR")
    report = load(
        dist,
        args.store,
        auth=auth_from_args(args),
        dry_run=args.dry_run,
        graph_store_path=args.graph_store_path,
        timeout=args.timeout,
        workers=args.workers,
        changed_only=args.changed_only,
    )
    if args.dry_run:
        for g, n in report.graphs.items():
            print(f"PUT    {g}  ({n} triples)")
        for g in report.deleted:
            print(f"DELETE {g}")
    print(report.summary())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "load",
        help="load the built dataset into a triple store (Graph Store Protocol) or write bulk shards",
        description=(
            "Replace one named graph per source document in a SPARQL 1.1 Graph Store "
            "(e.g. Oxigraph http://127.0.0.1:7878/store, "
            "Virtuoso http://127.0.0.1:8890/sparql-graph-crud-auth "
            "with --auth digest). Graphs of an earlier load that the dataset no longer has are deleted. "
            "The password can also come from KAMERKG_STORE_PASSWORD, the token from KAMERKG_STORE_TOKEN."
        ),
    )
    p.add_argument("--store", metavar="URL", help="Graph Store endpoint URL")
    p.add_argument("--dist", default="dist", metavar="DIR", help="built dataset folder (default: dist)")
    p.add_argument("--graph-store-path", metavar="PATH", help="path appended to --store (e.g. /store)")
    p.add_argument("--user", metavar="U")
    p.add_argument("--password", metavar="P", help="prefer KAMERKG_STORE_PASSWORD: arguments show in `ps`")
    p.add_argument(
        "--auth", choices=["basic", "digest"], default="basic", help="HTTP auth kind (default basic)"
    )
    p.add_argument("--token", metavar="T", help="bearer token (or KAMERKG_STORE_TOKEN)")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be loaded and deleted; write nothing"
    )
    p.add_argument(
        "--bulk", metavar="OUT_DIR", help="write N-Quads shards and print the bulk-loader commands"
    )
    p.add_argument(
        "--shard-size", type=int, default=1_000_000, metavar="N", help="quads per shard (default 1e6)"
    )
    p.add_argument(
        "--timeout", type=float, default=120.0, metavar="S", help="seconds per request (default 120)"
    )
    p.add_argument("--workers", type=int, default=1, metavar="N", help="PUTs at once (default 1)")
    p.add_argument(
        "--changed-only",
        action="store_true",
        help="send only the graphs whose content hash differs from what the store's last load recorded",
    )
    p.set_defaults(func=_run)
