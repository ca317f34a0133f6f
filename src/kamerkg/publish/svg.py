"""An SVG picture of one document's entities and their relations, drawn from the graph.

The document sits in the middle; the resources it points at (other than its own sub-resources such as
evidence and signatures) sit on a circle around it, grouped by kind; edges are the document's properties
and the properties between those resources. Every node links to its page. Everything is escaped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from html import escape

import pyoxigraph as ox

from kamerkg.publish.index import RDF_TYPE, Index

KIND_COLOURS = (
    ("ParliamentaryDocument", "#fde2e2", "#dc2626"),
    ("Meeting", "#dcfce7", "#16a34a"),
    ("Person", "#fef3c7", "#d97706"),
    ("Organisation", "#dbeafe", "#2563eb"),
    ("Organization", "#dbeafe", "#2563eb"),
    ("Chamber", "#dbeafe", "#2563eb"),
    ("TaskForce", "#e0e7ff", "#4f46e5"),
    ("Post", "#ffedd5", "#ea580c"),
    ("Place", "#ccfbf1", "#0d9488"),
    ("City", "#ccfbf1", "#0d9488"),
    ("Country", "#ccfbf1", "#0d9488"),
    ("Dossier", "#f3e8ff", "#9333ea"),
)
SKIP_TYPES = ("ExtractionRule", "Curator", "Evidence")
MAX_NODES = 48


def _colours(types: list[str]) -> tuple[str, str, int]:
    for i, (k, fill, stroke) in enumerate(KIND_COLOURS):
        if any(t.endswith(k) for t in types):
            return fill, stroke, i
    return "#f1f5f9", "#64748b", len(KIND_COLOURS)


def _local(iri: str) -> str:
    return iri.replace("#", "/").rstrip("/").rsplit("/", 1)[-1]


def diagram(
    idx: Index, doc: str, ids: str, href: Callable[[str], str | None], label: Callable[[str], str]
) -> str:
    """The SVG (a string) for document ``doc``; ``href`` gives a node's link, ``label`` its text."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    nodes: set[str] = set()
    for t in idx.by_subject.get(doc, ()):
        o = t.object
        if t.predicate.value == RDF_TYPE or not isinstance(o, ox.NamedNode):
            continue
        if not o.value.startswith(ids) or o.value.startswith(doc + "/"):
            continue
        if any(ty.endswith(SKIP_TYPES) for ty in idx.types(o.value)):
            continue
        nodes.add(o.value)
        edges[(doc, o.value)].append(_local(t.predicate.value))
    ranked = sorted(nodes, key=lambda n: (_colours(idx.types(n))[2], label(n).lower(), n))[:MAX_NODES]
    nodes = set(ranked)
    for n in ranked:
        for t in idx.by_subject.get(n, ()):
            if (
                isinstance(t.object, ox.NamedNode)
                and t.object.value in nodes
                and t.object.value != n
                and t.predicate.value != RDF_TYPE
            ):
                edges[(n, t.object.value)].append(_local(t.predicate.value))
    k = max(len(ranked), 1)
    r = max(190.0, 26.0 * k / math.pi)
    w = int(2 * r + 420)
    h = int(2 * r + 120)
    cx, cy = w / 2, h / 2
    pos: dict[str, tuple[float, float]] = {doc: (cx, cy)}
    for i, n in enumerate(ranked):
        a = -math.pi / 2 + 2 * math.pi * i / k
        pos[n] = (cx + r * math.cos(a) * 1.25, cy + r * math.sin(a))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="{escape(label(doc))}: entiteiten en relaties" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(label(doc))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#94a3b8"/></marker></defs>',
        '<g class="edges" stroke="#94a3b8" stroke-width="1" fill="none">',
    ]
    labels = []
    for (s, o), props in sorted(edges.items()):
        (x1, y1), (x2, y2) = pos[s], pos[o]
        # stop the line short of the target box
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1.0
        x2s, y2s = x2 - dx / d * 14, y2 - dy / d * 14
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2s:.1f}" y2="{y2s:.1f}" marker-end="url(#arrow)"/>'
        )
        if s != doc:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            text = escape(", ".join(sorted(set(props))))
            labels.append(
                f'<text x="{mx:.1f}" y="{my:.1f}" text-anchor="middle" fill="#475569" '
                f'font-size="10" paint-order="stroke" stroke="#fff" stroke-width="3">{text}</text>'
            )
    out.append("</g>")
    out.append('<g class="edge-labels">' + "".join(labels) + "</g>")
    out.append('<g class="nodes">')
    for n in [doc, *ranked]:
        x, y = pos[n]
        fill, stroke, _ = _colours(idx.types(n))
        text = label(n)
        if len(text) > 34:
            text = text[:32] + "…"
        bw = 7.0 * len(text) + 16
        via = ", ".join(sorted(set(edges.get((doc, n), []))))
        tip = f"{label(n)} ({via})" if via else label(n)
        link = href(n)
        bold = ' font-weight="bold"' if n == doc else ""
        node = (
            f'<rect x="{x - bw / 2:.1f}" y="{y - 12:.1f}" width="{bw:.1f}" height="24" rx="5" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if n == doc else 1}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="#0f172a"{bold}>'
            f"{escape(text)}</text>"
        )
        title = f"<title>{escape(tip)}</title>"
        if link:
            out.append(f'<a href="{escape(link)}" xlink:href="{escape(link)}">{title}{node}</a>')
        else:
            out.append(f"<g>{title}{node}</g>")
    out.append("</g></svg>")
    return "\n".join(out)
