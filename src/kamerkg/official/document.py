"""Parse the official XML edition (KOOP ``officiele-publicatie``) and the XHTML edition of a publication.

The result is a :class:`OfficialDoc`: a :class:`~kamerkg.model.SourceDoc` whose ``text`` is the file as
read and whose ``body`` is the normalised text of the publication (its header — ``kamerstukkop``,
``kamervraagkop`` — kept as header fields, not body), with ``offsets`` into the file's text. Its
``official`` attribute carries the structure (parts with an XPath each), the facts the markup states
(dossier title, who asked and who answered) and the metadata found beside the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kamerkg.errors import SourceError
from kamerkg.model import HeaderField, SourceDoc, Span
from kamerkg.official.metadata import (
    Metadata,
    find_metadata,
    from_meta_elements,
    is_metadata_file,
    read_metadata_file,
)
from kamerkg.official.xmlscan import Elem, ScanError, Text, scan
from kamerkg.sources import read_text

XHTML_NS = "http://www.w3.org/1999/xhtml"
OFFICIAL_ROOTS = ("officiele-publicatie", "kamerstuk", "kamervragen", "handelingen", "bijlage")

# XML edition: elements that are a paragraph / a line of their own, and elements left out of the body
XML_BLOCKS = {
    "al",
    "titel",
    "kop",
    "datumtekst",
    "kamervraagomschrijving",
    "nr",
    "dossier",
    "stuknr",
    "noot",
    "li",
    "row",
    "functie",
    "naam-ondertekening",
    "plaats",
    "dagtekening",
    "tussenkop",
    "vraag",
    "antwoord",
    "ondertekening",
    "al-groep",
    "divisie",
    "lijst",
    "tabel",
    "tgroup",
    "tbody",
    "thead",
    "entry",
}
XML_LINES = {"li", "row", "functie", "naam-ondertekening", "plaats", "dagtekening"}
XML_SKIP = {"metadata", "meta", "kamerstukkop", "kamervraagkop", "kamervraagnummer", "colspec"}
HTML_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "td",
    "th",
}
HTML_LINES = {"li", "tr"}
HTML_SKIP = {"head", "script", "style", "noscript"}
HTML_SKIP_IDS = {"kopregel", "inhoudsopgave", "voetregel"}

ASKED_RE = re.compile(
    r"Vragen van (?:het lid|de leden) (?P<names>.+?)\s*\((?P<party>[^()]*)\)\s*"
    r"aan (?P<to>.+?) over (?P<about>.+?)"
    r"\s*\((?:ingezonden|ontvangen) (?P<date>\d{1,2} \w+ \d{4})\)"
)
ANSWER_RE = re.compile(
    r"Antwoord van (?:de )?(?P<role>[Mm]inister(?:-[Pp]resident)?|[Ss]taatssecretaris)\s+"
    r"(?P<name>(?:(?:van|de|der|den|ten|ter)\s+)*[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)\s*\((?P<post>[^()]*)\)"
    r"(?P<rest>.*?)\(ontvangen (?P<date>\d{1,2} \w+ \d{4})\)",
    re.DOTALL,
)


@dataclass
class Part:
    """A structural part of the publication: a section, a question, an answer, a footnote ..."""

    # section | dossier | question | answer | question-description | answer-description | footnote | table
    # | list | signature
    kind: str
    xpath: str
    start: int  # body offsets [start, end)
    end: int
    label: str | None = None  # heading or number as printed ("Vraag 1", "Nr. 143")
    number: str | None = None


@dataclass
class Person:
    name: str
    role: str | None
    start: int  # body offsets of the name
    end: int


@dataclass
class OfficialInfo:
    edition: str  # xml | html
    root: str  # kamerstuk | kamervragen | ...
    parts: list[Part] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    dossier_title: tuple[str, int, int] | None = None  # value and body offsets
    stuk_title: tuple[str, int, int] | None = None
    askers: list[Person] = field(default_factory=list)
    answerers: list[Person] = field(default_factory=list)
    signers: list[Person] = field(default_factory=list)
    asked_date: tuple[str, int, int] | None = None
    answered_date: tuple[str, int, int] | None = None


@dataclass
class OfficialDoc(SourceDoc):
    official: OfficialInfo | None = None


def sniff(path: Path) -> str | None:
    """``"xml"`` / ``"html"`` when the file looks like an official edition, ``None`` otherwise."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".xhtml", ".htm"):
        return "html"
    if suffix == ".xml":
        return "xml"
    return None


