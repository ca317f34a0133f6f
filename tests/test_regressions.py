"""Regressions: the crashes and blow-ups found by the hostile-input corpus, the regex sweep, hypothesis
and the atheris fuzzer (issue 7), each kept as the smallest input that showed it.

The catastrophic ones run in a subprocess with a time limit, so a regression fails instead of hanging.
Fuzzer: ``tests/fuzz/fuzz_parse.py`` ran 120 s (14,807 inputs from the corpus seeds) without a finding;
the findings below came from the sweep and the corpus.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kamerkg.config import settings
from kamerkg.errors import SourceError
from kamerkg.extract import extract
from kamerkg.registers import Registers, load_registers
from kamerkg.sources import parse

HEAD = "Tweede Kamer der Staten-Generaal\nDen Haag, 9 april 2020\n\n"


@pytest.fixture(scope="module")
def reg() -> Registers:
    return load_registers(settings())


def _extract(tmp_path: Path, reg: Registers, body: str, name: str = "x.txt") -> float:
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    t0 = time.perf_counter()
    extract(parse(p), reg)
    return time.perf_counter() - t0


def _bounded(code: str, seconds: float = 30) -> None:
    """Run ``code`` in a fresh interpreter; fail if it takes longer than ``seconds``."""
    try:
        r = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=seconds
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"took over {seconds} s (catastrophic backtracking is back)")
    assert r.returncode == 0, r.stderr[-2000:]


def test_meeting_at_the_very_end_of_the_body(tmp_path: Path, reg: Registers) -> None:
    """IndexError in meetings._org: the window after a meeting ran past the end of the body."""
    _extract(tmp_path, reg, "De vergadering op 1 mei 2020")
    _extract(tmp_path, reg, "vergadering op 1 mei 2020 " * 3)


def test_role_words_without_a_comma_are_not_exponential() -> None:
    """SIGN_RE: 'Zaken' matched both as a listed word and as a capitalised word: 2^n ways (10 s at n=24)."""
    _bounded(
        """
        from kamerkg.extract.people import SIGN_RE
        assert SIGN_RE.search("De Minister van " + "Zaken " * 200 + "x\\n") is None
        assert SIGN_RE.search("De Minister van " + "Veiligheid, " * 200 + "x\\n") is None
        """
    )


def test_capitalised_run_after_a_role_is_not_polynomial() -> None:
    """The signature name: initials split a capitalised run in O(n^6) ways (10 s at 50 letters)."""
    _bounded(
        """
        from kamerkg.extract.people import SIGN_RE
        SIGN_RE.search("De Minister van Defensie,\\n" + "A" * 5000 + "!\\n")
        m = SIGN_RE.search("De Minister van Defensie,\\nA.Th.B. Bijleveld-Schouten\\n")
        assert m and m.group("name") == "A.Th.B. Bijleveld-Schouten"
        """
    )


def test_particles_and_hyphenated_names_are_linear() -> None:
    """NAME: 'van de' is one particle or two (2^n); a hyphenated run split at every hyphen (O(n^3))."""
    _bounded(
        """
        from kamerkg.extract.people import NAME_LINE_RE, PERSON_PARTY_RE, SPEAKER_RE
        assert NAME_LINE_RE.match("van de " * 3000 + "!") is None
        list(PERSON_PARTY_RE.finditer("Aa-" * 5000 + "x"))
        list(SPEAKER_RE.finditer("De heer " + "Aa-" * 5000 + "\\n"))
        m = NAME_LINE_RE.match("Joba van den Berg-Jansen")
        assert m and m.group("name") == "Joba van den Berg-Jansen"
        """
    )


def test_place_date_line_is_linear_on_blank_lines() -> None:
    _bounded(
        """
        from kamerkg.extract.document import PLACE_DATE_RE
        assert PLACE_DATE_RE.search("\\n \\n" * 20000 + "x") is None
        m = PLACE_DATE_RE.search("\\n\\u2003 Den Haag, 9 april 2020")
        assert m and m.group("place") == "Den Haag"
        """,
        seconds=10,
    )


def test_dates_without_sentence_ends_are_linear(tmp_path: Path, reg: Registers) -> None:
    """A sentence search ran to the end of the text for every date (quadratic; minutes for 100 KB);
    the noun-before-date rule tried its `.*` from every start (0.1 s a date)."""
    t = _extract(tmp_path, reg, "vergadering op 1 mei 2020 " * 800)
    assert t < 8
    t = _extract(tmp_path, reg, "1 mei " * 1500, "b.txt")
    assert t < 8


def test_many_citations_are_linear(tmp_path: Path, reg: Registers) -> None:
    """The overlap check compared each citation with all earlier ones (quadratic)."""
    t1 = _extract(tmp_path, reg, "Kamerstuk 28 676, nr. 1 " * 3000)
    t2 = _extract(tmp_path, reg, "Kamerstuk 28 676, nr. 1 " * 6000, "b.txt")
    assert t2 < 3 * t1 + 0.5, (t1, t2)


def test_citation_numbers_are_not_cut_short() -> None:
    """'nr. 1234567' was read as 'nr. 12345'."""
    from kamerkg.extract.citations import AH_RE, BARE_RE, HAND_RE, KST_RE

    for s in (
        "Kamerstuk 28 676, nr. 1234567",
        "(28 676, nr. 99999999999)",
        "Aanhangsel Handelingen II 2019/20, nr. 1234567",
        "Handelingen II 2019/20, nr. 123456",
    ):
        assert not any(rx.search(s) for rx in (KST_RE, BARE_RE, AH_RE, HAND_RE)), s
    m = KST_RE.search("Kamerstuk 28 676, nr. 338.")
    assert m and m.group("nr") == "338"


def test_nul_bytes_after_the_first_8_kb_are_refused(tmp_path: Path) -> None:
    """Only the first 8 KB were checked for NUL bytes; NULs later reached literals and pages."""
    p = tmp_path / "x.txt"
    p.write_bytes(b"Tweede Kamer\n" + b"a" * 10_000 + b"\x00\x00\n")
    with pytest.raises(SourceError, match="NUL"):
        parse(p)


def test_too_many_dates_are_capped_with_a_warning(
    tmp_path: Path, reg: Registers, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kamerkg.extract.meetings as M

    monkeypatch.setattr(M, "MAX_DATES", 40)
    p = tmp_path / "x.txt"
    p.write_text(HEAD + "bijeenkomst op 1 mei 2020. " * 50, encoding="utf-8")
    ex = extract(parse(p), reg)
    assert any("meetings read from the first" in w for w in ex.warnings)
