"""A small XML scanner that keeps character offsets into the file's text.

lxml checks well-formedness and gives each element its XPath, but it does not say where in the file a
character of text came from. This scanner walks the same text and yields an element tree whose text
pieces carry, per decoded character, its offset in the original text (``&amp;`` decodes to one ``&``
at the offset of its ``&``), and whose attributes carry the span of their value. Elements are
produced in document order, the same order as ``lxml``'s ``root.iter(tag=etree.Element)``, so the
two trees are zipped to give every scanned element its XPath.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kamerkg.model import Span

ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
MARKUP_RE = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(?P<cdata>.*?)\]\]>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|</(?P<close>[^\s>]+)\s*>|<(?P<open>[^\s/>!?]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>",
    re.DOTALL,
)
ATTR_RE = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")


@dataclass
class Text:
    """Character data: decoded characters and the offset in the file of each."""

    chars: str
    offsets: list[int]


@dataclass
class Attr:
    value: str
    span: Span  # the value between the quotes, in the file's text (entities not decoded in the span)


@dataclass
class Elem:
    tag: str  # as written, prefix included ("dcterms:identifier")
    attrs: dict[str, Attr]
    start: int
    end: int = 0
    children: list[Elem | Text] = field(default_factory=list)
    parent: Elem | None = None
    xpath: str = ""

    @property
    def local(self) -> str:
        return self.tag.rpartition(":")[2]

    def attr(self, name: str, default: str = "") -> str:
        a = self.attrs.get(name)
        return a.value if a else default

    def elements(self) -> list[Elem]:
        return [c for c in self.children if isinstance(c, Elem)]

    def iter(self) -> list[Elem]:
        out = [self]
        for c in self.children:
            if isinstance(c, Elem):
                out.extend(c.iter())
        return out

    def text(self) -> str:
        """All character data below this element, decoded, as one string."""
        parts: list[str] = []
        for c in self.children:
            parts.append(c.chars if isinstance(c, Text) else c.text())
        return "".join(parts)

    def text_with_offsets(self) -> tuple[str, list[int]]:
        chars: list[str] = []
        offs: list[int] = []
        for c in self.children:
            if isinstance(c, Text):
                chars.append(c.chars)
                offs.extend(c.offsets)
            else:
                t, o = c.text_with_offsets()
                chars.append(t)
                offs.extend(o)
        return "".join(chars), offs

    def find(self, local: str) -> Elem | None:
        for e in self.iter()[1:]:
            if e.local == local:
                return e
        return None

    def findall(self, local: str) -> list[Elem]:
        return [e for e in self.iter()[1:] if e.local == local]


class ScanError(ValueError):
    pass


def _decode(raw: str, base: int) -> Text:
    chars: list[str] = []
    offs: list[int] = []
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "&":
            m = ENTITY_RE.match(raw, i)
            if not m:
                raise ScanError(f"stray '&' at offset {base + i}")
            name = m.group(1)
            if name.startswith("#x"):
                ch = chr(int(name[2:], 16))
            elif name.startswith("#"):
                ch = chr(int(name[1:]))
            elif name in ENTITIES:
                ch = ENTITIES[name]
            else:
                raise ScanError(f"undefined entity &{name}; at offset {base + i}")
            chars.append(ch)
            offs.append(base + i)
            i = m.end()
            continue
        if c == "\r":
            # XML end-of-line handling: CR LF and lone CR become LF
            chars.append("\n")
            offs.append(base + i)
            i += 2 if raw.startswith("\r\n", i) else 1
            continue
        chars.append(c)
        offs.append(base + i)
        i += 1
    return Text("".join(chars), offs)


def scan(text: str) -> Elem:
    """The root element of ``text``; raises :class:`ScanError` when the markup cannot be followed."""
    root: Elem | None = None
    stack: list[Elem] = []
    pos = 0
    for m in MARKUP_RE.finditer(text):
        if m.start() > pos and stack:
            stack[-1].children.append(_decode(text[pos : m.start()], pos))
        elif m.start() > pos and text[pos : m.start()].strip():
            raise ScanError(f"text outside the root element at offset {pos}")
        pos = m.end()
        if m.group("cdata") is not None:
            if stack:
                s = m.start("cdata")
                stack[-1].children.append(Text(m.group("cdata"), list(range(s, m.end("cdata")))))
            continue
        if m.group("close"):
            if not stack or stack[-1].tag != m.group("close"):
                raise ScanError(f"unexpected </{m.group('close')}> at offset {m.start()}")
            stack[-1].end = m.end()
            stack.pop()
            continue
        if m.group("open"):
            attrs: dict[str, Attr] = {}
            base = m.start("attrs")
            for am in ATTR_RE.finditer(m.group("attrs")):
                g = 2 if am.group(2) is not None else 3
                raw = am.group(g)
                s = base + am.start(g)
                attrs[am.group(1)] = Attr(_decode(raw, s).chars, Span(s, s + len(raw)))
            el = Elem(m.group("open"), attrs, m.start(), parent=stack[-1] if stack else None)
            if stack:
                stack[-1].children.append(el)
            elif root is None:
                root = el
            else:
                raise ScanError(f"second root element <{el.tag}> at offset {m.start()}")
            if m.group("empty"):
                el.end = m.end()
            else:
                stack.append(el)
    if stack:
        raise ScanError(f"<{stack[-1].tag}> at offset {stack[-1].start} is never closed")
    if root is None:
        raise ScanError("no root element")
    return root