class _Renderer:
    """Walk the scanned tree and write the body text with an offset per character."""

    def __init__(self, blocks: set[str], lines: set[str], skip: set[str], html: bool) -> None:
        self.blocks, self.lines, self.skip, self.html = blocks, lines, skip, html
        self.out: list[str] = []
        self.offs: list[int] = []
        self.pending = ""  # separator to write before the next character ("", " ", "\n", "\n\n")
        self.pending_at = 0
        self.parts: list[Part] = []
        self.hooks: dict[int, list[Part]] = {}

    def pos(self) -> int:
        return len(self.out)

    def brk(self, sep: str) -> None:
        if not self.out:
            return
        if len(sep) > len(self.pending) or self.pending == " ":
            self.pending = sep
            self.pending_at = self.offs[-1]

    def emit(self, ch: str, off: int) -> None:
        if ch.isspace():
            if self.out and not self.pending:
                self.pending = " "
                self.pending_at = off
            return
        if self.pending and self.out:
            for c in self.pending:
                self.out.append(c)
                self.offs.append(self.pending_at)
        self.pending = ""
        self.out.append(ch)
        self.offs.append(off)

    def is_skipped(self, e: Elem) -> bool:
        if e.local in self.skip:
            return True
        return self.html and e.attr("id") in HTML_SKIP_IDS


def _xpaths(root: Elem, html: bool) -> None:
    """Give each element its XPath (XHTML elements with the prefix ``h:`` for the XHTML namespace)."""
    pre = "h:" if html else ""

    def walk(e: Elem, path: str) -> None:
        e.xpath = path
        kids = e.elements()
        counts: dict[str, int] = {}
        for k in kids:
            counts[k.tag] = counts.get(k.tag, 0) + 1
        seen: dict[str, int] = {}
        for k in kids:
            seen[k.tag] = seen.get(k.tag, 0) + 1
            idx = f"[{seen[k.tag]}]" if counts[k.tag] > 1 else ""
            walk(k, f"{path}/{pre}{k.tag}{idx}")

    walk(root, f"/{pre}{root.tag}")


def _span_of(r: _Renderer, before: int, after: int) -> tuple[int, int]:
    """Body offsets of what an element wrote between body positions ``before`` and ``after``."""
    start = before
    while start < after and r.out[start].isspace():
        start += 1
    return start, after


