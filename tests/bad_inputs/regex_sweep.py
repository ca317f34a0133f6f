"""Every compiled regex of the parser and the extractors against repeated hostile units (issue 7).

For each pattern and unit, ``finditer`` runs over ``unit * n + "!"`` and ``unit * 2n + "!"``; a pattern
whose time more than triples when the input doubles (and is not tiny) is reported. Run as a script (the
tests run it in a subprocess with a timeout, so an exponential pattern fails the test instead of hanging
it): prints one line per slow (pattern, unit) and exits 1 if there is any.
"""

from __future__ import annotations

import importlib
import re
import sys
import time

MODULES = [
    "kamerkg.sources",
    "kamerkg.link",
    "kamerkg.extract.citations",
    "kamerkg.extract.dates",
    "kamerkg.extract.document",
    "kamerkg.extract.entities",
    "kamerkg.extract.meetings",
    "kamerkg.extract.sections",
    "kamerkg.extract.people",
]
UNITS = [
    "a",
    "A",
    "1",
    " ",
    "\n",
    "\n \n",
    "\n\u2003",
    "Aa ",
    "Aa-",
    "A.",
    "a.",
    "1 ",
    "12345-",
    "12 345, ",
    "nr. 1 ",
    ", 1",
    "((",
    "van de ",
    "De Minister van Zaken ",
    "De Minister van Defensie\n",
    "extra ",
    "ingelaste ",
    "Kamerstuk 28 676, nr. 1 ",
    "1 mei ",
    "op 1 mei 2020 ",
    "ministers van Aa en ",
    "Tweede Kamer, ",
    "Veiligheid, ",
    "Aa (X), ",
    "de heer Aa ",
    "Per abuis is ",
    "wordt uw Kamer ",
    "|",
    "Indiener\n",
    "Over a ",
    "bijeenkomst ",
    "- ",
    "’s-",
    "Nr. 1 ",
    "Datum: ",
]


# patterns only ever used anchored (``.match`` at a position), where an unanchored sweep overstates them
ANCHORED_ONLY = {
    "kamerkg.extract.entities.SESSION_AFTER_RE",  # .match(text, mention_end)
}


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        for k, v in vars(mod).items():
            if isinstance(v, re.Pattern):
                out.append((f"{name}.{k}", v))
            elif isinstance(v, (list, tuple)):
                for i, x in enumerate(v):
                    if isinstance(x, tuple) and x and isinstance(x[0], re.Pattern):
                        out.append((f"{name}.{k}[{i}]", x[0]))
    return out


def cost(p: re.Pattern[str], text: str) -> float:
    t = time.perf_counter()
    for _ in p.finditer(text):
        pass
    return time.perf_counter() - t


def sweep(n: int = 1500, only: str = "") -> list[str]:
    slow = []
    for name, p in patterns():
        if (only and only not in name) or name in ANCHORED_ONLY:
            continue
        for u in UNITS:
            a = min(cost(p, u * n + "!") for _ in range(2))
            b = min(cost(p, u * 2 * n + "!") for _ in range(2))
            if b > 0.03 and b > 3.2 * a:
                slow.append(f"{name} unit={u!r}: {a:.4f}s -> {b:.4f}s ({b / max(a, 1e-6):.1f}x)")
    return slow


if __name__ == "__main__":
    found = sweep(int(sys.argv[1]) if len(sys.argv) > 1 else 1500, sys.argv[2] if len(sys.argv) > 2 else "")
    for line in found:
        print(line)
    print(f"{len(patterns())} patterns x {len(UNITS)} units; {len(found)} slow", file=sys.stderr)
    sys.exit(1 if found else 0)
