"""One source document through the stages: parse -> extract -> link -> map -> validate.

``process(path, settings)`` is what ``build`` runs per document (and what ``facts`` runs on one file);
it returns a :class:`DocResult` or raises a :class:`~kamerkg.errors.KamerkgError` naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kamerkg.config import Settings
from kamerkg.extract import extract
from kamerkg.link import Linked, link
from kamerkg.mapping import TripleSet, graph_of, to_triples
from kamerkg.registers import Registers, load_registers
from kamerkg.sources import parse
from kamerkg.validate import Report, load_ontology, load_shapes, validate_graph


@dataclass
class DocResult:
    path: Path
    doc_id: str
    graph: Graph
    linked: Linked
    report: Report


def map_document(path: Path, settings: Settings, reg: Registers) -> tuple[Linked, TripleSet]:
    """Parse, extract, link and map one source: its linked extraction and the triples of its graph
    (what the parallel build serialises; :func:`process` makes an rdflib Graph of them)."""
    doc = parse(path)
    ex = extract(doc, reg, settings.curated_dir)
    linked = link(ex, reg)
    return linked, to_triples(linked, reg, settings)


def process(path: Path, settings: Settings, reg: Registers | None = None, validate: bool = True) -> DocResult:
    reg = reg or load_registers(settings)
    linked, triples = map_document(path, settings, reg)
    ex = linked.extraction
    g = graph_of(triples, settings)
    report = Report()
    if validate:
        data = Graph()
        for t in g:
            data.add(t)
        for t in reg.graph:
            data.add(t)
        shapes, ontology = load_shapes(settings.ontology_dir), load_ontology(settings.ontology_dir)
        report = validate_graph(data, shapes, ontology)
    return DocResult(path=Path(path), doc_id=ex.identifier.value, graph=g, linked=linked, report=report)
