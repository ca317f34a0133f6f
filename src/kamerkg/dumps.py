"""The dataset-level dumps: ``kamerkg.nq``, ``kamerkg.trig``, ``kamerkg.nt`` and ``kamerkg.ttl``.

They are assembled from the documents' cache entries (:mod:`kamerkg.cache`) and, when the previous
publication is known, spliced from it: the bytes of an unchanged document are copied from the previous
dump, not read from the cache and written again, so a build that changes one document of 10,000 costs
seconds (issue 6). The layout is the same for a clean and an incremental build, so both give the same
bytes (``tests/test_incremental.py``):

* ``kamerkg.nq``: the graphs in order of graph IRI (the reference graph is one of them), each graph's
  quads sorted.
* ``kamerkg.trig``: the prefix lines, then the graphs' blocks in the same order.
* ``kamerkg.nt``: the union of the graphs, every triple once. First the *shared* triples, sorted: the
  reference graph's and what documents state about things that are not their own (persons,
  organisations, meetings, documents they cite); then each document's *own* triples (whose subject is
  the document or a node under its IRI), sorted, in graph order. What one document states about another
  document of the build that the other states itself is written once, in the other's block.
* ``kamerkg.ttl``: the prefix lines, the shared triples, then the documents' own triples.

What the next build needs to splice (the blocks' lengths and cache keys, the shared triples with the
number of graphs stating each) is kept in the build cache, tied to the manifest it was written with: a
publication changed by anything else is rebuilt from the cache entries.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import queue
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

FORMATS = ("nq", "trig", "nt", "ttl")
SECTION = {"nq": "nq", "trig": "trig", "nt": "local", "ttl": "ttl"}  # a part's block: its cache section
STATE_VERSION = 1
_BUF = 1 << 22


@dataclass(frozen=True)
class Part:
    """One graph's blocks: ``lens`` are their bytes in nq, trig, nt and ttl; ``own`` its own triples."""

    graph: str
    doc_id: str | None  # None: the reference graph
    key: str  # the cache entry's key (the reference graph: the hash of its quads)
    lens: tuple[int, int, int, int]
    own: int = 0


@dataclass
class State:
    """What a publication's dumps are made of, for the next build to splice."""

    fp: str
    parts: list[Part]
    heads: tuple[int, int, int, int]  # bytes before the first block in each file
    shared: Counter[bytes] = field(default_factory=Counter)  # shared triple -> graphs stating it
    foreign: dict[str, set[bytes]] = field(default_factory=dict)  # doc id -> shared triples about it
    covered: dict[str, set[bytes]] = field(default_factory=dict)  # doc id -> those it states itself
    manifest_sha: str = ""
    stamps: tuple[tuple[int, int, int], ...] = ()  # (inode, mtime ns, size) of the four dumps


class MissingBlock(LookupError):
    """A block the dumps need is no longer in the build cache (the caller writes everything anew)."""


@dataclass
class Written:
    sizes: dict[str, int]
    hashes: dict[str, str]
    triples: int
    state: State
    seconds: dict[str, float] = field(default_factory=dict)  # where the time went


def doc_prefix(ids: str) -> bytes:
    return f"<{ids}doc/".encode()


def subject_doc(line: bytes, prefix: bytes) -> str | None:
    """The document whose IRI (or a node under it) is the subject of an N-Triples line, if any."""
    if not line.startswith(prefix):
        return None
    rest = line[len(prefix) : line.index(b" ")]
    end = len(rest)
    for sep in (b"/", b"#", b">"):
        i = rest.find(sep)
        if i != -1 and i < end:
            end = i
    return rest[:end].decode()


def is_own(line: str, own: str) -> bool:
    """Whether an N-Triples line's subject is ``own`` (``<…/doc/ID``) or a node under it."""
    return line.startswith(own) and line[len(own)] in ">/#"


def state_path(cache_root: Path, out: Path) -> Path:
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return cache_root / f"dumps-{name}.pickle"


def load_state(path: Path, fp: str, out: Path) -> State | None:
    """The state of the publication in ``out``, if it is the one the state describes."""
    try:
        with open(path, "rb") as f:
            version, st = pickle.load(f)  # noqa: S301 - our own cache file, beside the cache entries
        manifest = (out / "manifest.json").read_bytes()
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
        return None
    if version != STATE_VERSION or not isinstance(st, State) or st.fp != fp:
        return None
    if hashlib.sha256(manifest).hexdigest() != st.manifest_sha:
        return None
    if stamps(out) != st.stamps:  # a dump replaced or edited in place since it was written
        return None
    return st


