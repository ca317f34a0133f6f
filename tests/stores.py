"""Real triple stores on 127.0.0.1 for the tests: the Oxigraph server (PyPI) and Virtuoso (Debian).

Import what you need from a test module (this is not a conftest):

    from stores import OxigraphServer, start_oxigraph, start_virtuoso, need_binary, build_dataset

``start_oxigraph``/``start_virtuoso`` are context managers that start a server on free loopback ports
in a temporary folder and stop it (by its own PID) on exit. ``need_binary`` skips the test when the
server binary is absent, with the install command as the reason, unless ``CI=true``: there absence
is a failure, since ``.ci/stores.sh`` installs them.

Also here: the dataset the store tests load (the real ``kamerkg build`` when it exists, else a small
hand-written fixture plus the registers), and the normalisation of SPARQL results used to compare
answers across engines.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GRAPH_BASE = "https://w3id.org/kamerkg/id/graph/"

INSTALL_HINT = {
    "oxigraph": "pip install oxigraph",
    "virtuoso-t": "apt-get install virtuoso-opensource (see .ci/stores.sh)",
    "isql-vt": "apt-get install virtuoso-opensource (see .ci/stores.sh)",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def need_binary(name: str) -> str:
    """Path of ``name``; skip (fail under ``CI=true``) when it is not installed."""
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} not installed ({INSTALL_HINT.get(name, 'see .ci/stores.sh')})"
    if in_ci():
        pytest.fail(f"{reason}; CI=true, so the store tests must run", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited with code {proc.returncode} before answering:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"server did not answer {url} within {timeout} s:\n{tail}")


def _stop(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# ----------------------------------------------------------------------------- Oxigraph


@dataclass
class OxigraphServer:
    base: str
    location: Path | None
    proc: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"


@contextlib.contextmanager
def start_oxigraph(location: Path | None = None, *, union: bool = True) -> Iterator[OxigraphServer]:
    """An ``oxigraph serve`` on a free 127.0.0.1 port (in memory when ``location`` is None)."""
    exe = need_binary("oxigraph")
    port = free_port()
    cmd = [exe, "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        location.mkdir(parents=True, exist_ok=True)
        cmd += ["--location", str(location)]
    if union:
        cmd.append("--union-default-graph")
    logf = (location.parent if location else Path(os.environ.get("TMPDIR", "/tmp"))) / f"oxigraph-{port}.log"
    with open(logf, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = OxigraphServer(f"http://127.0.0.1:{port}", location, proc)
    try:
        _wait_http(server.query_url + "?query=" + urllib.parse.quote("ASK {}"), proc, 30, logf)
        yield server
    finally:
        _stop(proc)


# ----------------------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = {dirs}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 1G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = 40000
MaxDirtyBuffers          = 30000

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
DefaultMailServer           = localhost:25
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 1

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:{http_port}

[SPARQL]
ResultSetMaxRows           = 1000000
MaxSortedTopRows           = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 600
DefaultGraph               =
DeferInferenceRulesInit    = 0
"""


