"""Issue 2: the command line over the library, and bad input (one clear line, non-zero exit, nothing lost)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "seed" / "kst-28676-339.txt"


def kamerkg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamerkg", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def tree_hashes(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    d = tmp_path / "bad"
    d.mkdir()
    files = {
        "empty": (d / "empty.txt", b"", "empty file"),
        "binary": (d / "binary.txt", bytes(range(256)) * 8, "binary file"),
        "latin1": (
            d / "latin1.txt",
            "Den Haag, 9 april 2020\nTweede Kamer – Minister van Defensie, coöperatieve".encode("cp1252"),
            "not UTF-8",
        ),
        "not-kamerstuk": (
            d / "recipe.txt",
            b"Pannenkoeken: meng bloem, melk en eieren. Bak ze goudbruin.\n",
            "not a parliamentary document",
        ),
    }
    out = {}
    for k, (p, data, reason) in files.items():
        p.write_bytes(data)
        out[k] = (p, reason)
    out["missing"] = (d / "does-not-exist.txt", "no such file")
    return out


@pytest.mark.parametrize("kind", ["empty", "binary", "latin1", "not-kamerstuk", "missing"])
def test_bad_input_gives_one_clear_line(
    bad_files: dict[str, tuple[Path, str]], kind: str, tmp_path: Path
) -> None:
    path, reason = bad_files[kind]
    r = kamerkg("facts", str(path), "--json")
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in r.stderr


def test_good_inputs_still_build_beside_bad_ones(
    bad_files: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    args = ["build", "--quiet", "--out", str(out), str(SEED)] + [str(p) for p, _ in bad_files.values()]
    r = kamerkg(*args)
    assert r.returncode == 1, r.stderr
    errors = [ln for ln in r.stderr.splitlines() if ln.startswith("kamerkg: error:")]
    assert len(errors) == len(bad_files)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["documents"] == ["kst-28676-339"]


def test_failed_build_leaves_previous_dist_untouched(
    bad_files: dict[str, tuple[Path, str]], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    assert kamerkg("build", "--quiet", "--out", str(out), str(SEED)).returncode == 0
    before = tree_hashes(out)
    r = kamerkg("build", "--quiet", "--out", str(out), *[str(p) for p, _ in bad_files.values()])
    assert r.returncode != 0
    assert tree_hashes(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")], "staging left behind"


def test_curated_quote_not_in_text_fails_that_document(tmp_path: Path) -> None:
    """A curated statement whose quote is absent from the source is an error naming the file."""
    home = tmp_path / "home"
    import shutil

    root = HERE.parent
    for sub in ("ontology", "queries", "data/reference"):
        shutil.copytree(root / sub, home / sub)
    (home / "data" / "curated").mkdir(parents=True)
    (home / "data" / "curated" / "kst-28676-339.toml").write_text(
        'document = "kst-28676-339"\n[[position]]\nholder = "country/nederland"\nstance = "stance/supports"\n'
        'statement = "x"\nquote = "Nederland steunt niets van dit alles."\n',
        encoding="utf-8",
    )
    r = subprocess.run(
        [sys.executable, "-m", "kamerkg", "facts", str(SEED)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "KAMERKG_HOME": str(home)},
        timeout=120,
    )
    assert r.returncode == 2
    assert "kst-28676-339.toml" in r.stderr and "quote not found" in r.stderr


def test_query_list_and_formats(seed_dist: Path) -> None:
    r = kamerkg("query", "--list")
    names = [ln.split("\t")[0] for ln in r.stdout.splitlines()]
    assert len(names) == 14 and names[0] == "q01-document"
    r = kamerkg("query", "q10-citations", "--dist", str(seed_dist), "--format", "json")
    rows = json.loads(r.stdout)
    assert {row["cited"] for row in rows} == {"kst-28676-338", "ah-tk-20192020-2393"}
    r = kamerkg("query", "q10-citations", "--dist", str(seed_dist), "--format", "csv")
    assert r.stdout.splitlines()[0] == "id,citation,cited,cited_page"
    r = kamerkg("query", "no-such-query", "--dist", str(seed_dist))
    assert r.returncode == 2 and "no such query" in r.stderr


def test_validate_command_exit_codes(seed_dist: Path, tmp_path: Path) -> None:
    assert kamerkg("validate", str(seed_dist)).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    nq = (seed_dist / "kamerkg.nq").read_text(encoding="utf-8")
    nq = nq.replace(
        '"2019-2020" <https://w3id.org/kamerkg/id/graph/kst-28676-339>',
        '"2019/20" <https://w3id.org/kamerkg/id/graph/kst-28676-339>',
    )
    (broken / "kamerkg.nq").write_text(nq, encoding="utf-8")
    r = kamerkg("validate", str(broken))
    assert r.returncode == 1
    assert "VIOLATION" in r.stdout and "vergaderjaar" in r.stdout
    assert kamerkg("validate", str(tmp_path / "nothing")).returncode == 2


def test_build_prints_the_answers_only_for_a_dataset_that_fits_in_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kamerkg build` prints the ready-made answers from an in-memory store of the whole dataset; for
    a large one (13 GB of memory at 10k documents) it says how to query instead."""
    from kamerkg import store
    from kamerkg.cli import main

    src = tmp_path / "src"
    src.mkdir()
    (src / SEED.name).write_bytes(SEED.read_bytes())
    assert main(["build", str(src), "--out", str(tmp_path / "a")]) == 0
    small = capsys.readouterr().out
    assert "q03-announced-meeting" in small and "not printed" not in small
    monkeypatch.setattr(store, "MEMORY_MAX_BYTES", 1000)
    assert main(["build", str(src), "--out", str(tmp_path / "b")]) == 0
    large = capsys.readouterr().out
    assert "q03-announced-meeting" not in large
    assert "ready-made answers are not printed for a dataset this large (1 document(s)" in large
    assert "--doc ID" in large
