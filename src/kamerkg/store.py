"""The embedded store: pyoxigraph (Oxigraph), in memory or on disk, loaded from the N-Quads dump.

Chosen over rdflib's memory store by measurement (see README, "Embedded store"): on the seed graph
the ready-made queries run tens of times faster and loading is faster, with identical answers.

The named graphs (one per document) are loaded as they are, and their union, without duplicates, into
the default graph (from ``kamerkg.nt``). Oxigraph's own union default graph yields a triple once per
graph that holds it, so an entity several documents describe (a meeting, a cited document) multiplies
the rows of every join through it: measured on 50 copies of the seed, three ready-made queries ran for
more than a minute on the union view and answer in milliseconds on the deduplicated default graph.

Two kinds (:func:`query_store` picks one; ``benchmarks/RESULTS.md`` has the measurements):

* ``memory`` (:func:`open_store`): loaded afresh on every open, ~1.6 KB of RAM per quad (13 GB and 20-40 s
  at 10k documents), so only for small dumps; the default below ``MEMORY_MAX_BYTES`` of N-Quads.
* ``disk`` (:func:`open_disk_store`): an Oxigraph (RocksDB) store in a folder beside ``dist/``
  (``dist.store/<key>/``), filled once with ``bulk_load`` and then opened read-only in milliseconds by
  every later run, several processes at once. ``<key>`` is a hash of the dumps' SHA-256 in
  ``manifest.json`` (else of their sizes and times), so a rebuilt ``dist/`` gets a fresh store and the
  stale one is removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pyoxigraph as ox

from kamerkg.errors import KamerkgError
from kamerkg.procs import pid_alive

DUMP = "kamerkg.nq"
UNION = "kamerkg.nt"
MANIFEST = "manifest.json"
STORE_KINDS = ("auto", "memory", "disk")
# below this size of kamerkg.nq the in-memory store is the default (~1,000 documents, ~1.3 GB of RAM)
_ENV_MAX = os.environ.get("KAMERKG_MEMORY_MAX_BYTES", "")  # an override, for tests
MEMORY_MAX_BYTES = int(_ENV_MAX) if _ENV_MAX.isdigit() else 128 * 2**20
KEY_FILE = "kamerkg-store.json"


def open_store(dist: Path) -> ox.Store:
    """A fresh in-memory store holding ``dist/kamerkg.nq``."""
    path = Path(dist) / DUMP
    if not path.exists():
        raise KamerkgError(f"{path}: no dataset here; run 'kamerkg build' first")
    return _fill(ox.Store(), Path(dist))


def _fill(store: ox.Store, dist: Path) -> ox.Store:
    """Load the named graphs of ``dist/kamerkg.nq`` and their union (``kamerkg.nt``, without repeats)
    into the default graph of ``store``."""
    store.bulk_load(path=str(dist / DUMP), format=ox.RdfFormat.N_QUADS)
    union = dist / UNION
    if union.exists():
        store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    else:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def _dump_path(dist: Path) -> Path:
    path = Path(dist) / DUMP
    if not path.exists():
        raise KamerkgError(f"{path}: no dataset here; run 'kamerkg build' first")
    return path


def store_key(dist: Path) -> str:
    """What identifies the dumps a disk store was filled from: the SHA-256 of ``kamerkg.nq`` and
    ``kamerkg.nt`` as ``manifest.json`` lists them, else their sizes and modification times."""
    dist = Path(dist)
    parts: list[str] = []
    files: dict[str, dict[str, object]] = {}
    try:
        files = json.loads((dist / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        files = {}
    for name in (DUMP, UNION):
        f = dist / name
        entry = files.get(name) if isinstance(files, dict) else None
        if isinstance(entry, dict) and entry.get("sha256"):
            parts.append(f"{name}:sha256:{entry['sha256']}:{entry.get('bytes')}")
        elif f.exists():
            st = f.stat()
            parts.append(f"{name}:stat:{st.st_size}:{st.st_mtime_ns}")
        else:
            parts.append(f"{name}:absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


_STORE_NAME = re.compile(r"[0-9a-f]{20}(?:\.tmp-(?P<pid>\d+))?")


def default_store_path(dist: Path) -> Path:
    """Where the disk store of ``dist`` lives: ``<dist>.store`` beside it (not inside: publishing
    replaces ``dist/`` as a whole)."""
    d = Path(dist).resolve()
    return d.with_name(d.name + ".store")


def build_disk_store(dist: Path, folder: Path) -> Path:
    """Fill a new on-disk store in ``folder`` (which must not exist) from the dumps of ``dist``."""
    _dump_path(dist)  # there, or a clear error
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = _fill(ox.Store(str(tmp)), Path(dist))
        store.flush()
        store.optimize()
        del store  # closes RocksDB before the folder moves
        try:
            tmp.rename(folder)
        except OSError:  # another process finished the same store first
            if not folder.exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def open_disk_store(dist: Path, store_path: Path | None = None, rebuild: bool = False) -> ox.Store:
    """The on-disk store of ``dist``, opened read-only; filled first when missing or stale.

    ``store_path`` (default :func:`default_store_path`) holds one subfolder per dump key; others
    (stale stores of earlier builds, interrupted fills) are removed when a new one is made."""
    dist = Path(dist)
    _dump_path(dist)
    root = Path(store_path) if store_path else default_store_path(dist)
    key = store_key(dist)
    folder = root / key
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not folder.exists():
        root.mkdir(parents=True, exist_ok=True)
        build_disk_store(dist, folder)
        (root / KEY_FILE).write_text(
            json.dumps({"dist": str(dist.resolve()), "key": key}, indent=2) + "\n", encoding="utf-8"
        )
        for old in root.iterdir():  # only stores this module made: never a user's other folders
            m = _STORE_NAME.fullmatch(old.name)
            if not old.is_dir() or m is None or old.name == key:
                continue
            if m["pid"] is not None and pid_alive(int(m["pid"])):
                continue  # another process is filling it
            shutil.rmtree(old, ignore_errors=True)
    try:
        return ox.Store.read_only(str(folder))
    except OSError as e:
        raise KamerkgError(f"{folder}: cannot open the store: {e}") from None


def query_store(
    dist: Path, kind: str = "auto", store_path: Path | None = None
) -> ox.Store:
    """The store the ready-made queries run on: ``memory``, ``disk`` or ``auto`` (memory for a
    ``kamerkg.nq`` under ``MEMORY_MAX_BYTES`` unless ``store_path`` is given, else disk)."""
    if kind not in STORE_KINDS:
        raise KamerkgError(f"{kind}: no such store kind (choose from {', '.join(STORE_KINDS)})")
    if kind == "auto":
        small = _dump_path(dist).stat().st_size < MEMORY_MAX_BYTES
        kind = "memory" if small and store_path is None else "disk"
    if kind == "memory":
        return open_store(Path(dist))
    return open_disk_store(Path(dist), store_path)


def has_default_graph(store: ox.Store) -> bool:
    """Whether the default graph holds the union (else queries read the union view of the named graphs)."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def store_from_nquads(data: bytes) -> ox.Store:
    store = ox.Store()
    store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS)
    return store
