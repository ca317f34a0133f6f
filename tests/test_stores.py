"""Load the dataset into real triple stores (Oxigraph server, Virtuoso) and compare query answers.

The stores run on 127.0.0.1 only (see ``tests/stores.py``). Without a store binary the tests skip,
except under ``CI=true``, where ``.ci/stores.sh`` has installed them and absence fails.
"""

from __future__ import annotations

import argparse
import http.server
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

# tests/ is not a package: pytest puts it on sys.path, so its helper modules import by name
from stores import (
    GRAPH_BASE,
    ROOT,
    build_dataset,
    count_triples,
    dataset_graphs,
    embedded_answers,
    free_port,
    need_binary,
    remote_answers,
    start_oxigraph,
    start_virtuoso,
)

from kamerkg import load as kload

FIXTURE_QUERIES = Path(__file__).resolve().parent / "fixtures" / "stores" / "queries"
STORES = ["oxigraph", "virtuoso"]


def ready_made_queries() -> list[Path]:
    """Every ``queries/*.rq`` (the lead's ready-made queries) plus the store fixture queries."""
    return sorted((ROOT / "queries").glob("*.rq")) + sorted(FIXTURE_QUERIES.glob("*.rq"))


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def embedded(dist: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def bulk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bulk")


class Target:
    """A running store as the tests use it: where to load, where to query, how to authenticate."""

    def __init__(self, name: str, store_url: str, query_url: str, auth: kload.Auth, server: object) -> None:
        self.name = name
        self.store_url = store_url
        self.query_url = query_url
        self.auth = auth
        self.server = server

    def load(self, dist: Path) -> kload.LoadReport:
        return kload.load(dist, self.store_url, auth=self.auth)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "db") as s:
        yield Target("oxigraph", s.store_url, s.query_url, None, s)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, bulk_dir: Path) -> Iterator[Target]:
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso"), dirs_allowed=[bulk_dir]) as s:
        yield Target("virtuoso", s.store_url, s.sparql_url, s.auth, s)


@pytest.fixture(params=STORES)
def target(request: pytest.FixtureRequest) -> Target:
    return request.getfixturevalue(request.param)


# ----------------------------------------------------------------------------- loading


def expected_counts(dist: Path) -> dict[str, int]:
    """Triples per graph after a load: the dataset's, and the manifest graph's (one per graph, and
    one more per graph with a content hash in dist/manifest.json)."""
    counts = dataset_graphs(dist / "kamerkg.nq")
    hashes = kload.graph_hashes(dist)
    counts[kload.MANIFEST_GRAPH] = len(counts) + sum(1 for g in counts if hashes.get(g))
    return counts


def test_load_and_reload_is_idempotent(target: Target, dist: Path) -> None:
    t0 = time.perf_counter()
    first = target.load(dist)
    t1 = time.perf_counter()
    counts = count_triples(target.query_url)
    assert counts == expected_counts(dist)
    assert first.triples == sum(dataset_graphs(dist / "kamerkg.nq").values())

    second = target.load(dist)
    t2 = time.perf_counter()
    assert count_triples(target.query_url) == counts
    assert second.deleted == []
    print(
        f"\n{target.name}: {first.triples} triples in {len(first.graphs)} graphs; "
        f"load {t1 - t0:.2f} s, reload {t2 - t1:.2f} s"
    )


def test_dropped_document_graph_is_deleted_on_reload(target: Target, dist: Path, tmp_path: Path) -> None:
    target.load(dist)
    graphs = dataset_graphs(dist / "kamerkg.nq")
    docs = sorted(g for g in graphs if g != GRAPH_BASE + "reference")
    assert docs, "the dataset has no document graphs"
    dropped = docs[0]

    smaller = tmp_path / "dist"
    smaller.mkdir()
    quads = [
        q
        for q in ox.parse(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
        if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == dropped)
    ]
    ox.serialize(quads, smaller / "kamerkg.nq", format=ox.RdfFormat.N_QUADS)

    dry = kload.load(smaller, target.store_url, auth=target.auth, dry_run=True)
    assert dry.deleted == [dropped]
    assert dropped in count_triples(target.query_url)  # the dry run changed nothing

    report = target.load(smaller)
    assert report.deleted == [dropped]
    after = count_triples(target.query_url)
    assert dropped not in after
    assert after == expected_counts(smaller)

    target.load(dist)  # put it back
    assert count_triples(target.query_url) == expected_counts(dist)


