"""Dutch dates: "9 april 2020", "2 april jl.", "14 en 15 juni 2016", "4-5 april 2023", "d.d. 17 maart 2023".

Year-less dates are resolved against the document's own date: "jl." (jongstleden) is the latest such
date on or before it, "a.s." / "aanstaande" the first on or after it, and a bare day and month the
nearest one within half a year, else left unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
MONTH_RE = "|".join(MONTHS)
DAY = r"(?:[1-9]|[12]\d|3[01])"
# "14 en 15 juni 2016", "4-5 april 2023", "30 juni tot en met 2 juli 2021" (second month optional)
DATE_RE = re.compile(
    rf"(?<![\w-])(?P<d1>{DAY})(?:\s+(?P<m1>{MONTH_RE}))?(?:\s+(?P<y1>\d{{4}}))?"
    rf"(?:\s*(?:en|tot en met|t/m|–|-)\s*(?P<d2>{DAY}))?"
    rf"\s+(?P<m2>{MONTH_RE})(?:\s+(?P<y2>(?:19|20)\d\d)\b)?(?P<rel>\s+(?:jl\.|jongstleden|a\.s\.|aanstaande))"
    rf"?",
    re.IGNORECASE,
)
ISO_RE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    first: date | None
    last: date | None
    text: str


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:  # "31 februari"
        return None


def resolve(day: int, month: int, year: int | None, anchor: date | None, rel: str | None) -> date | None:
    if year is not None:
        return _safe(year, month, day)
    if anchor is None:
        return None
    candidates = [c for c in (_safe(anchor.year + k, month, day) for k in (-1, 0, 1)) if c]
    if not candidates:
        return None
    rel = (rel or "").strip().lower()
    if rel in ("jl.", "jongstleden"):
        past = [c for c in candidates if c <= anchor]
        return max(past) if past else None
    if rel in ("a.s.", "aanstaande"):
        fut = [c for c in candidates if c >= anchor]
        return min(fut) if fut else None
    best = min(candidates, key=lambda c: abs((c - anchor).days))
    return best if abs((best - anchor).days) <= 183 else None


def find_dates(
    text: str, anchor: date | None = None, start: int = 0, end: int | None = None
) -> list[DateMention]:
    """Every date or date range in ``text[start:end]``, resolved against ``anchor``."""
    out = []
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end):
        m2 = MONTHS[m.group("m2").lower()]
        y2 = int(m.group("y2")) if m.group("y2") else None
        rel = m.group("rel")
        d1 = int(m.group("d1"))
        if m.group("d2"):
            m1 = MONTHS[m.group("m1").lower()] if m.group("m1") else m2
            y1 = int(m.group("y1")) if m.group("y1") else y2
            last = resolve(int(m.group("d2")), m2, y2, anchor, rel)
            if y1 is None and last is not None:
                first = _safe(last.year if m1 <= m2 else last.year - 1, m1, d1)
            else:
                first = resolve(d1, m1, y1, anchor, rel)
        else:
            if m.group("m1"):
                continue  # "5 mei 12 juni" is not one date
            first = last = resolve(d1, m2, y2, anchor, rel)
        if first and last and last < first:
            first = last = None
        if first and last and (last - first) > timedelta(days=31):
            first = last = None
        out.append(DateMention(m.start(), m.end(), first, last, m.group(0)))
    for m in ISO_RE.finditer(text, start, len(text) if end is None else end):
        d = _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        out.append(DateMention(m.start(), m.end(), d, d, m.group(0)))
    out.sort(key=lambda x: x.start)
    return out


def parse_date(s: str) -> date | None:
    """A single full date written in Dutch or ISO, e.g. '9 april 2020'."""
    found = find_dates(s)
    return found[0].first if found else None


def vergaderjaar_of(d: date) -> str:
    """The parliamentary year of a date: it begins on the third Tuesday of September."""
    sept1 = date(d.year, 9, 1)
    first_tue = sept1 + timedelta(days=(1 - sept1.weekday()) % 7)
    start = first_tue + timedelta(days=14)
    return f"{d.year}-{d.year + 1}" if d >= start else f"{d.year - 1}-{d.year}"
