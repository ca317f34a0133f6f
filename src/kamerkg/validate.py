"""Stage 5, validate: SHACL (pySHACL) on each document graph together with the registers and the ontology.

The shapes are Core-only, so each document validates on its own: its graph, plus the registers (for
the types of the entities it points at) and the ontology (for ``rdfs:subClassOf`` in ``sh:class``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Namespace

from kamerkg.errors import ResourceError

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Result:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    message: str
    shape: str
    value: str | None = None

    def line(self, where: str = "") -> str:
        loc = f"[{where}] " if where else ""
        v = f" (value: {self.value})" if self.value else ""
        return f"{self.severity.upper()} {loc}{self.focus} {self.path}: {self.message}{v}"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def extend(self, other: Report) -> None:
        self.results.extend(other.results)


@lru_cache(maxsize=4)
def _graph(path: str, stamp: float) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except Exception as e:
        raise ResourceError(f"{path}: not valid Turtle: {str(e).splitlines()[0]}") from None


def load_shapes(ontology_dir: Path) -> Graph:
    p = ontology_dir / "shapes.ttl"
    if not p.exists():
        raise ResourceError(f"{p}: shapes file missing")
    return _graph(str(p), p.stat().st_mtime)


def load_ontology(ontology_dir: Path) -> Graph:
    p = ontology_dir / "kamerkg.ttl"
    if not p.exists():
        raise ResourceError(f"{p}: ontology file missing")
    return _graph(str(p), p.stat().st_mtime)


def _short(g: Graph, term: object) -> str:
    if term is None:
        return ""
    try:
        return g.namespace_manager.normalizeUri(term)  # type: ignore[arg-type]
    except Exception:
        return str(term)


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None) -> Report:
    """Validate ``data`` (with ``ontology`` mixed in) against ``shapes``."""
    _, rg, _ = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=False, allow_warnings=True
    )
    out = []
    for r in rg.subjects(RDF.type, SH.ValidationResult):
        sev = str(rg.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        path = rg.value(r, SH.resultPath)
        msg = rg.value(r, SH.resultMessage)
        val = rg.value(r, SH.value)
        out.append(
            Result(
                severity=sev,
                focus=_short(shapes, rg.value(r, SH.focusNode)),
                path=_short(shapes, path) if path is not None else "",
                message=str(msg) if msg is not None else "",
                shape=str(rg.value(r, SH.sourceShape)),
                value=str(val) if val is not None else None,
            )
        )
    out.sort(key=lambda x: (x.severity, x.focus, x.path, x.message))
    return Report(out)
