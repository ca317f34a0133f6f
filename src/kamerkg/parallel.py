"""The parallel, incremental, streaming build (issue 6).

:class:`Runner` is what :func:`kamerkg.api.build` uses:

* :meth:`Runner.process` runs the documents through parse -> extract -> link -> map -> validate in a
  pool of worker processes (one per core, chunks of documents), or in-process for small builds. A
  worker returns plain data only (identifier, validation results, sizes); the document's graph as
  sorted N-Quads and N-Triples lines, its TriG block, its fact sheet and its text go into a cache entry
  on disk (:mod:`kamerkg.cache`), so neither rdflib objects nor whole graphs cross process boundaries
  or stay in memory. With the cache on, an unchanged document (same bytes, same code, ontology,
  registers and curated files) is not processed again.
* Validation is per document: :mod:`kamerkg.shaclcheck` checks the document graph with the registers
  and the ontology against the compiled shapes; a document it flags is validated by pySHACL, whose
  report is the one kept. ``KAMERKG_SHACL=pyshacl`` validates every document with pySHACL.
* :meth:`Runner.publish` streams the dumps into the staging folder: ``kamerkg.nq`` and ``kamerkg.trig``
  are the graphs in order of graph IRI (each graph's quads sorted), concatenated from the entries;
  ``kamerkg.nt`` (the union, without duplicates, sorted) is the entries' N-Triples lines through an
  external merge sort (``sort -u`` in the C locale, which is byte order, i.e. code-point order;
  a Python merge where there is no ``sort``); ``kamerkg.ttl`` is written from it by pyoxigraph,
  streaming. Memory stays flat in the number of documents.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kamerkg.cache import CACHE_DIR, Cache, Entry, doc_key, fingerprint
from kamerkg.config import Settings
from kamerkg.errors import KamerkgError
from kamerkg.facts import FactSheets
from kamerkg.validate import Report, Result

CHUNK = 32
STAGES = ("parse_extract_map", "validate", "serialize", "facts", "docs_built")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


# ---------------------------------------------------------------------------------------------- worker


class _Worker:
    """Per-process state: registers, shapes, the compiled check and the reference quads, loaded once."""

    def __init__(self, s: Settings) -> None:
        from kamerkg.api import _reference_quads
        from kamerkg.mapping import turtle_prefixes
        from kamerkg.registers import load_registers
        from kamerkg.shaclcheck import Checker, compile_shapes
        from kamerkg.validate import load_ontology, load_shapes

        self.s = s
        self.reg = load_registers(s)
        self.shapes = load_shapes(s.ontology_dir)
        self.onto = load_ontology(s.ontology_dir)
        compiled = None if os.environ.get("KAMERKG_SHACL") == "pyshacl" else compile_shapes(self.shapes)
        self.checker = Checker(compiled, [*self.reg.graph, *self.onto]) if compiled is not None else None
        self.ref_quads = _reference_quads(s)
        self.px = turtle_prefixes(s)
        self.terms: dict[URIRef, str] = {}
        self.sheets = FactSheets(s, self.ref_quads)
        self.n_docs = 0
        self.t = dict.fromkeys(STAGES, 0.0)

    def nt_term(self, t: object) -> str:
        """The N-Triples text of an rdflib term, exactly as pyoxigraph writes it."""
        if type(t) is URIRef:
            n = self.terms.get(t)
            if n is None:
                n = self.terms[t] = f"<{t}>"
            return n
        if isinstance(t, Literal):
            lang, dt = t.language, t.datatype
            if _NEEDS_ESCAPE.search(t) or (lang and lang != lang.lower()):
                if lang:
                    return str(ox.Literal(str(t), language=lang))
                if dt is not None:
                    return str(ox.Literal(str(t), datatype=ox.NamedNode(str(dt))))
                return str(ox.Literal(str(t)))
            if lang:
                return f'"{t}"@{lang}'
            if dt is None or dt == _XSD_STRING:
                return f'"{t}"'
            return f'"{t}"^^{self.nt_term(dt)}'
        if isinstance(t, URIRef):
            return f"<{t}>"
        if isinstance(t, BNode):
            return f"_:{t}"
        raise TypeError(f"not an RDF term: {t!r}")

    def validate(self, triples: set[Any]) -> list[Result]:
        from rdflib import Graph

        from kamerkg.validate import validate_graph

        if self.checker is not None and not self.checker.flags(triples):
            return []
        data = Graph()
        for t in triples:
            data.add(t)
        for t in self.reg.graph:
            data.add(t)
        return validate_graph(data, self.shapes, self.onto).results

    def run(self, path: Path, key: str) -> tuple[Entry, dict[str, bytes]]:
        from kamerkg.mapping import graph_iri
        from kamerkg.pipeline import map_document

        t0 = time.perf_counter()
        try:
            linked, ts = map_document(path, self.s, self.reg)
        except KamerkgError as e:
            return Entry(key=key, path=str(path), doc_id=None, error=str(e)), {}
        except Exception as e:  # a bug on one document must not take the other documents down
            msg = f"{path}: internal error while building ({type(e).__name__}: {e}); left out"
            return Entry(key=key, path=str(path), doc_id=None, error=msg), {}
        doc_id = linked.extraction.identifier.value
        t1 = time.perf_counter()
        results = self.validate(ts.triples)
        t2 = time.perf_counter()
        g = f" <{graph_iri(self.s, doc_id)}> .\n"
        term = self.nt_term
        lines = [f"{term(a)} {term(b)} {term(c)}{g}" for a, b, c in ts.triples]
        lines.sort()
        nq = "".join(lines).encode("utf-8")
        cut = len(g)
        nt = "".join(ln[:-cut] + " .\n" for ln in lines).encode("utf-8")
        quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))  # also checks the text is valid N-Quads
        trig = _strip_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=self.px) or b"")
        t3 = time.perf_counter()
        self.n_docs += 1
        if len(self.terms) > 50_000:
            self.terms.clear()
        facts = _json(self.sheets.sheet(quads, doc_id))
        t4 = time.perf_counter()
        self.t["parse_extract_map"] += t1 - t0
        self.t["validate"] += t2 - t1
        self.t["serialize"] += t3 - t2
        self.t["facts"] += t4 - t3
        res = [[r.severity, r.focus, r.path, r.message, r.shape, r.value] for r in results]
        # the document's own warnings (a partial copy, bidirectional controls: issue 7) go with its results,
        # naming the file, not where this checkout keeps it (the cache key and dist/ do not depend on that)
        res += [["Warning", f"{self.s.ids}doc/{doc_id}", "source", w.replace(str(path), path.name, 1),
                 "kamerkg:source-check", None]
                for w in linked.extraction.warnings]
        entry = Entry(key=key, path=str(path), doc_id=doc_id, results=res, quads=len(quads))  # type: ignore[arg-type]
        text = linked.extraction.doc.text.encode("utf-8")
        return entry, {"nq": nq, "nt": nt, "trig": trig, "facts": facts, "text": text}


_STATE: dict[str, Any] = {}


def _worker(s: Settings, fp: str) -> _Worker:
    """This process's worker state, made again when the settings or anything the fingerprint covers
    (code, ontology, shapes, registers, curated files) changed since it was made."""
    w = _STATE.get("w")
    if w is None or w.s != s or _STATE.get("fp") != fp:
        w = _STATE["w"] = _Worker(s)
        _STATE["fp"] = fp
    return w


def _run_chunk(
    s: Settings, cache_root: str, fp: str, paths: list[str]
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Process ``paths`` (in a worker): write cache entries, return their metadata and stage times."""
    w = _worker(s, fp)
    before = dict(w.t)
    cache = Cache(Path(cache_root))
    out = []
    for p in paths:
        path = Path(p)
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        key = doc_key(fp, path, data)
        e = cache.get(key)
        if e is None:
            e, sections = w.run(path, key)
            e = cache.put(e, sections)
            w.t["docs_built"] += 1
        out.append({**e.meta(), "offset": e.offset})
    return out, {k: w.t[k] - before[k] for k in w.t}


