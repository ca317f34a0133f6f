"""Issue 6: the ready-made queries bound to one document (``--doc``), paged (``--limit/--offset``), and run
on the on-disk embedded store (``--store disk``), on the default corpus (``data/sources``)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamerkg.api import build, query
from kamerkg.config import settings
from kamerkg.errors import KamerkgError
from kamerkg.queries import DOC_MARKER, bind, load_queries, page, render, run_local
from kamerkg.store import open_store, query_store, store_key

HERE = Path(__file__).parent
ROOT = HERE.parent
BOUND = HERE / "expected" / "queries" / "bound"
SEED_ID = "kst-28676-339"
NAMES = sorted(load_queries(settings().queries_dir))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "dist"
    res = build(out=out, extras=False)
    assert res.published, res.errors
    return out


def _rows(text: str) -> set[tuple[str, ...]]:
    return {tuple(r) for r in csv.reader(io.StringIO(text))}


def test_every_ready_made_query_has_one_document_marker() -> None:
    for name, q in load_queries(settings().queries_dir).items():
        assert q.text.count(DOC_MARKER) == 1, name


@pytest.mark.parametrize("name", NAMES)
def test_bound_answers_match_expected(corpus: Path, name: str) -> None:
    expected = BOUND / f"{name}.csv"
    assert expected.exists(), f"write {expected}"
    got = render(query(name, dist=corpus, doc=SEED_ID), "csv")
    assert _rows(got) == _rows(expected.read_text(encoding="utf-8"))
    assert len(_rows(got)) > 1


def test_bound_is_the_unbound_answer_of_that_document(corpus: Path) -> None:
    """For every query and every document: bound = the unbound rows whose id is that document's."""
    store = open_store(corpus)
    ids = settings().ids
    docs = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert len(docs) > 5
    for name, q in load_queries(settings().queries_dir).items():
        unbound = run_local(store, q.text)
        assert unbound.columns[0] == "id", name
        for d in docs:
            bound = run_local(store, bind(q.text, d, ids))
            assert bound.columns == unbound.columns
            assert bound.rows == [r for r in unbound.rows if r[0] == d], (name, d)


def test_document_iri_is_accepted_and_junk_is_refused(corpus: Path) -> None:
    iri = f"{settings().ids}doc/{SEED_ID}"
    by_iri = query("q10-citations", dist=corpus, doc=iri).rows
    assert by_iri == query("q10-citations", dist=corpus, doc=SEED_ID).rows
    for bad in ("x> } DROP ALL", "", "a b"):
        with pytest.raises(KamerkgError):
            query("q10-citations", dist=corpus, doc=bad)


def test_query_without_marker_cannot_be_bound(tmp_path: Path, corpus: Path) -> None:
    rq = tmp_path / "plain.rq"
    rq.write_text("# title: plain\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    assert len(query(str(rq), dist=corpus).rows) == 1
    with pytest.raises(KamerkgError, match="cannot be bound"):
        query(str(rq), dist=corpus, doc=SEED_ID)
    with pytest.raises(KamerkgError, match="cannot be paged"):
        query(str(rq), dist=corpus, limit=5)


def test_paging_slices_the_ordered_answer(corpus: Path) -> None:
    full = query("q12-mentions", dist=corpus).rows
    assert len(full) > 20
    assert query("q12-mentions", dist=corpus, limit=7).rows == full[:7]
    assert query("q12-mentions", dist=corpus, limit=7, offset=5).rows == full[5:12]
    assert query("q12-mentions", dist=corpus, offset=len(full) - 3).rows == full[-3:]
    assert page("SELECT * WHERE {}", None, None) == "SELECT * WHERE {}"
    with pytest.raises(KamerkgError):
        page("SELECT * WHERE {}", -1, None)


def test_disk_store_answers_like_memory_and_is_reused(corpus: Path, tmp_path: Path) -> None:
    sp = tmp_path / "store"
    mem = open_store(corpus)
    disk = query_store(corpus, "disk", sp)
    folder = sp / store_key(corpus)
    assert folder.is_dir()
    for name, q in load_queries(settings().queries_dir).items():
        assert run_local(disk, q.text).rows == run_local(mem, q.text).rows, name
        text = bind(q.text, SEED_ID, settings().ids)
        assert run_local(disk, text).rows == run_local(mem, text).rows, name
    del disk
    stamp = folder.stat().st_mtime_ns
    again = query_store(corpus, "disk", sp)  # reused, not refilled
    assert folder.stat().st_mtime_ns == stamp and len(again) == len(mem)
    # a second reader at the same time (read-only opens do not lock each other out)
    other = query_store(corpus, "disk", sp)
    assert len(other) == len(mem)


def test_stale_disk_store_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("kamerkg.nq", "kamerkg.nt", "manifest.json"):
        (dist / name).write_bytes((corpus / name).read_bytes())
    sp = tmp_path / "store"
    query_store(dist, "disk", sp)
    old = store_key(dist)
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["kamerkg.nq"]["sha256"] = "0" * 64  # as if rebuilt with other contents
    (dist / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert store_key(dist) != old
    query_store(dist, "disk", sp)
    assert sorted(p.name for p in sp.iterdir() if p.is_dir()) == [store_key(dist)]


def test_auto_store_is_memory_for_small_dumps(corpus: Path) -> None:
    store = query_store(corpus, "auto")
    assert not (corpus.parent / f"{corpus.name}.store").exists()
    assert len(store) > 0
    with pytest.raises(KamerkgError):
        query_store(corpus, "elsewhere")


def kamerkg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "kamerkg", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def test_cli_doc_limit_offset_and_disk_store(corpus: Path, tmp_path: Path) -> None:
    r = kamerkg("query", "q03-announced-meeting", "--dist", str(corpus), "--doc", SEED_ID, "--format", "csv")
    assert r.returncode == 0, r.stderr
    expected = (BOUND / "q03-announced-meeting.csv").read_text(encoding="utf-8")
    assert _rows(r.stdout) == _rows(expected)
    r = kamerkg("query", "q12-mentions", "--dist", str(corpus), "--limit", "2", "--offset", "1",
                "--format", "json", "--store", "disk", "--store-path", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 2
    r = kamerkg("query", "q12-mentions", "--dist", str(corpus), "--doc", "no such doc")
    assert r.returncode == 2 and "not a document identifier" in r.stderr
