"""The parallel, incremental, streaming build (issue 6).

:class:`Runner` is what :func:`kamerkg.api.build` uses:

* :meth:`Runner.process` runs the documents through parse -> extract -> link -> map -> validate in a
  pool of worker processes (one per core, chunks of documents), or in-process for small builds. A
  worker returns plain data only (identifier, validation results, sizes); the document's graph as
  sorted N-Quads, its TriG block, its N-Triples lines (its own and the shared ones, :mod:`kamerkg.dumps`),
  the Turtle of its own triples, its fact sheet and its text go into a cache entry
  on disk (:mod:`kamerkg.cache`), so neither rdflib objects nor whole graphs cross process boundaries
  or stay in memory. With the cache on, an unchanged document (same bytes, same code, ontology,
  registers and curated files) is not processed again.
* Validation is per document: :mod:`kamerkg.shaclcheck` checks the document graph with the registers
  and the ontology against the compiled shapes; a document it flags is validated by pySHACL, whose
  report is the one kept. ``KAMERKG_SHACL=pyshacl`` validates every document with pySHACL.
* :meth:`Runner.publish` writes the publication into a staging folder and swaps it in: the four dumps
  through :mod:`kamerkg.dumps` (assembled from the entries, or spliced from the previous publication
  for the documents that did not change), the fact sheets as hard links to the cache's files, the
  change feed from the graph hashes the entries carry. Memory stays flat in the number of documents.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing as mp
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kamerkg.cache import CACHE_DIR, SECTIONS, Cache, Entry, doc_key, fingerprint
from kamerkg.config import Settings
from kamerkg.dumps import is_own, stamps, strip_prefixes
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
        if mp.parent_process() is not None:  # a pool worker (never the caller's own process)
            # registers, shapes and ontology live as long as the worker: out of the collector's way
            # (its full collections scanned them every ~50 documents, ~0.5 ms per document)
            gc.collect()
            gc.freeze()

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
        from kamerkg.mapping import doc_iri, graph_iri
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
        nt = [ln[:-cut] + " .\n" for ln in lines]  # stripping the same suffix keeps the order
        own_iri = f"<{doc_iri(self.s, doc_id)}"
        mine = [is_own(ln, own_iri) for ln in nt]
        local = "".join(ln for ln, m in zip(nt, mine, strict=True) if m).encode("utf-8")
        shared = "".join(ln for ln, m in zip(nt, mine, strict=True) if not m).encode("utf-8")
        sha = hashlib.sha256("".join(nt).encode("utf-8")).hexdigest()
        quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))  # also checks the text is valid N-Quads
        trig = strip_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=self.px) or b"")
        own = [q.triple for q, m in zip(quads, mine, strict=True) if m]
        ttl = b""
        if own:
            ttl = strip_prefixes(ox.serialize(own, format=ox.RdfFormat.TURTLE, prefixes=self.px) or b"")
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
        entry = Entry(key=key, path=str(path), doc_id=doc_id, results=res, quads=len(quads),  # type: ignore[arg-type]
                      own=len(own), sha=sha)
        text = linked.extraction.doc.text.encode("utf-8")
        return entry, {"nq": nq, "trig": trig, "local": local, "shared": shared, "ttl": ttl, "facts": facts,
                       "text": text}


_STATE: dict[Any, Any] = {}


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
    """Process ``paths`` (in a worker): write cache entries, return their metadata and stage times. The
    worker state (registers, shapes, ontology) is made only when a document is not in the cache."""
    w: _Worker | None = None
    before: dict[str, float] = {}
    cache = _STATE.get(("cache", cache_root))
    if cache is None:
        cache = _STATE[("cache", cache_root)] = Cache(Path(cache_root))
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
            if w is None:
                w = _worker(s, fp)
                before = dict(w.t)
            e, sections = w.run(path, key)
            e = cache.put(e, sections)
            w.t["docs_built"] += 1
        out.append({**e.meta(), "offset": e.offset})
    if w is None:
        return out, dict.fromkeys(STAGES, 0.0)
    return out, {k: w.t[k] - before[k] for k in w.t}


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
        from kamerkg.api import _swap
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
        tmp_state: Path | None = None
        try:
            px = turtle_prefixes(s)  # Turtle and TriG: no kid: (instance IRIs stay readable in full)
            written, ghash, order = self._dumps(staging, done, px)
            files.update(written.sizes)
            hashes.update(written.hashes)
            n_quads = sum(b.entry.quads for b in done) + self._ref_quads
            n_triples = written.triples
            t1 = time.perf_counter()
            self._facts(staging, done, files, hashes)
            t3 = time.perf_counter()
            for name in ("kamerkg.ttl", "shapes.ttl"):
                _put(staging, f"ontology/{name}", (s.ontology_dir / name).read_bytes(), files, hashes)
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
                "graphs": order,
                "quads": n_quads,
                "triples": n_triples,
                "files": {k: {"bytes": v, "sha256": hashes.get(k) or _size_sha(staging / k)[1]}
                          for k, v in sorted(files.items())},
                **change,  # change number, document_hashes, graph_hashes (kamerkg.changes)
            }
            _put(staging, "manifest.json", _json(manifest), files, hashes)
            self._state.manifest_sha = hashes["manifest.json"]
            self._state.stamps = stamps(staging)  # the files keep inode and mtime through the swap
            tmp_state = self._save_state() if self._tmp_cache is None else None
            _swap(staging, out)
            if tmp_state is not None:
                os.replace(tmp_state, self._state_path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if tmp_state is not None:
                tmp_state.unlink(missing_ok=True)
            raise
        finally:
            self.close()
        self.timings.update(publish_dumps=t1 - t0, publish_facts=t3 - t1, publish_extras=t5 - t4,
                            publish_changes=t6 - t5, publish=time.perf_counter() - t0)
        result.files = files
        result.published = True

    def _dumps(
        self, staging: Path, done: list[Built], px: dict[str, str]
    ) -> tuple[Any, dict[str, str], list[str]]:
        """The four dumps (:mod:`kamerkg.dumps`), spliced from the previous publication where it is the one
        this cache last wrote; the graph hashes for the change feed; the graphs in order."""
        from kamerkg.api import _reference_quads
        from kamerkg.changes import graph_hashes
        from kamerkg.dumps import (
            MissingBlock,
            Part,
            load_state,
            prefix_lines,
            state_path,
            strip_prefixes,
            write_dumps,
        )
        from kamerkg.rdfio import sort_quads

        s = self.s
        ref = sort_quads(_reference_quads(s))
        self._ref_quads = len(ref)
        ref_nq = ox.serialize(ref, format=ox.RdfFormat.N_QUADS) or b""
        ref_trig = strip_prefixes(ox.serialize(ref, format=ox.RdfFormat.TRIG, prefixes=px) or b"")
        ref_nt = b"".join(sorted((ox.serialize([q.triple for q in ref], format=ox.RdfFormat.N_TRIPLES)
                                  or b"").splitlines(keepends=True)))
        header = prefix_lines(ox.serialize(ref[:1], format=ox.RdfFormat.TRIG, prefixes=px) or b"")
        ref_blocks = {"nq": ref_nq, "trig": ref_trig, "local": b"", "ttl": b"", "shared": ref_nt}
        ref_graph = f"{s.ids}graph/reference"
        ref_key = "reference:" + hashlib.sha256(ref_nq + ref_trig).hexdigest()
        ghash = graph_hashes(ref)  # the change feed's content hash per graph (kamerkg.changes)
        parts = [Part(ref_graph, None, ref_key, (len(ref_nq), len(ref_trig), 0, 0))]
        entries: dict[str, Entry] = {}
        for b in done:
            e = b.entry
            ln = dict(zip(SECTIONS, e.lens, strict=True))
            parts.append(Part(f"{s.ids}graph/{b.doc_id}", b.doc_id, e.key,
                              (ln["nq"], ln["trig"], ln["local"], ln["ttl"]), e.own))
            entries[e.key] = e
            ghash[f"{s.ids}graph/{b.doc_id}"] = e.sha
        parts.sort(key=lambda p: p.graph)

        def blocks(p: Part, names: tuple[str, ...]) -> dict[str, bytes | memoryview]:
            if p.doc_id is None:
                if p.key != ref_key:
                    raise MissingBlock(p.key)
                return {k: ref_blocks[k] for k in names}
            e = entries.get(p.key) or self.store.get(p.key)
            if e is None:
                raise MissingBlock(p.key)
            entries[p.key] = e
            return self._sections(e, names)

        self._state_path = state_path(self.store.root, self.out)
        old = load_state(self._state_path, self.fp, self.out)
        spliced = old is not None
        try:
            written = write_dumps(staging, self.out, parts, blocks, header, px, self.fp, s.ids, old)
        except MissingBlock:  # a block of the previous publication is no longer in the cache
            spliced = False
            written = write_dumps(staging, self.out, parts, blocks, header, px, self.fp, s.ids, None)
        self._state = written.state
        self.timings.update({f"dumps_{k}": v for k, v in written.seconds.items()})
        self.timings["dumps_spliced"] = float(spliced)
        return written, ghash, [p.graph for p in parts]

    def _facts(self, staging: Path, done: list[Built], files: dict[str, int], hashes: dict[str, str]) -> None:
        """``facts/<doc>.json``: hard links to the cache's fact sheet files (copies where links cannot be
        made), so publishing 10,000 of them does not read or write their bytes."""
        (staging / "facts").mkdir(parents=True, exist_ok=True)
        for b in done:
            rel = f"facts/{b.doc_id}.json"
            src = self.store.facts_file(b.entry.key)
            try:
                os.link(src, staging / rel)
            except OSError:
                shutil.copyfile(src, staging / rel)
            files[rel], hashes[rel] = b.entry.facts_len, b.entry.facts_sha

    def _save_state(self) -> Path:
        """The dumps' state, written beside the cache entries (put in place once the publication is)."""
        from kamerkg.dumps import save_state

        tmp = self._state_path.with_name(f".{self._state_path.name}.new-{os.getpid()}")
        save_state(tmp, self._state)
        return tmp

    def _changes(
        self, staging: Path, result: Any, files: dict[str, int], ghash: dict[str, str]
    ) -> dict[str, Any]:
        """This build's changeset (:mod:`kamerkg.changes`) from the per-graph hashes gathered while the
        dump was written, so the change feed does not read the whole dump back into memory."""
        from kamerkg.changes import record_changes

        return record_changes(self.out, staging, None, result.documents, self.s, files, ghash=ghash)

    def _sections(self, e: Entry, names: tuple[str, ...]) -> dict[str, bytes]:
        from kamerkg.cache import SECTIONS

        starts = [e.offset + sum(e.lens[:i]) for i in range(len(SECTIONS) + 1)]
        want = [i for i, k in enumerate(SECTIONS) if k in names]
        if not want:
            return {}
        lo, hi = starts[want[0]], starts[want[-1] + 1]  # the one span that holds them all
        with open(self.store.file(e.key), "rb") as f:
            f.seek(lo)
            data = memoryview(f.read(hi - lo))  # slices without copies
        return {SECTIONS[i]: data[starts[i] - lo : starts[i + 1] - lo] for i in want}  # type: ignore[misc]

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
