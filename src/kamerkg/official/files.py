"""Which files of a folder are publications: the repository layout holds, per publication, its XML and
XHTML editions and its metadata files; a build reads one edition (XML first) and the metadata beside it."""

from __future__ import annotations

from pathlib import Path

from kamerkg.official.metadata import is_metadata_file

EDITION_ORDER = {".xml": 0, ".html": 1, ".xhtml": 1, ".htm": 1}


def _edition_key(p: Path) -> tuple[Path, str] | None:
    """(expression folder, identifier) for an edition file, else None."""
    if p.suffix.lower() not in EDITION_ORDER:
        return None
    # repository layout <id>/1/xml/<id>.xml, a fetched folder <id>/<id>.xml, or a plain folder
    folder = p.parent.parent if p.parent.name in ("xml", "html") else p.parent
    return folder, p.stem


def expression_folder(p: Path) -> Path:
    """The folder of one publication's files: ``<id>/1`` in the repository layout, else the file's folder."""
    return p.parent.parent if p.parent.name in ("xml", "html", "metadata", "metadataowms") else p.parent


def edition_beside(p: Path) -> Path | None:
    """The XML or XHTML edition in the same publication folder as a metadata file, if any."""
    folder = expression_folder(p)
    for d in (folder / "xml", folder / "html", folder):
        if d.is_dir():
            for q in sorted(d.iterdir()):
                if q.is_file() and q.suffix.lower() in EDITION_ORDER and not is_metadata_file(q):
                    return q
    return None


def select_sources(files: list[Path]) -> list[Path]:
    """Leave out metadata files and the second edition of a publication that also has its XML edition.

    A publication known only by its metadata (a bijlage, whose edition is a PDF) is read from its
    ``metadata.xml`` (or, failing that, its ``metadata_owms.xml``)."""
    best: dict[tuple[Path, str], Path] = {}
    out: list[Path] = []
    meta_only: dict[Path, Path] = {}
    for p in files:
        if p.name == "fetch.json":
            continue
        if is_metadata_file(p):
            if edition_beside(p) is None:
                folder = expression_folder(p)
                if folder not in meta_only or p.name == "metadata.xml":
                    meta_only[folder] = p
            continue
        key = _edition_key(p)
        if key is None:
            out.append(p)
            continue
        cur = best.get(key)
        if cur is None or EDITION_ORDER[p.suffix.lower()] < EDITION_ORDER[cur.suffix.lower()]:
            best[key] = p
    return sorted(out + list(best.values()) + list(meta_only.values()))


def dependencies(path: Path) -> list[Path]:
    """The files besides ``path`` that its build result depends on (metadata files, ``fetch.json``).

    A build cache keyed on the source's bytes must add these: a changed ``metadata.xml`` changes the graph
    of the XML edition beside it."""
    if path.suffix.lower() not in EDITION_ORDER:
        return []
    from kamerkg.official.metadata import METADATA_FILES

    out: list[Path] = []
    for candidates in METADATA_FILES.values():
        for rel in candidates:
            p = (path.parent / rel).resolve()
            if p.is_file() and p != path.resolve():
                out.append(p)
                break
    rec = path.parent / "fetch.json"
    if rec.is_file():
        out.append(rec)
    return out