@dataclass
class VirtuosoServer:
    base: str
    sql_port: int
    workdir: Path
    proc: subprocess.Popen[bytes]
    dirs_allowed: list[Path] = field(default_factory=list)
    user: str = "dba"
    password: str = "dba"

    @property
    def sparql_url(self) -> str:
        return self.base + "/sparql"

    @property
    def store_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    @property
    def auth(self) -> tuple[str, str, str]:
        return ("digest", self.user, self.password)

    def isql(self, sql: str | Path, timeout: float = 300) -> str:
        """Run SQL (a string, or a script file) through ``isql-vt``; raise with its output on an error."""
        exe = need_binary("isql-vt")
        what = str(sql) if isinstance(sql, Path) else f"exec={sql}"
        r = subprocess.run(
            [exe, f"127.0.0.1:{self.sql_port}", self.user, self.password, what],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        out = r.stdout + r.stderr
        if r.returncode != 0 or "*** Error" in out:
            raise RuntimeError(f"isql-vt failed ({r.returncode}):\n{out[-2000:]}")
        return out


@contextlib.contextmanager
def start_virtuoso(workdir: Path, dirs_allowed: list[Path] | None = None) -> Iterator[VirtuosoServer]:
    """A fresh Virtuoso database in ``workdir``, on free 127.0.0.1 ports; stopped with ``shutdown;``."""
    exe = need_binary("virtuoso-t")
    need_binary("isql-vt")
    workdir.mkdir(parents=True, exist_ok=True)
    dirs = [workdir, *(dirs_allowed or [])]
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            d=workdir,
            sql_port=sql_port,
            http_port=http_port,
            dirs=", ".join([".", "/usr/share/virtuoso-opensource-7/vad", *(str(p.resolve()) for p in dirs)]),
        )
    )
    logf = workdir / "server.out"
    with open(logf, "wb") as out:
        proc = subprocess.Popen(
            [exe, "+foreground", "+configfile", str(ini)],
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port, workdir, proc, dirs)
    try:
        _wait_http(
            server.sparql_url + "?query=" + urllib.parse.quote("ASK {}"), proc, 90, workdir / "virtuoso.log"
        )
        yield server
    finally:
        if proc.poll() is None:
            with contextlib.suppress(Exception):
                server.isql("shutdown;", timeout=60)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                _stop(proc)


# ----------------------------------------------------------------------------- fixtures to import


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An Oxigraph server with an on-disk store and the union default graph (import it into a test module)."""
    with start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db") as s:
        yield s


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server with a fresh database (dba/dba; Digest auth on the Graph Store)."""
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso")) as s:
        yield s


# ----------------------------------------------------------------------------- the dataset


def build_dataset(out: Path) -> Path:
    """A built ``dist`` in ``out``: the real build when ``kamerkg.api.build`` exists, else a fixture."""
    try:
        from kamerkg import api
    except ImportError:  # pragma: no cover
        api = None  # type: ignore[assignment]
    build = getattr(api, "build", None)
    if build is not None:
        build(out=out)
        if (out / "kamerkg.nq").is_file():
            return out
    return fixture_dataset(out)


def fixture_dataset(out: Path) -> Path:
    """``out/kamerkg.nq`` from ``tests/fixtures/stores/documents.trig`` plus the registers."""
    out.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    store.load(path=str(FIXTURES / "stores" / "documents.trig"), format=ox.RdfFormat.TRIG)
    ref = ox.NamedNode(GRAPH_BASE + "reference")
    for ttl in sorted((ROOT / "data" / "reference").glob("*.ttl")):
        store.load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ref)
    store.dump(out / "kamerkg.nq", format=ox.RdfFormat.N_QUADS)
    return out


def dataset_graphs(nq: Path) -> dict[str, int]:
    """Triples per named graph of an N-Quads file."""
    counts: dict[str, int] = {}
    for q in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        counts[g] = counts.get(g, 0) + 1
    return counts


# ----------------------------------------------------------------------------- comparing answers

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
DECIMAL_TYPES = {XSD + "decimal"}
FLOAT_TYPES = {XSD + "double", XSD + "float"}


def _num(text: str) -> str:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return text
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def _datetime(text: str) -> str:
    t = text.strip()
    try:
        dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        return t
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
        return dt.replace(tzinfo=None).isoformat() + "Z"
    return dt.isoformat()


def _date(text: str) -> str:
    t = text.strip()
    # Virtuoso may answer an xsd:date with a time zone or a time part; the lexical date is what counts
    with contextlib.suppress(ValueError):
        return date.fromisoformat(t[:10]).isoformat()
    return t


def normalise_literal(value: str, datatype: str | None, lang: str | None) -> str:
    """A canonical string for a literal, so that equal values written differently compare equal."""
    if lang:
        # the string value: engines differ on whether an aggregate (GROUP_CONCAT, SAMPLE ...) keeps the tag
        return value
    dt = datatype or XSD + "string"
    if dt in INTEGER_TYPES or dt in DECIMAL_TYPES or dt in FLOAT_TYPES:
        return _num(value)
    if dt == XSD + "boolean":
        return {"1": "true", "0": "false"}.get(value.strip(), value.strip().lower())
    if dt == XSD + "dateTime":
        return _datetime(value)
    if dt == XSD + "date":
        return _date(value)
    return value


