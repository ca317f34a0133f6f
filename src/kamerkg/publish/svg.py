"""An SVG picture of one document's entities and their relations, drawn from the graph.

The document sits in the middle; the resources it points at (other than its own sub-resources such as
evidence and signatures) sit in two columns beside it, grouped by kind; edges are the document's properties
and the properties between those resources. Every node links to its page. Everything is escaped.
"""

from __future__ import annotations

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
    # layout: the document in the middle column, the others in a left and a right column (grouped by kind,
    # top to bottom), so no two boxes overlap however many there are
    half = (len(ranked) + 1) // 2
    left, right = ranked[:half], ranked[half:]
    row = 32
    rows = max(len(left), len(right), 1)
    h = rows * row + 70
    w = 1180
    cx, cy = w / 2, h / 2
    col = {"left": 270.0, "right": w - 270.0}  # room outside the columns for the bows
    pos: dict[str, tuple[float, float]] = {doc: (cx, cy)}
    side: dict[str, str] = {doc: "middle"}
    for name, nodes_ in (("left", left), ("right", right)):
        top = cy - (len(nodes_) - 1) * row / 2
        for i, n in enumerate(nodes_):
            pos[n] = (col[name], top + i * row)
            side[n] = name

    def text_of(n: str) -> str:
        t = label(n)
        return t[:32] + "…" if len(t) > 34 else t

    def box_w(n: str) -> float:
        return 7.0 * len(text_of(n)) + 16

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

    def lab(x: float, y: float, text: str, anchor: str = "middle") -> str:
        return (
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#475569" font-size="10" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(text)}</text>'
        )

    for (s, o), props in sorted(edges.items()):
        (x1, y1), (x2, y2) = pos[s], pos[o]
        text = ", ".join(sorted(set(props)))
        if s == doc:  # from the document box's side to the node box's inner side
            sx = x1 - box_w(doc) / 2 if side[o] == "left" else x1 + box_w(doc) / 2
            ex = x2 + box_w(o) / 2 if side[o] == "left" else x2 - box_w(o) / 2
            out.append(
                f'<line x1="{sx:.1f}" y1="{y1:.1f}" x2="{ex:.1f}" y2="{y2:.1f}" marker-end="url(#arrow)"/>'
            )
            lx = ex + (6 if side[o] == "left" else -6)
            labels.append(lab(lx, y2 - 4, text, "start" if side[o] == "left" else "end"))
            continue
        if side[s] == side[o]:  # same column: a bow on the outer side
            sign = -1 if side[s] == "left" else 1
            ax = x1 + sign * box_w(s) / 2
            bx = x2 + sign * box_w(o) / 2
            bulge = sign * min(30 + abs(y2 - y1) * 0.25, 110)
            c1x, c2x = ax + bulge, bx + bulge
            out.append(
                f'<path d="M {ax:.1f} {y1:.1f} C {c1x:.1f} {y1:.1f} {c2x:.1f} {y2:.1f} {bx:.1f} {y2:.1f}" '
                'marker-end="url(#arrow)"/>'
            )
            mx = 0.125 * ax + 0.375 * c1x + 0.375 * c2x + 0.125 * bx
            labels.append(lab(mx, (y1 + y2) / 2 + 3, text, "end" if sign < 0 else "start"))
        else:  # across: a curve passing above or below the document box
            ax = x1 + (box_w(s) / 2 if side[s] == "left" else -box_w(s) / 2)
            bx = x2 + (box_w(o) / 2 if side[o] == "left" else -box_w(o) / 2)
            my = (y1 + y2) / 2
            cyy = my + (70 if my >= cy else -70)
            out.append(
                f'<path d="M {ax:.1f} {y1:.1f} Q {cx:.1f} {cyy:.1f} {bx:.1f} {y2:.1f}" '
                'marker-end="url(#arrow)"/>'
            )
            labels.append(lab(0.25 * ax + 0.5 * cx + 0.25 * bx, 0.25 * y1 + 0.5 * cyy + 0.25 * y2, text))
    out.append("</g>")
    out.append('<g class="edge-labels">' + "".join(labels) + "</g>")
    out.append('<g class="nodes">')
    for n in [doc, *ranked]:
        x, y = pos[n]
        fill, stroke, _ = _colours(idx.types(n))
        bw = box_w(n)
        via = ", ".join(sorted(set(edges.get((doc, n), []))))
        tip = f"{label(n)} ({via})" if via else label(n)
        link = href(n)
        bold = ' font-weight="bold"' if n == doc else ""
        node = (
            f'<rect x="{x - bw / 2:.1f}" y="{y - 12:.1f}" width="{bw:.1f}" height="24" rx="5" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if n == doc else 1}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" fill="#0f172a"{bold}>'
            f"{escape(text_of(n))}</text>"
        )
        title = f"<title>{escape(tip)}</title>"
        if link:
            out.append(f'<a href="{escape(link)}" xlink:href="{escape(link)}">{title}{node}</a>')
        else:
            out.append(f"<g>{title}{node}</g>")
    out.append("</g></svg>")
    return "\n".join(out)
