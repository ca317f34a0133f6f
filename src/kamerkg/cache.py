"""The build cache: one entry per source document, keyed by content hashes.

An entry holds everything the build needs from a document: its identifier, its validation results,
its graph as sorted N-Quads, its TriG block, its N-Triples lines split into its own triples and the
shared ones (see :mod:`kamerkg.dumps`), the Turtle of its own triples and its text; its fact sheet is a
file of its own beside the entry, which publishing hard-links into ``dist/facts/``.
The key is the SHA-256 of the source bytes and file name together with a *fingerprint* of everything
the result depends on: the kamerkg code (``src/kamerkg/**.py``), the ontology and shapes, the registers, the
curated statements, the fact-sheet queries, the base IRI and the versions of Python and the RDF
libraries. Change a source and only its entry is rebuilt; change code or resources and all are.

The cache lives next to the output folder (``.kamerkg-cache/`` beside ``dist/``; git-ignored). It is
safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from kamerkg.config import Settings

SECTIONS = ("nq", "trig", "local", "shared", "ttl", "text")
CACHE_DIR = ".kamerkg-cache"
FORMAT = "3"


def fingerprint(s: Settings) -> str:
    """Hash of the code, resources and library versions a document's build result depends on."""
    h = hashlib.sha256()
    h.update(f"format={FORMAT}\nbase={s.base}\npython={sys.version}\n".encode())
    for lib in ("rdflib", "pyshacl", "pyoxigraph"):
        try:
            h.update(f"{lib}={metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            pass
    code = Path(__file__).resolve().parent
    groups = [
        ("code", code, "**/*.py"),
        ("ontology", s.ontology_dir, "*.ttl"),
        ("reference", s.reference_dir, "**/*"),
        ("curated", s.curated_dir, "**/*"),
        ("facts", s.queries_dir / "facts", "*.rq"),
    ]
    for name, root, pattern in groups:
        if not root.exists():
            continue
        for p in sorted(q for q in root.glob(pattern) if q.is_file() and "__pycache__" not in q.parts):
            h.update(f"{name}/{p.relative_to(root).as_posix()}\n".encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def doc_key(fp: str, path: Path, data: bytes) -> str:
    """The cache key of one source: the code/resource fingerprint, its name and bytes, and the bytes of the
    files beside it that its graph depends on (metadata.xml of an official edition)."""
    from kamerkg.official.files import dependencies

    h = hashlib.sha256()
    h.update(fp.encode())
    h.update(b"\0" + path.name.encode() + b"\0")
    h.update(data)
    for dep in dependencies(path):
        h.update(b"\0" + dep.name.encode() + b"\0")
        try:
            h.update(dep.read_bytes())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


@dataclass
class Entry:
    """The metadata of a cached document (the sections stay on disk until publishing reads them)."""

    key: str
    path: str
    doc_id: str | None
    error: str | None = None
    results: list[list[str | None]] = field(default_factory=list)
    quads: int = 0
    own: int = 0  # triples whose subject is the document or a node under it (kamerkg.dumps)
    sha: str = ""  # the graph's hash for the change feed (kamerkg.changes.graph_hashes)
    facts_sha: str = ""  # SHA-256 and size of the fact sheet file
    facts_len: int = 0
    lens: list[int] = field(default_factory=list)
    offset: int = 0  # where the sections start in the file

    def meta(self) -> dict[str, object]:
        return {"key": self.key, "path": self.path, "doc_id": self.doc_id, "error": self.error,
                "results": self.results, "quads": self.quads, "own": self.own, "sha": self.sha,
                "facts_sha": self.facts_sha, "facts_len": self.facts_len, "lens": self.lens}


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._dirs: set[str] = set()  # subfolders made by this process (a mkdir per entry cost 0.2 ms)

    def _dir(self, key: str) -> None:
        if key[:2] not in self._dirs:
            (self.root / key[:2]).mkdir(parents=True, exist_ok=True)
            self._dirs.add(key[:2])

    def file(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.kkg"

    def facts_file(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.facts.json"

    def get(self, key: str) -> Entry | None:
        p = self.file(key)
        try:
            with open(p, "rb") as f:
                head = f.readline()
                meta = json.loads(head)
        except (OSError, ValueError):
            return None
        if meta.get("key") != key:
            return None
        if meta.get("doc_id") and meta.get("error") is None and not self.facts_file(key).is_file():
            return None  # its fact sheet was removed: build it again
        e = Entry(**meta)
        e.offset = len(head)
        return e

    def put(self, e: Entry, sections: dict[str, bytes]) -> Entry:
        """Write an entry: ``sections`` (:data:`SECTIONS`) and, under ``"facts"``, the fact sheet."""
        try:
            return self._put(e, sections)
        except FileNotFoundError:  # the cache folder was deleted meanwhile ("safe to delete at any time")
            self._dirs.clear()
            self.root.mkdir(parents=True, exist_ok=True)
            return self._put(e, sections)

    def _put(self, e: Entry, sections: dict[str, bytes]) -> Entry:
        facts = sections.get("facts")
        if facts is not None and e.doc_id:
            fp = self.facts_file(e.key)
            self._dir(e.key)
            ftmp = fp.with_name(f".{fp.name}.tmp{os.getpid()}")
            ftmp.unlink(missing_ok=True)  # a read-only leftover of a killed build
            ftmp.write_bytes(facts)
            # read-only: dist/facts/ hard-links it, so an edit there would also change the cache's copy
            os.chmod(ftmp, 0o444)
            os.replace(ftmp, fp)  # before the entry: an entry on disk has its fact sheet
            e.facts_sha, e.facts_len = hashlib.sha256(facts).hexdigest(), len(facts)
        e.lens = [len(sections.get(k, b"")) for k in SECTIONS]
        head = (json.dumps(e.meta(), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        p = self.file(e.key)
        self._dir(e.key)
        tmp = p.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as f:
            f.write(head)
            for k in SECTIONS:
                f.write(sections.get(k, b""))
        os.replace(tmp, p)
        e.offset = len(head)
        return e

    def read(self, e: Entry, section: str) -> bytes:
        i = SECTIONS.index(section)
        start = e.offset + sum(e.lens[:i])
        with open(self.file(e.key), "rb") as f:
            f.seek(start)
            return f.read(e.lens[i])