def test_changed_only_sends_the_changed_graph_alone(target: Target, dist: Path, tmp_path: Path) -> None:
    """A daily update: after one source changed, --changed-only PUTs that document's graph and nothing
    else, and the store then holds exactly the new dataset."""
    from kamerkg.api import build

    src = tmp_path / "src"
    src.mkdir()
    sources = sorted((ROOT / "data" / "sources").iterdir())
    for p in sources:
        (src / p.name).write_bytes(p.read_bytes())
    changed = next(p for p in sorted(src.glob("kst-*.txt")))
    text = changed.read_text(encoding="utf-8") + "\n\nDe NAVO en de Europese Unie.\n"
    changed.write_text(text, encoding="utf-8")
    new = tmp_path / "dist"
    assert build([src], out=new, extras=False).published
    old_h, new_h = kload.graph_hashes(dist), kload.graph_hashes(new)
    differ = sorted(g for g in new_h if old_h.get(g) != new_h[g])
    assert len(differ) == 1 and changed.stem in differ[0]

    target.load(dist)
    same = kload.load(dist, target.store_url, auth=target.auth, changed_only=True)
    assert same.graphs == {} and same.unchanged == len(old_h)
    dry = kload.load(new, target.store_url, auth=target.auth, changed_only=True, dry_run=True)
    assert list(dry.graphs) == differ
    update = kload.load(new, target.store_url, auth=target.auth, changed_only=True)
    assert list(update.graphs) == differ and update.unchanged == len(new_h) - 1
    assert count_triples(target.query_url) == expected_counts(new)
    everything = kload.read_dataset(new)
    assert kload.read_graphs(new, list(everything)) == everything  # the binary search finds every graph
    target.load(dist)  # put it back
    assert count_triples(target.query_url) == expected_counts(dist)


# ----------------------------------------------------------------------------- answers


@pytest.mark.parametrize("query_file", ready_made_queries(), ids=lambda p: p.name)
def test_query_answers_agree_with_embedded_store(
    target: Target, dist: Path, embedded: ox.Store, query_file: Path
) -> None:
    target.load(dist)  # idempotent; makes the test independent of the order
    query = query_file.read_text(encoding="utf-8")
    expected = embedded_answers(embedded, query)
    got = remote_answers(target.query_url, query)
    if isinstance(expected, bool):
        assert got == expected
        return
    assert not isinstance(got, bool)
    assert got[0] == expected[0], "projected variables differ"
    missing = sorted(set(expected[1]) - set(got[1]))[:5]
    extra = sorted(set(got[1]) - set(expected[1]))[:5]
    assert got[1] == expected[1], (
        f"{target.name} differs on {query_file.name}: missing {missing}, extra {extra}"
    )


def test_fixture_queries_return_rows(embedded: ox.Store) -> None:
    """The comparison means something only if the queries find answers on the dataset."""
    for q in sorted(FIXTURE_QUERIES.glob("*.rq")):
        res = embedded_answers(embedded, q.read_text(encoding="utf-8"))
        assert not isinstance(res, bool) and res[1], f"{q.name} finds nothing"


# ----------------------------------------------------------------------------- errors and secrets


def test_wrong_credentials_fail_without_leaking_them(virtuoso: Target, dist: Path) -> None:
    secret = "not-the-password-9f3a"
    with pytest.raises(kload.StoreError) as e:
        kload.load(dist, virtuoso.store_url, auth=("digest", "dba", secret))
    assert "401" in str(e.value)
    assert secret not in str(e.value)


def test_unreachable_store_is_a_store_error_without_userinfo(dist: Path) -> None:
    port = free_port()  # nothing listens there
    url = f"http://alice:hunter2-secret@127.0.0.1:{port}/store"
    start = time.perf_counter()
    with pytest.raises(kload.StoreError) as e:
        kload.load(dist, url, timeout=2)
    assert "hunter2-secret" not in str(e.value) and "alice" not in str(e.value)
    assert time.perf_counter() - start < 30
    assert kload.redact_url(url) == f"http://***@127.0.0.1:{port}/store"


