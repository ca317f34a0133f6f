"""Stage 1, sources/parse: read a source file, check it, detect its layout, normalise its body.

The body keeps a character-offset map into the original text so that every later fact can point to
its span. Normalisation joins words hyphenated across lines ("gemeen-\\nschappelijke"), removes page
furniture (kst-id, ISSN, "'s-Gravenhage 2020", the running footer "Tweede Kamer, vergaderjaar ...,
28 676, nr. 339 1") and leaves site header lines out of the body (they are kept as
:class:`HeaderField` evidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kamerkg.errors import SourceError
from kamerkg.model import HeaderField, SourceDoc, Span

# the largest Kamerstukken and Handelingen are a few MB of text; more is refused, not parsed for minutes
MAX_BYTES = 20 * 1024 * 1024
ID_RE = re.compile(
    r"\b((?:kst|stcrt|stb|blg|h-tk)-[0-9A-Za-z]+(?:-[0-9A-Za-z]+){1,3}|ah-tk-\d{8}-\d+|kv-tk-\d{4}Z\d+)\b"
)
# Running page footer of the PDF edition, e.g.
#   kst-28676-339 / ISSN 0921 - 7371 / ’s-Gravenhage 2020
#   Tweede Kamer, vergaderjaar 2019–2020, 28 676, nr. 339 1
FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:(?:kst|ah-tk|kv-tk|blg)-[^\s]+|ISSN[ \t]+\d{4}[ \t]*-[ \t]*\d{3}[\dX])[ \t]*$"
    r"|^[ \t]*[’'‘]s-Gravenhage[ \t]+\d{4}\b.*$"
    r"|^[ \t]*Tweede Kamer, vergaderjaar[ \t]+\d{4}[–-]\d{4}, [^\n]*\bnr\. [^\n]*\d+[ \t]*$"
)
PARLIAMENTARY_MARKERS = re.compile(
    r"Tweede Kamer|Eerste Kamer|Kamerstuk|Kamervra(?:ag|gen)|[Vv]ergaderjaar|Aanhangsel|Staten-Generaal|"
    r"\bnr\. ?\d+"
    r"|De Kamer,|Vragen van het lid|uw Kamer|Voorgesteld \d|Vastgesteld \d|\b\d{2} \d{3}\b"
    r"|\bMinister van\b|\bStaatssecretaris van\b|\bkamerlid\b|\bKamerlid\b",
)
# Site header fields, "Name: value" or (openkamer Kamervragen) "Name value"; longest names first.
HEADER_NAMES = (
    "Onderdeel van kamerstukdossier",
    "Onderdeel van zaak",
    "Gerelateerde personen",
    "Eerste ondertekenaar",
    "Mede ondertekenaar",
    "Beantwoord door",
    "Bron antwoord",
    "Bron vraag",
    "Vragensteller",
    "Gepubliceerd",
    "Indiener\\(s\\)",
    "Indieners",
    "Indiener",
    "Onderwerpen",
    "Ingediend",
    "Beantwoord",
    "Ontvanger",
    "Vergaderjaar",
    "Nummer",
    "Datum",
    "Bron",
    "ID",
)
HEADER_FIELD_RE = re.compile(
    r"(?m)^[ \t]*(?:Gerelateerde personen:\s*)?(?:-[ \t]*)?("
    + "|".join(HEADER_NAMES)
    + r")(?:[ \t]*:[ \t]*|[ \t]+)(.*)$"
)
# tweedekamer.nl: site metadata after a motie's text ("Indieners", "Indiener", "Stemmingsuitslagen",
# the vote table)
TRAILER_RE = re.compile(
    r"(?m)^[ \t]*(?:Indieners|Indiener|Medeindieners?|Stemmingsuitslagen|Stemmingen)[ \t]*$"
)
# officielebekendmakingen: a metadata table before the text
# ("Datum publicatie | Organisatie | Vergaderjaar | ...")
META_TABLE_RE = re.compile(
    r"(?m)^(?:Kamerstuk\s*\n)?[ \t]*Datum publicatie[ \t]*\|.*\n(?:[ \t]*[-|: ]+\n)?(?:[^\n]*\|[^\n]*\n)*"
)


# Unicode category Cc (U+0000-U+001F, U+007F-U+009F) except tab, line feed, form feed and carriage return
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def read_text(path: Path) -> str:
    """Read a file as text or raise :class:`SourceError` saying why it is not usable."""
    if not path.exists():
        raise SourceError(path, "no such file")
    if path.is_dir():
        raise SourceError(path, "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise SourceError(path, "empty file")
    if size > MAX_BYTES:
        raise SourceError(path, f"too large ({size} bytes; the limit is {MAX_BYTES})")
    try:
        data = path.read_bytes()
    except OSError as e:  # unreadable, a special file, a race with a writer
        raise SourceError(path, f"cannot be read ({e.strerror or e})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise SourceError(path, f"broken UTF-16 ({e.reason} at byte {e.start})") from None
    else:
        if b"\x00" in data:
            raise SourceError(path, "binary file (NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise SourceError(
                path, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); convert it to UTF-8"
            ) from None
    controls = len(_CONTROL_RE.findall(text, 0, 65536))
    if controls > max(8, len(text[:65536]) // 100):
        raise SourceError(path, "binary file (control characters), not text")
    if not text.strip():
        raise SourceError(path, "no text (only white space)")
    return text


def detect_layout(text: str) -> str:
    """Name the page layout of a text by its own header lines."""
    head = text[:3000]
    if re.search(r"(?m)^Gepubliceerd: .*$", head) and re.search(r"(?m)^(ID|Bron): ", head):
        return "openkamer"
    if re.search(r"(?m)^Kamervraag \d{4}Z\d+\s*$", head) and re.search(r"(?m)^(Bron vraag|Ingediend) ", head):
        return "openkamer"
    if re.search(r"(?m)^Nummer: \d{4}D\d+", head) or "Gerelateerde personen:" in head:
        return "tkconv"
    if re.search(
        r"(?m)\A\s*(Motie|Amendement|Kamerbrief|Brief regering|Antwoord schriftelijke vragen|Schriftelijke "
        r"vragen"
        r"|Verslag|Nota|Wetsvoorstel|Memorie van toelichting)\s?:\s",
        head,
    ):
        return "tweedekamer"
    if FOOTER_RE.search(text) and re.search(r"(?m)^[ \t]*ISSN", text):
        return "pdf-text"
    if META_TABLE_RE.search(head):
        return "officielebekendmakingen"
    if re.search(r"(?m)^\s*\d{2} \d{3}(-[0-9A-Z]+)?\s+\S", head) or re.search(r"(?m)^\s*Nr\. \d+", head):
        return "officielebekendmakingen"
    return "plain"


def header_end(text: str, layout: str) -> int:
    """Offset where the document's own text starts after a site header (0 when there is none)."""
    if layout == "openkamer":
        m = re.search(r"(?m)^ID: .*$", text)
        if m:
            return m.end()
        # a Kamervraag page: the header ends with its last field line ("Bron antwoord ...")
        fields = [f for f in HEADER_FIELD_RE.finditer(text[:4000])]
        return fields[-1].end() if fields else 0
    if layout == "tkconv":
        # the PDF text starts with its own running header, "Tweede Kamer der Staten-Generaal | 2 |"
        m = re.search(r"(?m)^Tweede Kamer der Staten-Generaal\b", text)
        if m:
            return m.start()
        fields = list(HEADER_FIELD_RE.finditer(text[:4000]))
        if not fields:
            return 0
        # after the last field: the zaak's list lines ("- Voortouwcommissie: ...", "- 2023-03-22 10:00: ...")
        end = fields[-1].end()
        tail = re.match(r"(?:\n[ \t]*(?:-[ \t][^\n]*|Directe link[^\n]*)?)*", text[end:])
        return end + (tail.end() if tail else 0)
    if layout == "officielebekendmakingen":
        m = META_TABLE_RE.search(text[:3000])
        if m and m.start() < 200:
            return m.end()
    return 0


