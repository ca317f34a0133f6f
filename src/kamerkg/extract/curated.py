"""Curated statements (``data/curated/<doc-id>.toml``): what rules cannot yet read, written by an editor.

Each statement quotes its evidence verbatim from the source; the quote is looked up in the document's
normalised body (white space folded, line-end hyphenation joined) and its span becomes the statement's
evidence. A quote that is not in the text fails the build with :class:`CurationError`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kamerkg.errors import CurationError
from kamerkg.model import Curated, Evidence, SourceDoc

KINDS = ("taskforce", "position")


def find_quote(doc: SourceDoc, quote: str) -> tuple[int, int] | None:
    """Body offsets of ``quote``, comparing with white space folded."""
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, doc.body)
    return (m.start(), m.end()) if m else None


def curated_file(curated_dir: Path, doc_id: str) -> Path:
    return curated_dir / f"{doc_id}.toml"


def load_curated(doc: SourceDoc, curated_dir: Path) -> list[Curated]:
    path = curated_file(curated_dir, doc.doc_id)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise CurationError(f"{path}: not valid TOML: {e}") from None
    curator = str(data.get("curator", "editors"))
    out = []
    for kind in KINDS:
        for i, st in enumerate(data.get(kind, []), 1):
            quote = st.get("quote")
            if not quote:
                raise CurationError(f"{path}: {kind} #{i} has no quote")
            found = find_quote(doc, quote)
            if found is None and doc.truncated:
                # a partial copy may end before the quoted passage: the statement is left out, not an error
                doc.warnings.append(
                    f"{path}: {kind} #{i} left out: its quote lies beyond the partial copy {doc.path}"
                )
                continue
            if found is None:
                raise CurationError(f"{path}: {kind} #{i}: quote not found in {doc.path}: {quote[:60]!r}")
            fields = {k: v for k, v in st.items() if k != "quote"}
            out.append(Curated(kind, fields, Evidence(doc.span(*found), f"curator:{curator}")))
    return out
