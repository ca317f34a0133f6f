"""Regexes run only on texts that hold a piece of literal text every match of theirs holds.

A regex that begins with ``\\b``, a lookbehind or an optional group is tried at every position of the text;
``str.__contains__`` finds a literal far faster. A text holding none of the pieces cannot match, so
skipping it changes nothing (``tests/test_fast_paths.py`` checks every pair on the sources and generated
documents).
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def finditer(rx: re.Pattern[str], text: str, needs: tuple[str, ...]) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, or nothing when ``text`` holds none of ``needs``."""
    if not any(n in text for n in needs):
        return iter(())
    return rx.finditer(text)
