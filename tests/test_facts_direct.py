"""The build's fact sheets (kamerkg.facts.FactSheets, evaluated directly over a document's quads) are the
sheets the SPARQL queries of queries/facts/ give, byte for byte, on every real and generated document."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pyoxigraph as ox

from kamerkg import rdfio
from kamerkg.api import _reference_quads
from kamerkg.config import settings
from kamerkg.errors import KamerkgError
from kamerkg.facts import FactSheets, _Undetermined, fact_sheet
from kamerkg.mapping import doc_iri, graph_iri, graph_of
from kamerkg.pipeline import map_document
from kamerkg.registers import load_registers

ROOT = Path(__file__).parent.parent
FRBR = Path(__file__).parent / "fixtures" / "oep" / "frbr" / "officielepublicaties"


def _sources() -> list[Path]:
    files = sorted((ROOT / "data" / "sources").glob("*.txt"))
    files += sorted(FRBR.glob("*/*/*/1/xml/*.xml")) + sorted(FRBR.glob("*/*/*/1/html/*.html"))
    return files  # (tests/fuzz/corpus is not in the repository: a clean clone has only these)


def _compare(files: list[Path]) -> tuple[int, int]:
    """(documents, documents the direct evaluation answered); fails on the first sheet that differs."""
    s = settings()
    reg = load_registers(s)
    ref = _reference_quads(s)
    sheets = FactSheets(s, ref)
    assert sheets.direct is not None
    n = direct = 0
    for path in files:
        try:
            linked, ts = map_document(path, s, reg)
        except KamerkgError:
            continue
        doc_id = linked.extraction.identifier.value
        # the quads as the build's worker has them: parsed from the document's N-Quads
        nq = ox.serialize(rdfio.graph_quads(graph_of(ts, s), str(graph_iri(s, doc_id))),
                          format=ox.RdfFormat.N_QUADS) or b""
        quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
        store = ox.Store()
        store.extend(ref + quads)
        want = json.dumps(fact_sheet(store, doc_id, s), ensure_ascii=False, indent=2)
        n += 1
        try:
            got = sheets.direct.sheet(quads, ox.NamedNode(str(doc_iri(s, doc_id))),
                                      ox.NamedNode(str(graph_iri(s, doc_id))), doc_id)
        except _Undetermined:
            got = None
        else:
            direct += 1
            assert json.dumps(got, ensure_ascii=False, indent=2) == want, path.name
        # and what the build uses, whichever way it answers
        assert json.dumps(sheets.sheet(quads, doc_id), ensure_ascii=False, indent=2) == want, path.name
    return n, direct


def test_direct_sheets_equal_sparql_on_the_sources() -> None:
    files = _sources()
    n, direct = _compare(files)
    assert n == len(files)  # every source builds and is compared
    assert direct >= n * 0.8, (n, direct)  # the shortcut answers nearly always (else it buys nothing)


def test_direct_sheets_equal_sparql_on_a_generated_corpus(tmp_path: Path) -> None:
    corpus = importlib.import_module("benchmarks.corpus")  # never a silent skip
    files = corpus.generate(ROOT / "data" / "sources", tmp_path, 400, seed=11)
    n, direct = _compare(files)
    assert n == len(files)
    assert direct >= n * 0.8, (n, direct)
