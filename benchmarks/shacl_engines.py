"""Per-document SHACL validation, three engines on the same data: ``python -m benchmarks.shacl_engines [N]``.

Each document graph (from ``data/sources/`` plus generated ones, see :mod:`benchmarks.corpus`) is
validated together with the registers and the ontology, as the build does:

* ``pyshacl``: pySHACL 0.40 (``inference="none"``), the reference;
* ``shaclcheck``: kamerkg's compiled Core-shapes check (:mod:`kamerkg.shaclcheck`), which only says
  whether there is any result; the build sends flagged documents to pySHACL for the report;
* ``pyrudof``: rudof's native SHACL engine (if ``pyrudof`` is installed), data given as N-Triples.

Prints milliseconds per document (median, p95) and whether the engines agree on conformance per
document. Half of the documents get one planted violation (a second ``dcterms:date``), so both
outcomes are exercised.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, XSD

ROOT = Path(__file__).resolve().parents[1]


def main(n: int = 60) -> None:
    from benchmarks.corpus import generate
    from kamerkg.config import settings
    from kamerkg.mapping import doc_iri
    from kamerkg.pipeline import map_document
    from kamerkg.rdfio import to_ox
    from kamerkg.registers import load_registers
    from kamerkg.shaclcheck import Checker, compile_shapes
    from kamerkg.validate import load_ontology, load_shapes, validate_graph

    s = settings()
    reg = load_registers(s)
    shapes, onto = load_shapes(s.ontology_dir), load_ontology(s.ontology_dir)
    checker = Checker(compile_shapes(shapes), [*reg.graph, *onto])  # type: ignore[arg-type]
    try:
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_shacl(shapes.serialize(format="turtle"), format=pyrudof.ShaclFormat.Turtle)
    except ImportError:
        rudof = None
    background = Graph()
    for t in reg.graph:
        background.add(t)
    for t in onto:
        background.add(t)
    bg_nt = background.serialize(format="nt")
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(ROOT / "data" / "sources", Path(tmp), n)
        times: dict[str, list[float]] = {"pyshacl": [], "shaclcheck": [], "pyrudof": []}
        disagree = {"shaclcheck": 0, "pyrudof": 0}
        for i, p in enumerate(paths):
            try:
                linked, ts = map_document(p, s, reg)
            except Exception:
                continue
            triples = set(ts.triples)
            if i % 2:
                triples.add((doc_iri(s, linked.extraction.identifier.value), DCTERMS.date,
                             Literal("1901-01-01", datatype=XSD.date)))
            data = Graph()
            for t in triples:
                data.add(t)
            for t in reg.graph:
                data.add(t)
            t0 = time.perf_counter()
            ref = validate_graph(data, shapes, onto)
            times["pyshacl"].append(time.perf_counter() - t0)
            ref_conforms = not ref.results
            t0 = time.perf_counter()
            flagged = checker.flags(triples)
            times["shaclcheck"].append(time.perf_counter() - t0)
            disagree["shaclcheck"] += flagged == ref_conforms
            if rudof is not None:
                doc_nt = ox.serialize([ox.Triple(to_ox(a), to_ox(b), to_ox(c)) for a, b, c in triples],  # type: ignore[arg-type]
                                      format=ox.RdfFormat.N_TRIPLES).decode()
                t0 = time.perf_counter()
                rudof.read_data(doc_nt + bg_nt, format=pyrudof.RDFFormat.NTriples)
                report = rudof.validate_shacl()
                times["pyrudof"].append(time.perf_counter() - t0)
                disagree["pyrudof"] += bool(report.conforms) != ref_conforms
    for name, ts_ in times.items():
        if ts_:
            ms = sorted(x * 1000 for x in ts_)
            p95 = ms[max(0, int(0.95 * len(ms)) - 1)]
            extra = f", disagrees with pySHACL on {disagree[name]} of {len(ms)}" if name in disagree else ""
            print(f"{name:10s} median {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms per document{extra}")
        else:
            print(f"{name:10s} not available")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
