"""Issue 3: the general extractor measured on the corpus in tests/fixtures/corpus (kamerkg eval)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kamerkg.cli import main
from kamerkg.evaluate import compare, evaluate, fold

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fixtures" / "corpus"
THRESHOLDS = {
    k: v for k, v in json.loads((HERE / "eval_thresholds.json").read_text()).items() if not k.startswith("_")
}
SEED = HERE.parent / "data" / "sources" / "kst-28676-339.txt"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The corpus documents plus the seed (its truth file is in the corpus, its text in data/sources)."""
    docs = tmp_path_factory.mktemp("docs")
    for f in (CORPUS / "docs").glob("*.txt"):
        shutil.copy(f, docs / f.name)
    shutil.copy(SEED, docs / SEED.name)
    return evaluate(CORPUS / "truth", docs)


def test_every_truth_file_is_scored(result) -> None:  # type: ignore[no-untyped-def]
    truths = sorted(p.stem for p in (CORPUS / "truth").glob("*.json"))
    assert sorted(d.doc_id for d in result.docs) == truths
    assert not [d.error for d in result.docs if d.error]


@pytest.mark.parametrize("key", sorted(THRESHOLDS))
def test_f1_meets_threshold(result, key: str) -> None:  # type: ignore[no-untyped-def]
    score = result.per_key()[key]
    assert score.f1 >= THRESHOLDS[key], (
        f"{key}: F1 {score.f1:.3f} < {THRESHOLDS[key]} ({score})\n{result.table()}"
    )


def test_seed_still_matches_its_truth(result) -> None:  # type: ignore[no-untyped-def]
    seed = next(d for d in result.docs if d.doc_id == "kst-28676-339")
    assert not seed.missing and not seed.extra, (seed.missing, seed.extra)


def test_compare_folds_names_and_matches_aliases() -> None:
    truth = {
        "id": "x",
        "signatories": [{"name": "Günal-Gezer", "role": "Kamerlid"}],
        "organisations_mentioned": ["NAVO", "Europees Defensie Agentschap (EDA)"],
        "countries_mentioned": ["Verenigde Staten"],
        "meetings_mentioned": [
            {"description": "a", "start_date": "2020-04-15", "end_date": "2020-04-15", "place": None}
        ],
        "documents_referenced": [
            {"citation": "Kamerstukken 29 521 en 33 279, nr. 310", "dossier": "29521, 33279", "number": "310"}
        ],
    }
    sheet = {
        "id": "x",
        "signatories": [{"name": "GUNAL-GEZER", "role": None}],
        "organisations_mentioned": ["Noord-Atlantische Verdragsorganisatie", "EDA"],
        "countries_mentioned": ["VS", "Zweden"],
        "meetings_mentioned": [
            {"description": "another wording", "start_date": "2020-04-15", "end_date": None, "place": "X"}
        ],
        "documents_referenced": [{"citation": "other", "dossier": "33279, 29521", "number": "310"}],
    }
    ds = compare(truth, sheet)
    assert ds.scores["signatories"].tp == 1
    assert ds.scores["organisations_mentioned"].tp == 2 and ds.scores["organisations_mentioned"].fp == 0
    assert (ds.scores["countries_mentioned"].tp, ds.scores["countries_mentioned"].fp) == (1, 1)
    assert ds.scores["meetings_mentioned"].tp == 1
    assert ds.scores["documents_referenced"].tp == 1
    assert fold("Oekraïne") == "oekraine"


def test_scalars_count_null_as_empty() -> None:
    ds = compare(
        {"id": "a", "date": None, "document_number": "5"},
        {"id": "a", "date": "2020-01-01", "document_number": None},
    )
    assert (ds.scores["date"].fp, ds.scores["date"].fn) == (1, 0)
    assert (ds.scores["document_number"].fp, ds.scores["document_number"].fn) == (0, 1)


def test_cli_prints_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(CORPUS / "truth"), str(CORPUS / "docs"), "--only", "kst-29521-509"]) == 0
    out = capsys.readouterr().out
    assert "1 document(s) scored" in out
    assert out.splitlines()[-1].startswith("overall")


def test_cli_bad_folder_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "nope"), str(CORPUS / "docs")]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope" in err[0] and "no such truth folder" in err[0]


def test_cli_broken_truth_file_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "kst-29521-509.json").write_text("{not json")
    assert main(["eval", str(tmp_path), str(CORPUS / "docs")]) != 0
    err = capsys.readouterr().err
    assert "kst-29521-509.json" in err and "not valid JSON" in err


def test_hard_line_breaks_do_not_change_the_scores(tmp_path: Path) -> None:
    """The corpus re-wrapped at 88 characters (as tweedekamer.nl breaks lines inside sentences) scores as
    well: the rules do not depend on where a line ends."""
    import re
    import textwrap

    keep = re.compile(r"^(?:Gepubliceerd|Indiener|Bron|ID|Nummer|Gerelateerde|Onderdeel|- )")
    for f in (CORPUS / "docs").glob("*.txt"):
        out: list[str] = []
        for line in f.read_text(encoding="utf-8").split("\n"):
            if len(line) > 95 and "|" not in line and not keep.match(line):
                out.extend(textwrap.wrap(line, 88, break_on_hyphens=False))
            else:
                out.append(line)
        (tmp_path / f.name).write_text("\n".join(out), encoding="utf-8")
    res = evaluate(CORPUS / "truth", tmp_path)
    for key, minimum in THRESHOLDS.items():
        assert res.per_key()[key].f1 >= minimum, (key, res.table())
