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


def select_sources(files: list[Path]) -> list[Path]:
    """Leave out metadata files and the second edition of a publication that also has its XML edition."""
    best: dict[tuple[Path, str], Path] = {}
    out: list[Path] = []
    for p in files:
        if is_metadata_file(p) or p.name == "fetch.json":
            continue
        key = _edition_key(p)
        if key is None:
            out.append(p)
            continue
        cur = best.get(key)
        if cur is None or EDITION_ORDER[p.suffix.lower()] < EDITION_ORDER[cur.suffix.lower()]:
            best[key] = p
    return sorted(out + list(best.values()))
