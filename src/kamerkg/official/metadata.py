"""Metadata of an official publication: ``metadata.xml``, ``metadata_owms.xml`` and the XHTML ``<head>``.

Each value is kept with the file it was read from and the span of the value in that file's text, so
the graph can say where it came from. Field names are normalised to the local name in lower case
(``OVERHEIDop.dossiernummer``, ``overheidop:dossiernummer`` -> ``dossiernummer``; ``DCTERMS.issued``,
``dcterms:issued`` -> ``issued``; the published ``<dcterms.modified>`` (with a dot) -> ``modified``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kamerkg.errors import SourceError
from kamerkg.model import Span
from kamerkg.official.xmlscan import Elem, ScanError, scan

# where the metadata lies relative to the publication, in the repository layout and in a fetched folder
METADATA_FILES = {
    "metadata.xml": ("../metadata/metadata.xml", "metadata.xml"),
    "metadata_owms.xml": ("../metadataowms/metadata_owms.xml", "metadata_owms.xml"),
}


@dataclass(frozen=True)
class MetaField:
    name: str  # normalised (see module doc)
    value: str
    scheme: str
    source: str  # "metadata.xml" | "metadata_owms.xml" | "html-head"
    span: Span  # of the value in the source file's text


@dataclass
class Metadata:
    fields: list[MetaField] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # source name -> path
    texts: dict[str, str] = field(default_factory=dict)  # source name -> file text

    def all(self, name: str, source: str | None = None) -> list[MetaField]:
        return [
            f for f in self.fields if f.name == name and (source is None or f.source == source) and f.value
        ]

    def values(self, name: str) -> list[str]:
        out: list[str] = []
        for f in self.all(name):
            if f.value not in out:
                out.append(f.value)
        return out

    def first(self, name: str, scheme: str | None = None) -> MetaField | None:
        for f in self.all(name):
            if scheme is None or f.scheme == scheme:
                return f
        return None

    def extend(self, other: Metadata) -> None:
        self.fields.extend(other.fields)
        self.files.update(other.files)
        self.texts.update(other.texts)

    def __bool__(self) -> bool:
        return bool(self.fields)


def norm_name(name: str) -> str:
    local = name.replace(":", ".").rpartition(".")[2]
    return local.lower()


def _collapse(s: str) -> str:
    return " ".join(s.split())


def from_meta_elements(elems: list[Elem], source: str) -> list[MetaField]:
    """``<metadata name scheme content/>`` (metadata.xml) or ``<meta name content/>`` (XHTML head)."""
    out = []
    for e in elems:
        name = e.attr("name")
        c = e.attrs.get("content")
        if not name or c is None or name.startswith("OVERHEIDop.externMetadataRecord"):
            continue
        out.append(MetaField(norm_name(name), _collapse(c.value), e.attr("scheme"), source, c.span))
    return out


def from_owms(root: Elem, source: str) -> list[MetaField]:
    out = []
    for e in root.iter()[1:]:
        if e.elements():
            continue
        text, offs = e.text_with_offsets()
        value = _collapse(text)
        if not value:
            continue
        lead = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        out.append(
            MetaField(norm_name(e.tag), value, e.attr("scheme"), source, Span(offs[lead], offs[end - 1] + 1))
        )
    return out


def read_metadata_file(path: Path) -> Metadata:
    """Read one ``metadata.xml`` or ``metadata_owms.xml``; raise :class:`SourceError` if it is broken."""
    from lxml import etree

    data = path.read_bytes()
    try:
        etree.fromstring(data)
        text = data.decode("utf-8-sig")
        root = scan(text)
    except (etree.XMLSyntaxError, ScanError, UnicodeDecodeError) as e:
        raise SourceError(path, f"broken metadata XML ({str(e).splitlines()[0]})") from None
    md = Metadata()
    if root.local == "metadata_gegevens":
        md.fields = from_meta_elements(root.findall("metadata"), "metadata.xml")
        name = "metadata.xml"
    elif root.local == "owms-metadata":
        md.fields = from_owms(root, "metadata_owms.xml")
        name = "metadata_owms.xml"
    else:
        raise SourceError(path, f"not an official metadata file (root element <{root.tag}>)")
    # a field's source is the file's role; keep the path and text for evidence
    md.fields = [MetaField(f.name, f.value, f.scheme, name, f.span) for f in md.fields]
    md.files[name] = path
    md.texts[name] = text
    return md


def find_metadata(doc_path: Path) -> Metadata:
    """The metadata files beside a publication (repository layout or a fetched folder), if any."""
    md = Metadata()
    for _name, candidates in METADATA_FILES.items():
        for rel in candidates:
            p = (doc_path.parent / rel).resolve()
            if p.is_file():
                md.extend(read_metadata_file(p))
                break
    return md


def is_metadata_file(path: Path) -> bool:
    return path.name in METADATA_FILES