def test_cli_dry_run(oxigraph: Target, dist: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="kamerkg")
    kload.register(parser.add_subparsers())
    args = parser.parse_args(["load", "--store", oxigraph.store_url, "--dist", str(dist), "--dry-run"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "would load" in out and "PUT    " + GRAPH_BASE in out


def test_cli_load_into_virtuoso_with_password_from_environment(virtuoso: Target, dist: Path) -> None:
    import os
    import sys

    env = {**os.environ, "KAMERKG_STORE_PASSWORD": virtuoso.server.password}  # type: ignore[attr-defined]
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    cmd = [
        sys.executable,
        "-m",
        "kamerkg",
        "load",
        "--store",
        virtuoso.store_url,
        "--dist",
        str(dist),
        "--user",
        "dba",
        "--auth",
        "digest",
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "loaded" in r.stdout and "stale graphs deleted: 0" in r.stdout
    assert count_triples(virtuoso.query_url) == expected_counts(dist)

    env["KAMERKG_STORE_PASSWORD"] = "wrong-pw-77"
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == kload.StoreError.exit_code
    assert "401" in r.stderr and "wrong-pw-77" not in r.stderr + r.stdout


# ----------------------------------------------------------------------------- bulk loaders


def test_bulk_shards_load_into_oxigraph(dist: Path, tmp_path: Path) -> None:
    exe = need_binary("oxigraph")
    report = kload.bulk(dist, tmp_path / "shards", shard_size=2000)
    assert len(report.files) > 1
    assert "oxigraph load --location" in report.commands["oxigraph"]
    db = tmp_path / "oxdb"
    t0 = time.perf_counter()
    subprocess.run(
        [exe, "load", "--location", str(db), *[a for f in report.files for a in ("--file", str(f))]],
        check=True,
        capture_output=True,
        timeout=300,
    )
    print(f"\noxigraph bulk load: {report.quads} quads in {time.perf_counter() - t0:.2f} s")
    with start_oxigraph(db) as s:
        assert count_triples(s.query_url) == expected_counts(dist)
        # a Graph Store load after a bulk load sees the bulk load's manifest
        assert kload.load(dist, s.store_url).deleted == []


def test_bulk_shards_load_into_virtuoso(virtuoso: Target, dist: Path, bulk_dir: Path) -> None:
    report = kload.bulk(dist, bulk_dir, shard_size=50)
    script = bulk_dir / kload.VIRTUOSO_SQL
    assert str(script) in report.commands["virtuoso"]
    server = virtuoso.server
    t0 = time.perf_counter()
    out = server.isql(script)  # type: ignore[attr-defined]
    print(f"\nvirtuoso bulk load: {report.quads} quads in {time.perf_counter() - t0:.2f} s")
    assert "0 Rows" in out.rsplit("ll_error", 1)[-1], out  # no file failed to load
    assert count_triples(virtuoso.query_url) == expected_counts(dist)
    # again, after a document was dropped: replaces, adds nothing, and the dropped graph goes
    graphs = dataset_graphs(dist / "kamerkg.nq")
    dropped = sorted(g for g in graphs if g != GRAPH_BASE + "reference")[0]
    smaller = bulk_dir.parent / "smaller-dist"
    smaller.mkdir(exist_ok=True)
    quads = [
        q
        for q in ox.parse(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
        if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == dropped)
    ]
    ox.serialize(quads, smaller / "kamerkg.nq", format=ox.RdfFormat.N_QUADS)
    kload.bulk(smaller, bulk_dir, shard_size=50)
    server.isql(script)  # type: ignore[attr-defined]
    assert count_triples(virtuoso.query_url) == expected_counts(smaller)
    kload.bulk(dist, bulk_dir, shard_size=50)
    server.isql(script)  # type: ignore[attr-defined]
    assert count_triples(virtuoso.query_url) == expected_counts(dist)


def test_store_binaries_present_in_ci() -> None:
    """Under CI=true the store tests must not silently skip."""
    for name in ("oxigraph", "virtuoso-t", "isql-vt"):
        need_binary(name)
    assert shutil.which("oxigraph")


# ------------------------------------------------------------- auth headers, retries (no store needed)


class RecordingStore(http.server.BaseHTTPRequestHandler):
    """A fake Graph Store: records method, path and Authorization; answers 503 first when asked to."""

    seen: list[tuple[str, str, str]] = []
    fail_first = 0
    status = 201

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        cls = type(self)
        cls.seen.append((self.command, self.path, self.headers.get("Authorization", "")))
        if cls.fail_first > 0:
            cls.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        if self.command == "GET":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(cls.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_store() -> Iterator[str]:
    RecordingStore.seen = []
    RecordingStore.fail_first = 0
    RecordingStore.status = 201
    server = http.server.HTTPServer(("127.0.0.1", 0), RecordingStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/store"
    server.shutdown()
    thread.join(5)


def test_bearer_and_basic_auth_are_sent(fake_store: str, dist: Path) -> None:
    kload.load(dist, fake_store, auth=("bearer", "tok-123"))
    assert RecordingStore.seen and all(a == "Bearer tok-123" for _, _, a in RecordingStore.seen)
    methods = [m for m, _, _ in RecordingStore.seen]
    assert methods[0] == "GET" and methods.count("PUT") == len(dataset_graphs(dist / "kamerkg.nq")) + 2
    assert all(
        "graph=https%3A%2F%2Fw3id.org%2Fkamerkg%2Fid%2Fgraph%2F" in p for _, p, _ in RecordingStore.seen
    )

    RecordingStore.seen = []
    kload.load(dist, fake_store.replace("http://", "http://ann:pw%40x@"))
    assert all(a.startswith("Basic ") for _, _, a in RecordingStore.seen)


def test_refused_write_names_no_secret(fake_store: str, dist: Path) -> None:
    RecordingStore.status = 403
    with pytest.raises(kload.StoreError) as e:
        kload.load(dist, fake_store, auth=("basic", "ann", "s3cret-pw"))
    assert "403" in str(e.value) and "s3cret-pw" not in str(e.value) and "ann" not in str(e.value)


def test_parallel_puts_load_the_same(oxigraph: Target, dist: Path) -> None:
    kload.load(dist, oxigraph.store_url, workers=3)
    assert count_triples(oxigraph.query_url) == expected_counts(dist)


def test_busy_store_is_retried(fake_store: str, dist: Path) -> None:
    RecordingStore.fail_first = 2
    report = kload.load(dist, fake_store)
    assert report.requests == len(RecordingStore.seen)
    assert [m for m, _, _ in RecordingStore.seen[:3]] == ["GET", "GET", "GET"]
