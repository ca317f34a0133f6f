"""atheris fuzzer over the parser and the extractors (issue 7). Run by hand, bounded in time:

    python tests/fuzz/fuzz_parse.py -max_total_time=60 -timeout=10 tests/fuzz/corpus

(``-timeout`` makes a slow input a finding too.) A finding is any exception other than a
:class:`~kamerkg.errors.KamerkgError` (a clear refusal). The seeds are the corpus documents; the
crashes found are kept as regression tests in ``tests/test_regressions.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from kamerkg.config import settings
    from kamerkg.errors import KamerkgError
    from kamerkg.extract import extract
    from kamerkg.link import link
    from kamerkg.registers import load_registers
    from kamerkg.sources import parse

S = settings()
REG = load_registers(S)
TMP = Path(tempfile.mkdtemp(prefix="kamerkg-fuzz-"))
PREFIX = b"Tweede Kamer der Staten-Generaal\n"


def one(data: bytes) -> None:
    """Parse, extract and link ``data`` as a source file (the harness and the regression tests)."""
    path = TMP / "input.txt"
    # half the inputs get a parliamentary marker, so that they reach the extractors
    path.write_bytes(PREFIX + data[1:] if data[:1] and data[0] & 1 else data)
    try:
        doc = parse(path)
        ex = extract(doc, REG)
        link(ex, REG)
    except KamerkgError:
        pass


def main() -> None:
    corpus = Path(__file__).parent / "corpus"
    if not corpus.exists():
        corpus.mkdir()
        root = Path(__file__).resolve().parents[2]
        for p in sorted((root / "data" / "sources").glob("*.txt")):
            (corpus / p.name).write_bytes(p.read_bytes()[:4000])
    atheris.Setup(sys.argv, lambda data: one(data))
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("KAMERKG_FUZZ", "1")
    main()