def stamps(folder: Path) -> tuple[tuple[int, int, int], ...]:
    """Inode, modification time and size of the four dumps in ``folder``."""
    out = []
    for name in FORMATS:
        try:
            s = (folder / f"kamerkg.{name}").stat()
        except OSError:
            return ()
        out.append((s.st_ino, s.st_mtime_ns, s.st_size))
    return tuple(out)


def save_state(path: Path, st: State) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "wb") as f:
        pickle.dump((STATE_VERSION, st), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def write_dumps(
    staging: Path,
    out: Path,
    parts: list[Part],
    blocks: Callable[[Part, tuple[str, ...]], dict[str, bytes | memoryview]],
    header: bytes,
    prefixes: dict[str, str],
    fp: str,
    ids: str,
    old: State | None,
) -> Written:
    """Write the four dumps into ``staging``. ``parts`` in graph order; ``blocks(part, names)`` gives a
    part's sections (``nq``, ``trig``, ``local``, ``ttl``, ``shared``: :data:`kamerkg.cache.SECTIONS`) and
    raises :class:`MissingBlock` when it has none; ``old`` is the state of the publication in ``out``
    (None: write everything anew). The returned state is ``old`` brought up to date."""
    t_start = time.perf_counter()
    seconds: dict[str, float] = {}
    prefix = doc_prefix(ids)
    built = {p.doc_id for p in parts if p.doc_id is not None}
    if old is not None:
        old_parts, old_heads = old.parts, old.heads
        st = old
        st.parts, st.manifest_sha = parts, ""
        keep = {(p.graph, p.key) for p in parts}
        gone = [p for p in old_parts if (p.graph, p.key) not in keep]
        was = {(p.graph, p.key) for p in old_parts}
        new = [p for p in parts if (p.graph, p.key) not in was]
    else:
        st = State(fp, parts, (0, 0, 0, 0))
        gone, new = [], list(parts)
    dirty: set[str] = set()
    for p in gone:
        _count(st, bytes(blocks(p, ("shared",))["shared"]), -1, prefix, dirty)
        if p.doc_id is not None:
            dirty.add(p.doc_id)
    for p in new:
        _count(st, bytes(blocks(p, ("shared",))["shared"]), 1, prefix, dirty)
        if p.doc_id is not None:
            dirty.add(p.doc_id)
    by_doc = {p.doc_id: p for p in parts if p.doc_id is not None}
    for d in sorted(dirty):
        about = st.foreign.get(d)
        if d in built and about:
            own = set(bytes(blocks(by_doc[d], ("local",))["local"]).splitlines(keepends=True))
            hit = about & own
            if hit:
                st.covered[d] = hit
                continue
        st.covered.pop(d, None)
    hidden: set[bytes] = set().union(*st.covered.values()) if st.covered else set()
    shared_lines = sorted(ln for ln in st.shared if ln not in hidden)
    shared_nt = b"".join(shared_lines)
    shared_ttl = b""
    if shared_lines:
        ttl = ox.serialize(ox.parse(shared_nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                           prefixes=prefixes) or b""
        shared_ttl = strip_prefixes(ttl)
    seconds["shared"] = time.perf_counter() - t_start
    heads = {"nq": b"", "trig": header, "nt": shared_nt, "ttl": header + shared_ttl}
    st.heads = tuple(len(heads[f]) for f in FORMATS)  # type: ignore[assignment]

    old_at: dict[tuple[str, str], list[int]] = {}
    if old is not None:
        pos = list(old_heads)
        for p in old_parts:
            old_at[(p.graph, p.key)] = list(pos)
            pos = [a + b for a, b in zip(pos, p.lens, strict=True)]

    # one reader (this thread) reads each new part's sections in one go and hands them to a writer
    # thread per dump, which writes and hashes (hashlib and the writes release the GIL)
    Item = bytes | memoryview | tuple[int, int] | None
    queues: list[queue.Queue[Item]] = [queue.Queue(maxsize=256) for _ in FORMATS]

    def writer(i: int, fmt: str) -> tuple[int, str]:
        t0 = time.perf_counter()
        q = queues[i]
        ended = False  # the reader's None taken from the queue
        previous = out / f"kamerkg.{fmt}" if old is not None else None
        try:
            with _Target(staging / f"kamerkg.{fmt}", previous) as dst:
                while (item := q.get()) is not None:
                    if isinstance(item, tuple):
                        dst.copy(*item)
                    else:
                        dst.put(item)
                ended = True
            return dst.pos, dst.h.hexdigest()
        finally:
            while not ended:  # failed: drain, so that the reader never waits on a dead writer
                ended = q.get() is None
            seconds[f"write_{fmt}"] = time.perf_counter() - t0

    names = tuple(SECTION[f] for f in FORMATS)
    with ThreadPoolExecutor(max_workers=len(FORMATS)) as pool:
        futures = [pool.submit(writer, i, f) for i, f in enumerate(FORMATS)]
        try:
            for i, f in enumerate(FORMATS):
                queues[i].put(heads[f])
            runs: list[list[int] | None] = [None] * len(FORMATS)  # unchanged blocks: [offset, length]
            for p in parts:
                at = old_at.get((p.graph, p.key))
                if at is not None:
                    for i in range(len(FORMATS)):
                        r = runs[i]
                        if r is not None and r[0] + r[1] == at[i]:
                            r[1] += p.lens[i]
                        else:
                            if r is not None:
                                queues[i].put((r[0], r[1]))
                            runs[i] = [at[i], p.lens[i]]
                    continue
                data = blocks(p, names)
                for i, f in enumerate(FORMATS):
                    r = runs[i]
                    if r is not None:
                        queues[i].put((r[0], r[1]))
                        runs[i] = None
                    queues[i].put(data[SECTION[f]])
            for i in range(len(FORMATS)):
                r = runs[i]
                if r is not None:
                    queues[i].put((r[0], r[1]))
        finally:
            for q in queues:
                q.put(None)
        done = [f.result() for f in futures]
    sizes = {f"kamerkg.{f}": done[i][0] for i, f in enumerate(FORMATS)}
    hashes = {f"kamerkg.{f}": done[i][1] for i, f in enumerate(FORMATS)}
    triples = len(shared_lines) + sum(p.own for p in parts)
    return Written(sizes, hashes, triples, st, seconds)


def _count(st: State, data: bytes, k: int, prefix: bytes, dirty: set[str]) -> None:
    """Add (``k`` = 1) or take away (-1) one graph's shared lines."""
    for ln in data.splitlines(keepends=True):
        c = st.shared[ln] + k
        d = subject_doc(ln, prefix)
        if c > 0:
            st.shared[ln] = c
            if d is not None and c == k:  # a new line about a document
                st.foreign.setdefault(d, set()).add(ln)
                dirty.add(d)
        else:
            st.shared.pop(ln, None)
            if d is not None:
                about = st.foreign.get(d)
                if about is not None:
                    about.discard(ln)
                    if not about:
                        del st.foreign[d]
                dirty.add(d)


class _Target:
    """A dump being written, with its SHA-256 kept on the way. Unchanged runs of blocks are copied from
    the previous dump inside the kernel (``copy_file_range``) and hashed from a memory map of it: a
    Python read/write copy of 1.2 GB took 1.9 s here, ``copy_file_range`` 0.3 s."""

    def __init__(self, path: Path, previous: Path | None) -> None:
        self.path, self.previous = path, previous
        self.h = hashlib.sha256()
        self.pos = 0

    def __enter__(self) -> _Target:
        import mmap

        self.src = -1
        self.map: mmap.mmap | None = None
        self.view: memoryview | None = None
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            if self.previous is not None:
                self.src = os.open(self.previous, os.O_RDONLY)
                size = os.fstat(self.src).st_size
                if size:
                    self.map = mmap.mmap(self.src, size, access=mmap.ACCESS_READ)
                    self.view = memoryview(self.map)
        except BaseException:
            self.__exit__()
            raise
        return self

    def put(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        done = 0
        while done < len(data):
            done += os.pwrite(self.fd, view[done:], self.pos + done)
        self.h.update(data)
        self.pos += len(data)

    def copy(self, offset: int, length: int) -> None:
        if self.view is None or offset + length > len(self.view):
            raise OSError(f"{self.previous}: shorter than its layout says")
        done = 0
        try:
            while done < length:
                n = os.copy_file_range(self.src, self.fd, length - done, offset + done, self.pos + done)
                if n == 0:
                    break  # not copied in the kernel: the rest is written below
                done += n
        except (AttributeError, OSError):  # no copy_file_range here (or not across these files)
            pass
        with self.view[offset : offset + length] as chunk:  # released before the map is closed
            while done < length:
                done += os.pwrite(self.fd, chunk[done:], self.pos + done)
            self.h.update(chunk)
        self.pos += length

    def __exit__(self, *exc: object) -> None:
        try:
            if self.view is not None:
                self.view.release()
                self.view = None
            if self.map is not None:
                self.map.close()
                self.map = None
        finally:
            if self.src != -1:
                os.close(self.src)
                self.src = -1
            os.close(self.fd)


def strip_prefixes(ttl: bytes) -> bytes:
    """Turtle/TriG text without its leading ``@prefix`` lines."""
    lines = ttl.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith(b"@prefix"):
        i += 1
    return b"".join(lines[i:])


def prefix_lines(ttl: bytes) -> bytes:
    return b"".join(ln for ln in ttl.splitlines(keepends=True) if ln.startswith(b"@prefix"))