def _sorted_lines(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    lines.sort()
    return b"".join(lines)


def _strip_prefixes(trig: bytes) -> bytes:
    lines = trig.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith(b"@prefix"):
        i += 1
    return b"".join(lines[i:])


def _prefix_lines(trig: bytes) -> bytes:
    return b"".join(ln for ln in trig.splitlines(keepends=True) if ln.startswith(b"@prefix"))


def _json(obj: object) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


# ---------------------------------------------------------------------------------------------- main


@dataclass
class Built:
    """A processed document as the build loop sees it (like :class:`kamerkg.pipeline.DocResult`)."""

    path: Path
    doc_id: str
    report: Report
    entry: Entry


@dataclass
class _Text:
    text: str


@dataclass
class _Extraction:
    doc: _Text


@dataclass
class _Linked:
    extraction: _Extraction


@dataclass
class _ExtrasDoc:
    """What :func:`kamerkg.publish.publish_extras` reads of a built document."""

    doc_id: str
    linked: _Linked


@dataclass
class Runner:
    s: Settings
    out: Path
    workers: int | None = None
    cache: bool | str | Path = True
    progress: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fp = fingerprint(self.s)
        if self.cache is True:
            root = self.out.parent / CACHE_DIR
        elif self.cache:
            root = Path(self.cache)  # type: ignore[arg-type]
        else:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            root = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.work-", dir=self.out.parent))
        self._tmp_cache = None if self.cache else root
        self.store = Cache(root)

    def close(self) -> None:
        if self._tmp_cache is not None:
            shutil.rmtree(self._tmp_cache, ignore_errors=True)
            self._tmp_cache = None

    # -- processing

    def _n_workers(self, n_docs: int) -> int:
        w = self.workers if self.workers is not None else (os.cpu_count() or 1)
        return max(1, min(w, (n_docs + CHUNK - 1) // CHUNK))

    def process(self, files: list[Path]) -> Iterator[tuple[Path, Built | KamerkgError]]:
        """Every file with its built document or its error, in the order of ``files``."""
        t0 = time.perf_counter()
        metas: list[dict[str, Any]] = []
        stage = dict.fromkeys(STAGES, 0.0)
        chunks = [[str(f) for f in files[i : i + CHUNK]] for i in range(0, len(files), CHUNK)]
        n = self._n_workers(len(files))
        bar = _Bar(len(files), self.progress)
        if n == 1:
            for c in chunks:
                m, t = _run_chunk(self.s, str(self.store.root), self.fp, c)
                metas.extend(m)
                bar.advance(len(c))
                for k in stage:
                    stage[k] += t[k]
        else:
            import multiprocessing as mp

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                futs: list[Future[tuple[list[dict[str, Any]], dict[str, float]]]] = [
                    pool.submit(_run_chunk, self.s, str(self.store.root), self.fp, c) for c in chunks
                ]
                for fut, c in zip(futs, chunks, strict=True):
                    m, t = fut.result()
                    metas.extend(m)
                    bar.advance(len(c))
                    for k in stage:
                        stage[k] += t[k]
        bar.close()
        built = stage.pop("docs_built")
        for k, v in stage.items():
            self.timings[k] = v / n
        self.timings["docs_built"] = built  # processed now; the others came from the cache
        self.timings["workers"] = n
        self.timings["process_wall"] = time.perf_counter() - t0
        for f, m in zip(files, metas, strict=True):
            offset = m.pop("offset")
            e = Entry(**m)
            e.offset = offset
            if e.error is not None or e.doc_id is None:
                yield f, KamerkgError(e.error or f"{f}: not built")
                continue
            report = Report([Result(*r) for r in e.results])  # type: ignore[arg-type]
            yield f, Built(path=f, doc_id=e.doc_id, report=report, entry=e)

    # -- publishing

    def publish(self, done: list[Built], result: Any, extras: bool = True) -> None:
        """Write the publication into a staging folder next to ``out`` and swap it in."""
        from kamerkg.api import _reference_quads, _swap
        from kamerkg.mapping import turtle_prefixes

        t0 = time.perf_counter()
        s, out = self.s, self.out
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = out.parent / f".{out.name}.staging-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        files: dict[str, int] = {}
        hashes: dict[str, str] = {}
        try:
            px = turtle_prefixes(s)  # Turtle and TriG: no kid: (instance IRIs stay readable in full)
            ref = rdfio_sorted(_reference_quads(s))
            ref_graph = f"{s.ids}graph/reference"
            order: list[tuple[str, Built | None]] = [(ref_graph, None)]
            order += [(f"{s.ids}graph/{b.doc_id}", b) for b in done]
            order.sort(key=lambda x: x[0])
            ref_nq = ox.serialize(ref, format=ox.RdfFormat.N_QUADS) or b""
            ref_trig = _strip_prefixes(ox.serialize(ref, format=ox.RdfFormat.TRIG, prefixes=px) or b"")
            nt_fmt = ox.RdfFormat.N_TRIPLES
            ref_nt = _sorted_lines(ox.serialize([q.triple for q in ref], format=nt_fmt) or b"")
            header = _prefix_lines(ox.serialize(ref[:1], format=ox.RdfFormat.TRIG, prefixes=px) or b"")
            n_quads = len(ref)
            from kamerkg.changes import graph_hashes

            ghash = graph_hashes(ref)  # the change feed's content hash per graph (kamerkg.changes)
            with _Out(staging / "kamerkg.nq") as nq, _Out(staging / "kamerkg.trig") as trig, \
                    tempfile.NamedTemporaryFile(dir=staging, prefix=".nt-", delete=False) as raw:
                trig.write(header)
                raw.write(ref_nt)
                for _, b in order:
                    if b is None:
                        nq.write(ref_nq)
                        trig.write(ref_trig)
                        continue
                    sec = self._sections(b.entry, ("nq", "nt", "trig"))
                    ghash[f"{s.ids}graph/{b.doc_id}"] = hashlib.sha256(sec["nt"]).hexdigest()
                    nq.write(sec["nq"])
                    trig.write(sec["trig"])
                    raw.write(sec["nt"])
                    n_quads += b.entry.quads
            for o in (nq, trig):
                files[o.name], hashes[o.name] = o.size, o.sha
            t1 = time.perf_counter()
            n_triples = _sort_unique(Path(raw.name), staging / "kamerkg.nt")
            os.unlink(raw.name)
            t2 = time.perf_counter()
            _nt_to_turtle(staging / "kamerkg.nt", staging / "kamerkg.ttl", px, self._n_workers(len(done)))
            t3 = time.perf_counter()
            for name in ("kamerkg.nt", "kamerkg.ttl"):
                files[name], hashes[name] = _size_sha(staging / name)
            for name in ("kamerkg.ttl", "shapes.ttl"):
                _put(staging, f"ontology/{name}", (s.ontology_dir / name).read_bytes(), files, hashes)
            for b in done:
                _put(staging, f"facts/{b.doc_id}.json", self.store.read(b.entry, "facts"), files, hashes)
            lines = [res.line() for res in result.report.results] or ["conforms: no violations, no warnings"]
            _put(staging, "validation.txt", ("\n".join(lines) + "\n").encode(), files, hashes)
            t4 = time.perf_counter()
            if extras:
                self._extras(staging, done, files)
            t5 = time.perf_counter()
            change = self._changes(staging, result, files, ghash)
            t6 = time.perf_counter()
            manifest = {
                "base": s.base,
                "documents": result.documents,
                "graphs": [g for g, _ in order],
                "quads": n_quads,
                "triples": n_triples,
                "files": {k: {"bytes": v, "sha256": hashes.get(k) or _size_sha(staging / k)[1]}
                          for k, v in sorted(files.items())},
                **change,  # change number, document_hashes, graph_hashes (kamerkg.changes)
            }
            _put(staging, "manifest.json", _json(manifest), files, hashes)
            _swap(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            self.close()
        self.timings.update(publish_nq_trig=t1 - t0, publish_nt_sort=t2 - t1, publish_ttl=t3 - t2,
                            publish_facts=t4 - t3, publish_extras=t5 - t4, publish_changes=t6 - t5,
                            publish=time.perf_counter() - t0)
        result.files = files
        result.published = True

    def _changes(
        self, staging: Path, result: Any, files: dict[str, int], ghash: dict[str, str]
    ) -> dict[str, Any]:
        """This build's changeset (:mod:`kamerkg.changes`) from the per-graph hashes gathered while the
        dump was written, so the change feed does not read the whole dump back into memory."""
        try:
            from kamerkg.changes import record_changes
        except ImportError:
            return {}
        return record_changes(self.out, staging, None, result.documents, self.s, files, ghash=ghash)

    def _sections(self, e: Entry, names: tuple[str, ...]) -> dict[str, bytes]:
        from kamerkg.cache import SECTIONS

        with open(self.store.file(e.key), "rb") as f:
            f.seek(e.offset)
            data = f.read(sum(e.lens))
        out, pos = {}, 0
        for k, n in zip(SECTIONS, e.lens, strict=True):
            if k in names:
                out[k] = data[pos : pos + n]
            pos += n
        return out

    def _text(self, b: Built) -> str:
        return self.store.read(b.entry, "text").decode("utf-8")

    def _extras(self, staging: Path, done: list[Built], files: dict[str, int]) -> None:
        """The publishing extras (JSON-LD, VoID, site: ``kamerkg.publish``), which work in memory."""
        try:
            from kamerkg.publish import publish_extras
        except ImportError:
            return
        quads = list(ox.parse(path=str(staging / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS))
        triples = list(ox.parse(path=str(staging / "kamerkg.nt"), format=ox.RdfFormat.N_TRIPLES))
        docs = [_ExtrasDoc(b.doc_id, _Linked(_Extraction(_Text(self._text(b))))) for b in done]
        publish_extras(staging, quads, triples, docs, self.s, files)  # type: ignore[arg-type]


def rdfio_sorted(quads: list[ox.Quad]) -> list[ox.Quad]:
    from kamerkg import rdfio

    return rdfio.sort_quads(quads)


class _Out:
    """A file written in pieces, with its size and SHA-256 kept on the way."""

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, path.name
        self.size = 0
        self._h = hashlib.sha256()

    def __enter__(self) -> _Out:
        self._f = open(self.path, "wb")  # noqa: SIM115
        return self

    def write(self, data: bytes) -> None:
        self._f.write(data)
        self._h.update(data)
        self.size += len(data)

    @property
    def sha(self) -> str:
        return self._h.hexdigest()

    def __exit__(self, *exc: object) -> None:
        self._f.close()


def _put(root: Path, rel: str, data: bytes, files: dict[str, int], hashes: dict[str, str]) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    files[rel] = len(data)
    hashes[rel] = hashlib.sha256(data).hexdigest()


def _size_sha(p: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    with open(p, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
            n += len(chunk)
    return n, h.hexdigest()


def _subject_cuts(nt: Path, parts: int) -> list[int]:
    """Byte offsets that split the sorted N-Triples file ``nt`` into ``parts`` pieces between subjects."""
    size = nt.stat().st_size
    cuts = [0]
    with open(nt, "rb") as f:
        for k in range(1, parts):
            f.seek(max(cuts[-1], size * k // parts))
            f.readline()  # to the start of a line
            pos = f.tell()
            first = f.readline()
            if not first:
                break
            subject = first.split(b" ", 1)[0]
            pos += len(first)
            while line := f.readline():
                if line.split(b" ", 1)[0] != subject:
                    break
                pos += len(line)
            if pos >= size:
                break
            cuts.append(pos)
    return [*cuts, size]


def _turtle_part(nt: str, start: int, end: int, out: str, px: dict[str, str], first: bool) -> None:
    with open(nt, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    with open(out, "wb") as f:
        if first:
            ox.serialize(triples, output=f, format=ox.RdfFormat.TURTLE, prefixes=px)
        else:  # the prefix lines once, in the first piece
            ttl = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=px) or b""
            f.write(_strip_prefixes(ttl))


def _nt_to_turtle(nt: Path, ttl: Path, px: dict[str, str], workers: int) -> None:
    """``kamerkg.ttl`` from the sorted ``kamerkg.nt``. Pieces cut between subjects are written in
    parallel; pyoxigraph writes each subject's block on its own, so the pieces joined (prefixes once)
    are byte for byte the file written in one go."""
    if workers < 2 or nt.stat().st_size < 32 << 20:
        with open(ttl, "wb") as out:
            ox.serialize(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES), output=out,
                         format=ox.RdfFormat.TURTLE, prefixes=px)
        return
    import multiprocessing as mp

    cuts = _subject_cuts(nt, max(workers * 4, nt.stat().st_size // (48 << 20)))  # pieces of <= ~48 MB
    parts = [ttl.with_name(f".{ttl.name}.{i}") for i in range(len(cuts) - 1)]
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futs = [pool.submit(_turtle_part, str(nt), a, b, str(p), px, i == 0)
                for i, (a, b, p) in enumerate(zip(cuts, cuts[1:], parts, strict=False))]
        for fut in futs:
            fut.result()
    with open(ttl, "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 22)
            p.unlink()


def _sort_unique(src: Path, dst: Path) -> int:
    """Sort the lines of ``src`` by bytes, drop repeats, write ``dst``; return the number of lines."""
    sort = shutil.which("sort")
    if sort:
        env = {**os.environ, "LC_ALL": "C"}
        cmd = [sort, "-u", "-S", "256M", f"--parallel={os.cpu_count() or 1}", "-T", str(dst.parent),
               "-o", str(dst), str(src)]
        subprocess.run(cmd, check=True, env=env)
    else:  # pragma: no cover - every Unix has sort(1)
        _py_sort_unique(src, dst)
    n = 0
    with open(dst, "rb") as f:
        while chunk := f.read(1 << 22):
            n += chunk.count(b"\n")
    return n


def _py_sort_unique(src: Path, dst: Path, run_lines: int = 1_000_000) -> None:
    import heapq

    runs: list[Path] = []
    with open(src, "rb") as f:
        while True:
            lines = [ln for _, ln in zip(range(run_lines), f, strict=False)]
            if not lines:
                break
            lines = sorted(set(lines))
            r = dst.parent / f".run-{len(runs)}"
            r.write_bytes(b"".join(lines))
            runs.append(r)
    files = [open(r, "rb") for r in runs]  # noqa: SIM115
    try:
        with open(dst, "wb") as out:
            last = None
            for ln in heapq.merge(*files):
                if ln != last:
                    out.write(ln)
                    last = ln
    finally:
        for fh in files:
            fh.close()
        for r in runs:
            r.unlink()


class _Bar:
    """A rich progress bar for long builds (at least 200 documents, when asked for)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.p = None
        if enabled and total >= 200:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            cols = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            self.p = Progress(*cols)
            self.p.start()
            self.task = self.p.add_task("build", total=total)

    def advance(self, n: int) -> None:
        if self.p is not None:
            self.p.advance(self.task, n)

    def close(self) -> None:
        if self.p is not None:
            self.p.stop()
