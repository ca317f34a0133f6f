"""Issue 2: the SHACL shapes catch deliberately broken graphs.

Each case in ``shapes/broken.json`` applies a SPARQL Update to the seed's real document graph and names the
property path and message the violation must carry. The unbroken graph must conform.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kamerkg.config import settings
from kamerkg.pipeline import process
from kamerkg.registers import load_registers
from kamerkg.validate import load_ontology, load_shapes, validate_graph

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "seed" / "kst-28676-339.txt"
CASES = json.loads((HERE / "shapes" / "broken.json").read_text(encoding="utf-8"))
PREFIXES = """PREFIX kkg: <https://w3id.org/kamerkg/def#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#> """


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    s = settings()
    g = Graph()
    for t in process(SEED, s, validate=False).graph:
        g.add(t)
    for t in load_registers(s).graph:
        g.add(t)
    return g


def _validate(g: Graph):  # type: ignore[no-untyped-def]
    s = settings()
    return validate_graph(g, load_shapes(s.ontology_dir), load_ontology(s.ontology_dir))


def test_unbroken_seed_conforms(seed_graph: Graph) -> None:
    report = _validate(seed_graph)
    assert report.conforms, [r.line() for r in report.results]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_graph_is_caught(seed_graph: Graph, case: dict) -> None:  # type: ignore[type-arg]
    g = Graph()
    for t in seed_graph:
        g.add(t)
    before = len(g)
    g.update(PREFIXES + case["update"])
    assert len(g) != before or "DELETE" in case["update"], "the update changed nothing"
    report = _validate(g)
    assert not report.conforms
    hits = [
        r
        for r in report.results
        if r.severity == "Violation"
        and r.path == case["expect"]["path"]
        and case["expect"]["message"] in r.message
    ]
    assert hits, [r.line() for r in report.results]
