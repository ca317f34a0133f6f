"""Loads that are interrupted (issue 7), against a real ``oxigraph serve`` on loopback: the store is
killed (SIGKILL) in the middle of a load; the load fails with a clear error that names no secret; no
document's graph is left half-replaced (each is its old or its new version); the next run repairs the
store to exactly the new dataset (no stale graph, the manifest complete); credentials given in the URL,
as a password or as a token never appear in log records or error messages.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kamerkg import load as L
from kamerkg.api import build

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
from make_bad_inputs import SEED, renumber  # noqa: E402
from stores import need_binary, start_oxigraph  # noqa: E402

SECRETS = ("s3cr3t-in-url", "s3cr3t-password", "s3cr3t-token")


def _dist(tmp: Path, name: str, numbers: list[int], edit: str = "") -> Path:
    src = tmp / f"src-{name}"
    src.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for n in numbers:
        t = renumber(text, n)
        if edit:
            i = t.index("\n\n") + 2
            t = t[:i] + edit + "\n\n" + t[i:]
        (src / f"kst-28676-{n}.txt").write_text(t, encoding="utf-8")
    res = build([src], out=tmp / f"dist-{name}", workers=1, cache=False, extras=False)
    assert res.published, res.errors
    return tmp / f"dist-{name}"


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("loads")
    a = _dist(tmp, "a", [5001, 5002, 5003, 5004])
    # b: one document gone, one new, the others with an extra paragraph (their graphs change)
    b = _dist(tmp, "b", [5002, 5003, 5004, 5005], edit="De Minister van Defensie zal uw Kamer informeren.")
    return a, b


def _key(t: ox.Triple) -> tuple[str, str, str]:
    """A triple as compared here: Oxigraph stores xsd:nonNegativeInteger as xsd:integer."""
    o = t.object
    return (str(t.subject), str(t.predicate), o.value if isinstance(o, ox.Literal) else str(o))


def _graphs(store_url: str) -> dict[str, set[tuple[str, str, str]]]:
    with L.GraphStore(store_url, None, timeout=30) as gs:
        names = gs.manifest() or set()
        return {g: {_key(x) for x in gs.get(g) or []} for g in names}


def _dataset(dist: Path) -> dict[str, set[tuple[str, str, str]]]:
    return {g: {_key(x) for x in ts} for g, ts in L.read_dataset(dist).items()}


@pytest.fixture()
def location(tmp_path: Path) -> Iterator[Path]:
    need_binary("oxigraph")
    yield tmp_path / "db"


def test_store_killed_mid_load_is_repaired_by_the_next_run(
    dists: tuple[Path, Path],
    location: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = dists
    old, new = _dataset(a), _dataset(b)
    with start_oxigraph(location) as ox_server:
        L.load(a, ox_server.store_url)
        assert {g: ts for g, ts in _graphs(ox_server.store_url).items() if g in old} == old
        # the store dies after the second document graph of the next load
        real_put = L.GraphStore.put
        seen = []

        def put_then_die(self: L.GraphStore, graph: str, triples: object) -> None:
            if graph != L.MANIFEST_GRAPH:
                seen.append(graph)
                if len(seen) == 3:
                    os.kill(ox_server.proc.pid, signal.SIGKILL)
                    ox_server.proc.wait(timeout=10)
            real_put(self, graph, triples)  # type: ignore[arg-type]

        monkeypatch.setattr(L.GraphStore, "put", put_then_die)
        url = ox_server.store_url.replace("http://", "http://loader:s3cr3t-in-url@")
        with caplog.at_level(logging.DEBUG), pytest.raises(L.StoreError) as err:
            L.load(b, url, auth=("basic", "loader", "s3cr3t-password"), timeout=5)
        monkeypatch.setattr(L.GraphStore, "put", real_put)
        msg = str(err.value)
        assert "\n" not in msg.strip() and "Traceback" not in msg
        for s in SECRETS:
            assert s not in msg and s not in caplog.text
    # the store comes back (same folder): every graph is whole, old or new, never a mix
    with start_oxigraph(location) as ox_server:
        after_crash = _graphs(ox_server.store_url)
        assert set(after_crash) >= set(old) - {L.MANIFEST_GRAPH}  # the manifest still lists old ∪ new
        for g, ts in after_crash.items():
            if g == L.MANIFEST_GRAPH:
                continue
            # whole: its old version, its new one, or (a new document not reached yet) nothing
            assert ts == old.get(g) or ts == new.get(g) or (not ts and g not in old), g
        assert any(after_crash.get(g) != new.get(g) for g in new), "the kill came too late to test anything"
        # the next run repairs it
        report = L.load(b, ox_server.store_url, auth=("bearer", "s3cr3t-token"))
        assert _graphs(ox_server.store_url) == new
        gone = sorted(set(old) - set(new))
        assert gone and set(gone) <= set(report.deleted)
        with L.GraphStore(ox_server.store_url, None, timeout=30) as gs:
            for g in gone:
                assert not gs.get(g)


def test_errors_and_logs_name_no_secret(dists: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    from stores import free_port

    a, _ = dists
    dead = f"http://user:s3cr3t-in-url@127.0.0.1:{free_port()}/store"
    for auth in (("basic", "user", "s3cr3t-password"), ("bearer", "s3cr3t-token"), None):
        with caplog.at_level(logging.DEBUG), pytest.raises(L.StoreError) as err:
            L.load(a, dead, auth=auth, timeout=2)  # type: ignore[arg-type]
        for s in SECRETS:
            assert s not in str(err.value) and s not in repr(err.value) and s not in caplog.text
