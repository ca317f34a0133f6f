"""``kamerkg.load.read_graphs``: the graphs a ``load --changed-only`` sends are read out of the sorted
``kamerkg.nq`` by binary search, without parsing the whole dump (no store needed for this test)."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kamerkg import load as kload

G = "https://w3id.org/kamerkg/id/graph/"


def _dataset(tmp_path: Path, seed: int) -> dict[str, list[ox.Triple]]:
    """A ``kamerkg.nq`` with graphs of very uneven sizes, in graph IRI order as the build writes them;
    some graph IRIs are prefixes of others (kst-1, kst-10, kst-1-2)."""
    rng = random.Random(seed)
    names = sorted({f"kst-{rng.choice(['1', '10', '1-2', '2', '20', '3'])}{rng.randint(0, 40)}"
                    for _ in range(60)} | {"kst-1", "kst-10", "kst-1-2", "reference"})
    graphs: dict[str, list[ox.Triple]] = {}
    quads = []
    for n in names:
        g = G + n
        ts = [ox.Triple(ox.NamedNode(f"https://w3id.org/kamerkg/id/doc/{n}/e{i}"),
                        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                        ox.Literal("x" * rng.choice([1, 5, 80, 400]) + f" {i}"))
              for i in range(rng.choice([1, 2, 3, 17, 150]))]
        graphs[g] = sorted(ts, key=str)
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for t in graphs[g]]
    (tmp_path / "kamerkg.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return graphs


@pytest.mark.parametrize("seed", range(8))
def test_every_graph_is_found_by_the_binary_search(tmp_path: Path, seed: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    graphs = _dataset(tmp_path, seed)

    def no_fallback(_: Path) -> dict[str, list[ox.Triple]]:
        raise AssertionError("read the whole dump: the binary search missed a graph")

    monkeypatch.setattr(kload, "read_dataset", no_fallback)
    for g, ts in graphs.items():
        assert sorted(kload.read_graphs(tmp_path, [g])[g], key=str) == ts, g
    got = kload.read_graphs(tmp_path, list(graphs))
    assert {g: sorted(ts, key=str) for g, ts in got.items()} == graphs


def test_a_graph_the_dump_lacks_falls_back_and_is_left_out(tmp_path: Path) -> None:
    graphs = _dataset(tmp_path, 99)
    first = next(iter(graphs))
    got = kload.read_graphs(tmp_path, [first, G + "kst-0-absent"])
    assert list(got) == [first]
