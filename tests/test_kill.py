"""Output integrity (issue 7): a build killed with SIGKILL at random moments leaves the previous
``dist/`` intact (its manifest's hashes match its files), the next build is correct, and it cleans up
the staging folders the killed builds left.

The corpus is copies of the seed under new numbers. ``KAMERKG_KILL_DOCS`` (default 12) and
``KAMERKG_KILL_ROUNDS`` (default 4) make it bigger by hand, e.g. 50 documents and 10 rounds.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamerkg.api import build, recover_publication

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
from make_bad_inputs import SEED, renumber  # noqa: E402

N_DOCS = int(os.environ.get("KAMERKG_KILL_DOCS", "12"))
ROUNDS = int(os.environ.get("KAMERKG_KILL_ROUNDS", "4"))


def _corpus(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    text = SEED.read_text(encoding="utf-8")
    for i in numbers:
        (folder / f"kst-28676-{i}.txt").write_text(renumber(text, i), encoding="utf-8")
    return folder


def check_intact(dist: Path) -> dict[str, object]:
    """The publication in ``dist`` is whole: every file its manifest lists is there with its hash."""
    assert dist.is_dir(), f"{dist} is missing"
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    for name, meta in manifest["files"].items():
        data = (dist / name).read_bytes()
        assert len(data) == meta["bytes"], name
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
    assert manifest["documents"], "an empty publication"
    return manifest


def _cli_build(src: Path, dist: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kamerkg", "build", str(src), "--out", str(dist), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_kill_minus_nine_leaves_the_previous_dist_intact(tmp_path: Path) -> None:
    rng = random.Random(7)
    work = tmp_path / "w"
    dist = work / "dist"
    # two corpora that differ, so a half-replaced publication would show
    a = _corpus(tmp_path / "a", range(1000, 1000 + N_DOCS))
    b = _corpus(tmp_path / "b", range(2000, 2000 + N_DOCS - 1))
    t0 = time.perf_counter()
    p = _cli_build(a, dist)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()[-2000:]
    full = time.perf_counter() - t0
    before = check_intact(dist)
    valid = {tuple(before["documents"])}  # type: ignore[arg-type]
    killed = 0
    for r in range(ROUNDS):
        src = b if r % 2 == 0 else a
        p = _cli_build(src, dist)
        time.sleep(rng.uniform(0.05, max(0.2, full * 0.9)))
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            killed += 1
        p.wait(timeout=60)
        m = check_intact(dist)
        docs = tuple(m["documents"])  # type: ignore[arg-type]
        if p.returncode == 0:  # it finished before the kill: the new publication, whole
            valid = {docs}
        assert docs in valid, "dist/ holds neither the previous nor the new publication"
        valid.add(
            tuple(
                f"kst-28676-{i}"
                for i in (range(2000, 2000 + N_DOCS - 1) if src is b else range(1000, 1000 + N_DOCS))
            )
        )
    assert killed >= 1, "no build was killed: the delays are too long"
    # the next build is correct and removes what the killed ones left
    p = _cli_build(a, dist)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()[-2000:]
    after = check_intact(dist)
    assert after["documents"] == sorted(f"kst-28676-{i}" for i in range(1000, 1000 + N_DOCS))
    left = [q.name for q in work.iterdir() if q.name.startswith((".dist.staging-", ".dist.old-"))]
    assert left == [], left
    ref = build([a], out=tmp_path / "ref", workers=1, cache=False, extras=False)
    assert ref.published
    assert (dist / "kamerkg.nq").read_bytes() == (tmp_path / "ref" / "kamerkg.nq").read_bytes()


def test_recover_puts_back_a_half_swapped_publication(tmp_path: Path) -> None:
    """Killed between the two renames of a swap (systems without an atomic exchange): the next build
    finds no dist/ but a complete ``.dist.old-<pid>`` and puts it back; dead staging folders go."""
    src = _corpus(tmp_path / "src", range(3000, 3002))
    dist = tmp_path / "dist"
    assert build([src], out=dist, workers=1, cache=False, extras=False).published
    dead = 2**22 + 12345  # above the default pid_max: no such process
    os.replace(dist, tmp_path / f".dist.old-{dead}")
    (tmp_path / f".dist.staging-{dead}").mkdir()
    (tmp_path / f".dist.staging-{dead}" / "kamerkg.nq").write_text("half")
    alive = tmp_path / f".dist.staging-{os.getppid()}"  # a build that is still running: left alone
    alive.mkdir()
    removed = recover_publication(dist)
    assert check_intact(dist)["documents"] == ["kst-28676-3000", "kst-28676-3001"]
    assert [p.name for p in removed] == [f".dist.staging-{dead}"]
    assert alive.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="atomic exchange is Linux-only")
def test_swap_is_one_atomic_exchange(tmp_path: Path) -> None:
    from kamerkg.api import _exchange, _swap

    out, staging = tmp_path / "dist", tmp_path / ".dist.staging-1"
    out.mkdir()
    (out / "v").write_text("1")
    staging.mkdir()
    (staging / "v").write_text("2")
    assert _exchange(staging, out)  # the system supports it
    _exchange(staging, out)  # and back
    _swap(staging, out)
    assert (out / "v").read_text() == "2" and not staging.exists()