def normalise_json_term(term: dict[str, str] | None) -> str:
    """Normalise a SPARQL JSON results binding."""
    if term is None:
        return ""
    kind = term["type"]
    if kind == "uri":
        return term["value"]
    if kind == "bnode":
        return "_:b"
    return normalise_literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def normalise_ox_term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.Literal):
        return normalise_literal(term.value, term.datatype.value, term.language)
    return str(term)


Rows = list[tuple[str, ...]]

_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*?(?:;\s*separator\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?\s*\)"
    r"\s*AS\s*\?(\w+)",
    re.IGNORECASE,
)


def strip_comments(query: str) -> str:
    """The query without whole-line ``#`` comments.

    SPARQLWrapper 2.0 guesses the query type with a regex that can be fooled by a header comment
    (it took a SELECT whose comment says "address" for an ``ADD`` update and sent it as ``update=``).
    """
    return "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))


def group_concat_separators(query: str) -> dict[str, str]:
    """Projected variables bound to ``GROUP_CONCAT`` -> separator (default a space)."""
    return {
        m.group(3): m.group(1) if m.group(1) is not None else (m.group(2) or " ")
        for m in _GROUP_CONCAT.finditer(query)
    }


def sep_sorted(value: str, sep: str) -> str:
    return sep.join(sorted(value.split(sep))) if sep else value


def canonical_rows(names: list[str], rows: Rows, query: str) -> Rows:
    """Sorted rows; the parts of a GROUP_CONCAT sorted too, since SPARQL leaves their order open."""
    seps = group_concat_separators(query)
    idx = {names.index(v): sep for v, sep in seps.items() if v in names}
    if not idx:
        return sorted(rows)
    out = [tuple(sep_sorted(v, idx[i]) if i in idx else v for i, v in enumerate(r)) for r in rows]
    return sorted(out)


def embedded_answers(store: ox.Store, query: str) -> tuple[list[str], Rows] | bool:
    """Normalised answers of a query on an embedded store with the union default graph."""
    res = store.query(query, use_default_graph_as_union=True)
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        rows = [tuple(normalise_ox_term(sol[n]) for n in names) for sol in res]
        return names, canonical_rows(names, rows, query)
    triples = [
        (normalise_ox_term(t.subject), normalise_ox_term(t.predicate), normalise_ox_term(t.object))
        for t in res
    ]
    return ["s", "p", "o"], sorted(set(triples))


def remote_answers(endpoint: str, query: str) -> tuple[list[str], Rows] | bool:
    """Normalised answers of a SELECT/ASK/CONSTRUCT query through SPARQLWrapper."""
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper

    sw = SPARQLWrapper(endpoint, agent="kamerkg-tests")
    sw.setMethod(POST)
    sw.setQuery(strip_comments(query))
    qtype = sw.queryType
    if qtype in ("CONSTRUCT", "DESCRIBE"):
        sw.setReturnFormat(N3)
        sw.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
        data = sw.query().response.read()
        triples = [
            (normalise_ox_term(t.subject), normalise_ox_term(t.predicate), normalise_ox_term(t.object))
            for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
        ]
        return ["s", "p", "o"], sorted(set(triples))
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert isinstance(result, dict)
    if "boolean" in result:
        return bool(result["boolean"])
    names = result["head"]["vars"]
    rows = [tuple(normalise_json_term(b.get(n)) for n in names) for b in result["results"]["bindings"]]
    return names, canonical_rows(names, rows, query)


def count_triples(endpoint: str, graph_prefix: str = GRAPH_BASE) -> dict[str, int]:
    """Triples per named graph under ``graph_prefix`` in a remote store."""
    q = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{graph_prefix}")) }} GROUP BY ?g'
    )
    res = remote_answers(endpoint, q)
    assert not isinstance(res, bool)
    return {g: int(n) for g, n in res[1]}
