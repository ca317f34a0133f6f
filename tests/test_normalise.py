"""sources.normalise (runs of ordinary characters copied whole) gives the body and offsets of the first,
character-by-character version, on the sources, generated documents and random texts with furniture spans."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from pathlib import Path

from kamerkg.model import Span
from kamerkg.sources import _footer_spans, normalise

ROOT = Path(__file__).parent.parent


def _reference(text: str, start: int, skip: Iterable[Span]) -> tuple[str, list[int]]:
    """normalise as it was written first, one character at a time (the oracle)."""
    skips = sorted(skip)
    out: list[str] = []
    offs: list[int] = []
    i = start
    n = len(text)
    k = 0
    while i < n:
        while k < len(skips) and skips[k].end <= i:
            k += 1
        if k < len(skips) and skips[k].start <= i < skips[k].end:
            # page furniture: the text around it continues the same paragraph unless a sentence ended
            i = skips[k].end
            if out:
                nxt = text[i] if i < n else ""
                sep = "\n\n" if (out[-1] in ".:;!?" and (nxt.isupper() or not nxt)) else "\n"
                for ch in sep:
                    out.append(ch)
                    offs.append(skips[k].start)
            continue
        c = text[i]
        if c == "\r":
            i += 1
            continue
        if c == "-" and out and out[-1].islower():
            # a word hyphenated at a line end: "gemeen-\nschappelijke" -> "gemeenschappelijke"
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "\n":
                j2 = j + 1
                while j2 < n and text[j2] in " \t":
                    j2 += 1
                if j2 < n and text[j2].islower():
                    i = j2
                    continue
        if c == "-" and out and (out[-1].isupper() or out[-1].isdigit()):
            # a compound broken after its hyphen: "NAVO-\nkader" -> "NAVO-kader"
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "\n":
                out.append("-")
                offs.append(i)
                j2 = j + 1
                while j2 < n and text[j2] in " \t":
                    j2 += 1
                i = j2
                continue
        if c == "\u00a0":
            c = " "
        out.append(c)
        offs.append(i)
        i += 1
    body = "".join(out)
    # collapse runs of blank lines left by removed furniture (keep offsets aligned)
    keep = [True] * len(body)
    for m in re.finditer(r"\n[ \t]*(?:\n[ \t]*){2,}", body):
        for p in range(m.start() + 2, m.end()):
            keep[p] = False
        # keep exactly one blank line
    if not all(keep):
        body2 = "".join(ch for ch, kp in zip(body, keep, strict=True) if kp)
        offs = [o for o, kp in zip(offs, keep, strict=True) if kp]
        body = body2
    return body, offs


def _spans(rng: random.Random, n: int, most: int, width: int) -> list[Span]:
    out = []
    for _ in range(rng.randint(0, most)):
        a = rng.randrange(n + 1)
        out.append(Span(a, min(n, a + rng.randint(0, width))))
    return out


def test_normalise_equals_the_reference_on_the_sources() -> None:
    rng = random.Random(7)
    files = sorted((ROOT / "data" / "sources").glob("*.txt"))
    files += sorted((ROOT / "tests" / "fuzz" / "corpus").glob("*"))
    for f in files:
        text = f.read_text(encoding="utf-8")
        for tx in (text, text.replace("\n", "\r\n"), text.replace(" ", "\u00a0", 50)):
            for skips in (_footer_spans(tx), [], _spans(rng, len(tx), 8, 300)):
                for start in (0, rng.randrange(len(tx))):
                    assert normalise(tx, start, skips) == _reference(tx, start, skips), (f.name, start)


def test_normalise_equals_the_reference_on_random_texts() -> None:
    rng = random.Random(11)
    alphabet = "aB-\n \t.:1\r\u00a0 x-"
    for _ in range(20000):
        tx = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        skips = _spans(rng, len(tx), 3, 6)
        assert normalise(tx, 0, skips) == _reference(tx, 0, skips), (tx, skips)