def site_trailer(text: str, layout: str) -> Span | None:
    """The site metadata after the document's text (tweedekamer.nl: submitters, votes), if any."""
    if layout != "tweedekamer":
        return None
    m = TRAILER_RE.search(text)
    if not m:
        return None
    a = m.start()
    while a > 0 and text[a - 1].isspace():
        a -= 1
    return Span(a, len(text))


def _table_fields(text: str, end: int) -> list[HeaderField]:
    """Cells of an officielebekendmakingen metadata table, named by what they hold."""
    out: list[HeaderField] = []
    m = META_TABLE_RE.search(text, 0, end)
    if not m:
        return out
    for cm in re.finditer(r"[^|\n]+", text[m.start() : m.end()]):
        cell = cm.group(0).strip()
        s = m.start() + cm.start() + (len(cm.group(0)) - len(cm.group(0).lstrip()))
        sp = Span(s, s + len(cell))
        if re.fullmatch(r"\d{4}\s*[–-]\s*\d{4}", cell):
            out.append(HeaderField("Vergaderjaar", cell, sp))
        elif re.fullmatch(r"\d{4,5}(?:-[0-9A-Z]+)?\s*nr\.\s*\d+", cell):
            out.append(HeaderField("Dossier- en ondernummer", cell, sp))
        elif re.fullmatch(r"(?:Tweede|Eerste) Kamer(?: der Staten-Generaal)?", cell):
            out.append(HeaderField("Organisatie", cell, sp))
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{4}", cell):
            out.append(HeaderField("Datum", cell, sp))
    return out