def parse_official(path: Path) -> OfficialDoc:
    """Parse an official XML or XHTML edition; raise :class:`SourceError` with the reason if it is not one."""
    if is_metadata_file(path):
        from kamerkg.official.files import edition_beside

        if edition_beside(path) is not None:
            raise SourceError(path, "a metadata file, not a publication; it is read beside its publication")
        return _parse_metadata_only(path)
    text = read_text(path)
    from lxml import etree

    try:
        tree = etree.fromstring(
            text.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as e:
        raise SourceError(path, f"not well-formed XML ({str(e).splitlines()[0]})") from None
    try:
        root = scan(text)
    except ScanError as e:
        raise SourceError(path, f"cannot follow the markup ({e})") from None
    lx = [el for el in tree.iter() if isinstance(el.tag, str)]
    mine = root.iter()
    if len(lx) != len(mine) or any(
        etree.QName(a).localname != b.local for a, b in zip(lx, mine, strict=False)
    ):
        raise SourceError(path, "the markup could not be aligned with the XML parser's tree")
    html = root.local == "html"
    if not html and root.local not in OFFICIAL_ROOTS:
        raise SourceError(path, f"not an official publication (root element <{root.tag}>)")
    _xpaths(root, html)
    if html:
        return _parse_html(path, text, root)
    return _parse_xml(path, text, root)


def _doc_from(
    path: Path,
    text: str,
    layout: str,
    r: _Renderer,
    header: list[HeaderField],
    info: OfficialInfo,
    doc_id: str,
) -> OfficialDoc:
    body = "".join(r.out)
    if not body.strip():
        raise SourceError(path, "the publication has no text")
    info.metadata.extend(find_metadata(path))
    return OfficialDoc(
        path=path,
        doc_id=doc_id,
        text=text,
        layout=layout,
        body=body,
        offsets=list(r.offs),
        header=header,
        official=info,
    )


def _identifier(path: Path, candidates: list[str]) -> str:
    from kamerkg.sources import ID_RE

    for c in candidates:
        m = ID_RE.fullmatch(c.strip())
        if m:
            return m.group(1)
    m = ID_RE.fullmatch(path.stem)
    if m:
        return path.stem
    raise SourceError(path, "no document identifier in the publication or its metadata")


def _parse_xml(path: Path, text: str, root: Elem) -> OfficialDoc:
    main = (
        next((e for e in root.elements() if e.local not in ("metadata",)), None)
        if root.local == "officiele-publicatie"
        else root
    )
    if main is None:
        raise SourceError(path, "an officiele-publicatie without a publication element")
    info = OfficialInfo(edition="xml", root=main.local)
    header: list[HeaderField] = []
    for kop in (main.find("kamerstukkop"), main.find("kamervraagkop")):
        if kop is None:
            continue
        for tr in kop.findall("tekstregel"):
            t, o = tr.text_with_offsets()
            val = " ".join(t.split())
            if val:
                lead = len(t) - len(t.lstrip())
                header.append(
                    HeaderField(
                        tr.attr("inhoud") or "tekstregel", val, Span(o[lead], o[len(t.rstrip()) - 1] + 1)
                    )
                )
    nr = main.find("kamervraagnummer")
    if nr is not None and nr.text().strip():
        t, o = nr.text_with_offsets()
        header.append(HeaderField("kamervraagnummer", t.strip(), Span(o[0], o[-1] + 1)))
    r = _Renderer(XML_BLOCKS, XML_LINES, XML_SKIP, html=False)
    marks: list[tuple[Elem, int, int]] = []

    def walk(e: Elem) -> None:
        if r.is_skipped(e):
            return
        before = r.pos()
        # render this element's own text via the renderer, recursing through walk for parts
        block = e.local in r.blocks
        sep = "\n" if e.local in r.lines else "\n\n"
        if e.local == "entry":
            if r.out and r.out[-1] != "\n" and r.pending not in ("\n", "\n\n"):
                r.brk(" ")
                r.emit("|", e.start)
                r.brk(" ")
            block = False
        if block:
            r.brk(sep)
        for c in e.children:
            if isinstance(c, Text):
                for ch, off in zip(c.chars, c.offsets, strict=True):
                    r.emit(ch, off)
            else:
                walk(c)
        if block:
            r.brk(sep)
        elif e.local in ("li.nr", "noot.nr") and r.out:
            r.brk(" ")
        marks.append((e, before, r.pos()))

    walk(main)
    body = "".join(r.out)
    for e, before, after in marks:
        s, end = _span_of(r, before, after)
        if end <= s:
            continue
        label = None
        kind = None
        if e.local in ("vraag", "antwoord"):
            kind = "question" if e.local == "vraag" else "answer"
            n = e.find("nr")
            label = " ".join(n.text().split()) if n is not None else None
        elif e.local == "kamervraagomschrijving":
            kind = "question-description" if e.attr("type") == "vraag" else "answer-description"
        elif e.local == "divisie":
            kind = "section"
            k = next((c for c in e.elements() if c.local == "kop"), None)
            label = " ".join(k.text().split()) if k is not None else None
        elif e.local == "stuk":
            kind = "section"
            t = next((c for c in e.elements() if c.local == "titel"), None)
            label = " ".join(t.text().split()) if t is not None else None
        elif e.local == "dossier":
            kind = "dossier"
            label = " ".join(e.text().split())
        elif e.local == "noot":
            kind = "footnote"
            n = e.find("noot.nr")
            label = " ".join(n.text().split()) if n is not None else None
        elif e.local == "tabel":
            kind = "table"
        elif e.local == "lijst":
            kind = "list"
        elif e.local == "ondertekening":
            kind = "signature"
        elif e.local == "al-groep" and _is_signature_group(e):
            kind = "signature"
        if kind:
            num = _number(label) if kind in ("question", "answer", "footnote") else None
            info.parts.append(Part(kind, e.xpath, s, end, label, num))
        if e.local == "titel" and e.parent is not None and e.parent.local == "dossier":
            info.dossier_title = (" ".join(e.text().split()), s, end)
        if e.local == "titel" and e.parent is not None and e.parent.local == "stuk":
            info.stuk_title = (" ".join(e.text().split()), s, end)
    info.parts.sort(key=lambda p: (p.start, -p.end))
    _signers_xml(info, marks, r)
    _questions(info, body)
    ident_candidates = [
        e.attr("content").rsplit("/", 2)[-2]
        for e in root.findall("meta")
        if e.attr("name") == "OVERHEIDop.externMetadataRecord" and e.attr("content").count("/") >= 2
    ]
    layout = "xml"
    doc = _doc_from(path, text, layout, r, header, info, "")
    doc.doc_id = _identifier(path, [f.value for f in info.metadata.all("identifier")] + ident_candidates)
    return doc


def _number(label: str | None) -> str | None:
    m = re.search(r"\d+", label or "")
    return m.group(0) if m else None


def _is_signature_group(e: Elem) -> bool:
    """An ``al-groep`` of short name lines that closes the text (the signers of a motion or amendment)."""
    als = [a for a in e.elements() if a.local == "al"]
    if not als or len(als) != len(e.elements()):
        return False
    parent = e.parent
    if parent is None or parent.elements()[-1] is not e:
        return False
    return all(0 < len(a.text().split()) <= 5 and not re.search(r"[.,;:]$", a.text().strip()) for a in als)


def _signers_xml(info: OfficialInfo, marks: list[tuple[Elem, int, int]], r: _Renderer) -> None:
    for e, before, _after in marks:
        if e.local == "ondertekening":
            role = None
            for c in e.iter()[1:]:
                if c.local == "functie":
                    role = " ".join(c.text().split()).rstrip(",") or None
                if c.local == "naam" and c.parent is e or c.local == "naam-ondertekening":
                    nm = " ".join(c.text().split())
                    if nm:
                        s, end = _find(r, nm, before)
                        info.signers.append(Person(nm, role, s, end))
        elif e.local == "al-groep" and _is_signature_group(e):
            for a in e.elements():
                nm = " ".join(a.text().split())
                s, end = _find(r, nm, before)
                info.signers.append(Person(nm, None, s, end))


def _find(r: _Renderer, needle: str, start: int) -> tuple[int, int]:
    body = "".join(r.out)
    i = body.find(needle, start)
    return (i, i + len(needle)) if i >= 0 else (start, start)


def _questions(info: OfficialInfo, body: str) -> None:
    """Who asked, who answered and when, from the question and answer descriptions."""
    from kamerkg.extract.dates import parse_date

    m = ASKED_RE.search(body)
    if m:
        names = re.split(r",\s*|\s+en\s+", m.group("names"))
        pos = m.start("names")
        party = re.sub(r"^(?:allen|beiden)\s+", "", m.group("party").strip())
        for nm in names:
            nm = nm.strip()
            i = body.find(nm, pos)
            info.askers.append(
                Person(nm, f"vraagsteller ({party})" if party else "vraagsteller", i, i + len(nm))
            )
            pos = i + len(nm)
        d = parse_date(m.group("date"))
        if d:
            info.asked_date = (d.isoformat(), m.start("date"), m.end("date"))
    m = ANSWER_RE.search(body)
    if m:
        role = f"{m.group('role')[0].upper()}{m.group('role')[1:]} van {' '.join(m.group('post').split())}"
        info.answerers.append(Person(" ".join(m.group("name").split()), role, m.start("name"), m.end("name")))
        d = parse_date(" ".join(m.group("date").split()))
        if d:
            info.answered_date = (d.isoformat(), m.start("date"), m.end("date"))


def _classes(e: Elem) -> set[str]:
    return set(e.attr("class").split())


def _parse_html(path: Path, text: str, root: Elem) -> OfficialDoc:
    head = root.find("head")
    body_el = root.find("body")
    if body_el is None:
        raise SourceError(path, "an XHTML file without a body")
    meta = Metadata()
    if head is not None:
        meta.fields = from_meta_elements(head.findall("meta"), "html-head")
        meta.texts["html-head"] = text
        meta.files["html-head"] = path
    ids = [f.value for f in meta.all("identifier")]
    if not ids and not meta.fields:
        raise SourceError(path, "not an official publication (XHTML without DC/OVERHEIDop metadata)")
    r = _Renderer(HTML_BLOCKS, HTML_LINES, HTML_SKIP, html=True)
    marks: list[tuple[Elem, int, int]] = []

    def walk(e: Elem) -> None:
        if r.is_skipped(e):
            return
        before = r.pos()
        block = e.local in r.blocks
        sep = "\n" if e.local in r.lines else "\n\n"
        if e.local in ("td", "th"):
            if r.out and r.out[-1] != "\n" and r.pending not in ("\n", "\n\n"):
                r.brk(" ")
                r.emit("|", e.start)
                r.brk(" ")
            block = False
        if block:
            r.brk(sep)
        for c in e.children:
            if isinstance(c, Text):
                for ch, off in zip(c.chars, c.offsets, strict=True):
                    r.emit(ch, off)
            else:
                walk(c)
        if block:
            r.brk(sep)
        elif "stuknummer" in _classes(e) or "dossiernummer" in _classes(e):
            r.brk(" ")
        marks.append((e, before, r.pos()))

    walk(body_el)
    body = "".join(r.out)
    info = OfficialInfo(
        edition="html",
        root="kamervragen" if "vraag" in body and ASKED_RE.search(body) else "kamerstuk",
        metadata=meta,
    )
    for e, before, after in marks:
        s, end = _span_of(r, before, after)
        if end <= s:
            continue
        cl = _classes(e)
        kind = None
        label = None
        if "vraag" in cl or "antwoord" in cl:
            kind = "question" if "vraag" in cl else "answer"
            h = next((c for c in e.elements() if c.local in ("h2", "h3", "h4")), None)
            label = " ".join(h.text().split()) if h is not None else None
        elif "kamervraagomschrijving_kop" in cl:
            t = " ".join(e.text().split())
            kind = "question-description" if t.startswith("Vragen") else "answer-description"
        elif "divisie" in cl:
            kind = "section"
            h = next((c for c in e.elements() if c.local.startswith("h")), None)
            label = " ".join(h.text().split()) if h is not None else None
        elif "stuk" in cl:
            kind = "section"
            h = next((c for c in e.elements() if "stuktitel" in _classes(c)), None)
            label = _title_without_number(h) if h is not None else None
        elif "dossiertitel" in cl:
            kind = "dossier"
            label = " ".join(e.text().split())
            title = _title_without_number(e)
            if title:
                i = body.find(title, s)
                info.dossier_title = (title, i, i + len(title))
        elif "noot" in cl or "voetnoot" in cl:
            kind = "footnote"
        elif e.local == "table":
            kind = "table"
        elif e.local in ("ul", "ol", "dl"):
            kind = "list"
        elif "ondertekening" in cl or ("alineagroep" in cl and _is_signature_div(e)):
            kind = "signature"
            for p in e.elements():
                nm = " ".join(p.text().split())
                if nm:
                    i = body.find(nm, s)
                    info.signers.append(Person(nm, None, i, i + len(nm)))
        if "stuktitel" in cl and e.parent is not None and "stuk" in _classes(e.parent):
            t = _title_without_number(e)
            if t:
                i = body.find(t, s)
                info.stuk_title = (t, i, i + len(t))
        if kind:
            num = _number(label) if kind in ("question", "answer", "footnote") else None
            info.parts.append(Part(kind, e.xpath, s, end, label, num))
    info.parts.sort(key=lambda p: (p.start, -p.end))
    _questions(info, body)
    doc = _doc_from(path, text, "html", r, [], info, "")
    doc.doc_id = _identifier(path, [f.value for f in info.metadata.all("identifier")])
    return doc


def _title_without_number(e: Elem) -> str | None:
    parts = []
    for c in e.children:
        if isinstance(c, Text):
            parts.append(c.chars)
        elif not ({"dossiernummer", "stuknummer"} & _classes(c)):
            parts.append(c.text())
    t = " ".join("".join(parts).split())
    return t or None


def _is_signature_div(e: Elem) -> bool:
    ps = e.elements()
    parent = e.parent
    if not ps or any(p.local != "p" for p in ps) or parent is None:
        return False
    if [c for c in parent.elements()][-1] is not e:
        return False
    return all(0 < len(p.text().split()) <= 5 and not re.search(r"[.,;:]$", p.text().strip()) for p in ps)


def _parse_metadata_only(path: Path) -> OfficialDoc:
    """A publication known only by its metadata (a bijlage published as PDF): its title is its text."""
    text = read_text(path)
    md = find_metadata(path)
    own = md.files.get(path.name)
    if own is None or own.resolve() != path.resolve():
        md.extend(read_metadata_file(path))
    ident = next(
        (f.value for f in md.all("identifier") if re.fullmatch(r"[a-z]+(?:-[0-9A-Za-z]+)+", f.value)), None
    )
    if ident is None:
        raise SourceError(path, "metadata without a document identifier (DC.identifier)")
    title = next((f for f in md.all("title") if f.source == path.name), None)
    if title is None:
        raise SourceError(path, "metadata without a title; nothing to build the document from")
    raw = text[title.span.start : title.span.end]
    if raw == title.value:
        body, offs = raw, list(range(title.span.start, title.span.end))
    else:  # entities or white space in the attribute: offsets at the value's start
        body, offs = title.value, [title.span.start] * len(title.value)
    kind = md.first("type", "OVERHEIDop.Parlementair")
    info = OfficialInfo(edition="metadata", root=(kind.value.lower() if kind else "publicatie"), metadata=md)
    return OfficialDoc(
        path=path, doc_id=ident, text=text, layout="xml", body=body, offsets=offs, official=info
    )