def _title_lines(text: str, end: int) -> list[HeaderField]:
    """The page's title lines above its first field: openkamer "Kamerstuk 28676-265" / type / dossier title;
    tkconv title / dossier title / type."""
    first = HEADER_FIELD_RE.search(text, 0, end)
    stop = first.start() if first else 0
    lines = [
        (m.group(0).strip(), m.start() + len(m.group(0)) - len(m.group(0).lstrip()))
        for m in re.finditer(r"[^\n]+", text[:stop])
    ]
    lines = [(v, s) for v, s in lines if v]
    out: list[HeaderField] = []
    if lines and re.match(r"Kamerstuk \d", lines[0][0]) and len(lines) == 3:
        names = ["Paginatitel", "Soort", "Dossiertitel"]
    elif lines and re.match(r"Kamervraag \d", lines[0][0]):
        names = ["Paginatitel", "Titel"]
    elif len(lines) == 3:
        names = ["Titel", "Dossiertitel", "Soort"]
    else:
        names = []
    for name, (v, s) in zip(names, lines, strict=False):
        out.append(HeaderField(name, v, Span(s, s + len(v))))
    return out


def header_fields(text: str, end: int, trailer: Span | None = None) -> list[HeaderField]:
    out = _table_fields(text, end) + (_title_lines(text, end) if end else [])
    zaak = False  # tkconv: the fields of the zaak (its submitter, committees) are not about this document
    for m in HEADER_FIELD_RE.finditer(text, 0, end):
        name = m.group(1)
        if name == "Onderdeel van zaak":
            zaak = True
        value = m.group(2).strip()
        if not value or "|" in value:
            continue
        out.append(
            HeaderField(
                f"zaak {name}" if zaak and name != "Onderdeel van zaak" else name,
                value,
                Span(m.start(2), m.start(2) + len(value)),
            )
        )
    if trailer is not None:
        # "Indiener" / "Medeindiener" on a line of its own, the person on the next
        # ("Jan Paternotte, Kamerlid")
        for m in re.finditer(
            r"(?m)^[ \t]*(Indiener|Medeindiener)[ \t]*\n[ \t]*([^\n|]+?)[ \t]*$", text[: trailer.end]
        ):
            if m.start() >= trailer.start:
                out.append(HeaderField(m.group(1), m.group(2), Span(m.start(2), m.end(2))))
    # the first lines of a page (title, type, dossier title) before its field lines are site header too
    return out


# bidirectional overrides and isolates: kept (offsets stay exact) but reported (issue 7)
BIDI_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
TERMINAL_RE = re.compile(r"[.!?»”\")]\s*$")


def is_truncated(text: str, body: str, trailer: Span | None) -> str | None:
    """Why the saved text looks like only the beginning of a document (None when it looks complete).

    A complete document ends with a closing part: a signature block, the names under a motie, the
    site's trailer, footnotes, or "Sluiting ... uur"; a text that ends inside a word or sentence, or that
    stops at about 2,000 characters without such a closing, is a partial copy.
    """
    if trailer is not None:
        return None
    tail = body.rstrip()[-400:]
    if re.search(r"gaat over tot de orde van de dag\.?(?:\s*\n[^\n]{1,60}){0,40}$", tail):
        return None
    if re.search(r"(?m)^\s*Sluiting\s+\d{1,2}[.:]\d{2}\s+uur\.?\s*$", tail):
        return None
    last_line = tail.splitlines()[-1].strip() if tail.strip() else ""
    signatures = list(
        re.finditer(
            r"(?m)^[ \t]*(?:De|Het)?\s*(?:[Mm]inister|[Ss]taatssecretaris|[Vv]oorzitter|[Gg]riffier|"
            r"[Aa]djunct-griffier)[^\n]{0,120},[ \t]*(?:\n[ \t]*)?"
            r"[A-Z][^\n,]{1,60}$",
            tail,
        )
    )
    if signatures and signatures[-1].end() >= len(tail.rstrip()) - 1:
        return None
    if re.search(r"(?m)^\s*(?:X\s+)?Noot\b", tail):
        return None
    if not TERMINAL_RE.search(last_line):
        return "the text ends inside a sentence"
    if 1800 <= len(text) <= 2100:
        return f"the text stops at {len(text)} characters without a closing (signature, names, footnotes)"
    return None


def _footer_spans(text: str) -> list[Span]:
    """Spans of page furniture, widened over the white space around them and merged."""
    spans: list[Span] = []
    for m in FOOTER_RE.finditer(text):
        a, b = m.start(), m.end()
        while a > 0 and text[a - 1].isspace():
            a -= 1
        while b < len(text) and text[b].isspace():
            b += 1
        if spans and a <= spans[-1].end:
            spans[-1] = Span(spans[-1].start, max(b, spans[-1].end))
        else:
            spans.append(Span(a, b))
    return spans


_SPECIAL_RE = re.compile("[\r\\-\u00a0]")  # the characters normalise looks at one by one
_BLANK_RUN_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")


def normalise(text: str, start: int, skip: Iterable[Span]) -> tuple[str, list[int]]:
    """Body text from ``text[start:]`` without the ``skip`` spans, hyphenation joined, with offsets.

    Runs of ordinary characters are copied whole; only page furniture, carriage returns, hyphens and
    no-break spaces are looked at one by one."""
    skips = sorted(skip)
    ns = len(skips)
    out: list[str] = []
    offs: list[int] = []
    last = ""  # the last character written ("" before the first)
    i = start
    n = len(text)
    k = 0
    special = _SPECIAL_RE.search
    while i < n:
        while k < ns and skips[k].end <= i:
            k += 1
        if k < ns and skips[k].start <= i < skips[k].end:
            # page furniture: the text around it continues the same paragraph unless a sentence ended
            i = skips[k].end
            if last:
                nxt = text[i] if i < n else ""
                sep = "\n\n" if (last in ".:;!?" and (nxt.isupper() or not nxt)) else "\n"
                out.append(sep)
                offs.extend([skips[k].start] * len(sep))
                last = "\n"
            continue
        lim = skips[k].start if k < ns else n  # no furniture before lim
        m = special(text, i, lim)
        p = m.start() if m else lim
        if p > i:
            out.append(text[i:p])
            offs.extend(range(i, p))
            last = text[p - 1]
            i = p
            continue
        c = text[i]
        if c == "\r":
            i += 1
            continue
        if c == "-" and last and last.islower():
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
        if c == "-" and last and (last.isupper() or last.isdigit()):
            # a compound broken after its hyphen: "NAVO-\nkader" -> "NAVO-kader"
            j = i + 1
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] == "\n":
                out.append("-")
                offs.append(i)
                last = "-"
                j2 = j + 1
                while j2 < n and text[j2] in " \t":
                    j2 += 1
                i = j2
                continue
        if c == "\u00a0":
            c = " "
        out.append(c)
        offs.append(i)
        last = c
        i += 1
    body = "".join(out)
    # collapse runs of blank lines left by removed furniture (keep offsets aligned): keep exactly one
    cuts = [(m.start() + 2, m.end()) for m in _BLANK_RUN_RE.finditer(body)]
    if any(a < b for a, b in cuts):
        parts: list[str] = []
        kept: list[int] = []
        pos = 0
        for a, b in cuts:
            parts.append(body[pos:a])
            kept.extend(offs[pos:a])
            pos = max(pos, b)
        parts.append(body[pos:])
        kept.extend(offs[pos:])
        body, offs = "".join(parts), kept
    return body, offs


def identify(path: Path, text: str, header: list[HeaderField]) -> str:
    """The document's identifier: from its own text (footer, header, 'Kamerstuk' line), else the file name."""
    for f in header:
        m = ID_RE.search(f.value)
        if m:
            return m.group(1)
    m = ID_RE.search(text[:4000]) or ID_RE.search(text)
    if m:
        return m.group(1)
    m = re.search(r"(?m)^Kamerstuk (\d{4,5}(?:-[0-9A-Z]+)?)-(\d+)\s*$", text[:2000])
    if m:
        return f"kst-{m.group(1)}-{m.group(2)}"
    for f in header:
        if f.name == "ID":
            m = re.fullmatch(r"(\d{4,5}(?:-[0-9A-Z]+)?)-(\d+)", f.value)
            if m:
                return f"kst-{m.group(1)}-{m.group(2)}"
        if f.name == "Dossier- en ondernummer":
            m = re.fullmatch(r"(\d{4,5}(?:-[0-9A-Z]+)?)\s*nr\.\s*(\d+)", f.value)
            if m:
                return f"kst-{m.group(1)}-{m.group(2)}"
    # the document's own header lines: "28 676 NAVO" (first dossier) and "Nr. 503"
    head = text[:3000]
    dm = re.search(r"(?m)^[ \t]*(\d{2}) ?(\d{3})(-[0-9A-Z]{1,4})?[ \t]+[A-Z][^\n]*$", head)
    nm = re.search(r"(?m)^[ \t]*Nr\.[ \t]*(\d+)\b", head)
    if dm and nm and dm.start() < nm.start():
        return f"kst-{dm.group(1)}{dm.group(2)}{dm.group(3) or ''}-{nm.group(1)}"
    # an answer to Kamervragen names its own Aanhangsel number
    # ("Zie ook Aanhangsel Handelingen, vergaderjaar ...")
    m = re.search(
        r"Zie ook Aanhangsel Handelingen,?\s+vergaderjaar\s+(\d{4})\s*[–-]\s*(\d{4}),?\s+nr\.\s*(\d+)", text
    )
    if m:
        return f"ah-tk-{m.group(1)}{m.group(2)}-{m.group(3)}"
    m = ID_RE.fullmatch(path.stem)
    if m:
        return path.stem
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "document"


def parse(path: Path | str) -> SourceDoc:
    """Read and parse one source file; raise :class:`SourceError` with the reason if it is unusable."""
    path = Path(path)
    if path.suffix.lower() in (".xml", ".html", ".xhtml", ".htm"):
        from kamerkg.official import parse_official  # the official XML/XHTML editions (issue 4)

        return parse_official(path)
    text = read_text(path)
    if not PARLIAMENTARY_MARKERS.search(text):
        raise SourceError(
            path, "not a parliamentary document (no Kamerstuk header, dossier number or Kamer marker)"
        )
    layout = detect_layout(text)
    start = header_end(text, layout)
    trailer = site_trailer(text, layout)
    header = header_fields(text, start, trailer) if (start or trailer) else []
    footers = _footer_spans(text)
    skips = footers + ([trailer] if trailer else [])
    body, offs = normalise(text, start, skips)
    if not body.strip():
        raise SourceError(path, f"no document text after the {layout} site header")
    doc_id = identify(path, text, header)
    doc = SourceDoc(
        path=path,
        doc_id=doc_id,
        text=text,
        layout=layout,
        body=body,
        offsets=offs,
        header=header,
        footers=footers,
    )
    if BIDI_RE.search(text):
        doc.warnings.append(f"{path}: bidirectional control characters (U+202A-U+202E, U+2066-U+2069)")
    why = is_truncated(text, body, trailer)
    if why:
        doc.truncated = True
        doc.warnings.append(f"{path}: partial copy: {why}")
    return doc


def iter_source_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into their text files (sorted); files are kept as given."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(
                    q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".txt", ".xml", ".html")
                )
            )
        else:
            out.append(p)
    return out
