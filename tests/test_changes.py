"""The change feed: each build records what changed since the previous one, as RDF (Activity Streams)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kamerkg import api
from kamerkg.changes import AS, read_changes
from kamerkg.errors import KamerkgError

FRBR = Path(__file__).parent / "fixtures" / "oep" / "frbr" / "officielepublicaties"
KST = FRBR / "kst" / "32545" / "kst-32545-143"
AH = FRBR / "ah-tk" / "20202021" / "ah-tk-20202021-3235"
GRAPH = "https://w3id.org/kamerkg/id/graph/"


def test_rebuild_after_one_changed_document_names_exactly_that_document(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(KST, src / "kst-32545-143")
    shutil.copytree(AH, src / "ah-tk-20202021-3235")
    dist = tmp_path / "dist"

    r1 = api.build([src], out=dist)
    assert r1.ok, r1.errors
    (c1,) = read_changes(dist)
    assert (c1.number, c1.previous) == (1, None)
    assert c1.added == ["ah-tk-20202021-3235", "kst-32545-143"] and not c1.changed and not c1.withdrawn
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["change"] == 1 and sorted(manifest["document_hashes"]) == c1.added
    assert f"{GRAPH}reference" in manifest["graph_hashes"]

    r2 = api.build([src], out=dist)  # nothing changed
    assert r2.ok, r2.errors
    c2 = read_changes(dist, since=1)
    assert [c.number for c in c2] == [2] and c2[0].empty and c2[0].previous == 1

    xml = src / "kst-32545-143" / "1" / "xml" / "kst-32545-143.xml"
    xml.write_text(
        xml.read_text(encoding="utf-8").replace("kleine spaarder", "kleinste spaarder"), encoding="utf-8"
    )
    r3 = api.build([src], out=dist)
    assert r3.ok, r3.errors
    (c3,) = read_changes(dist, since=2)
    assert c3.changed == ["kst-32545-143"] and not c3.added and not c3.withdrawn
    assert c3.graphs_replaced == [f"{GRAPH}kst-32545-143"] and not c3.graphs_removed

    shutil.rmtree(src / "ah-tk-20202021-3235")
    r4 = api.build([src], out=dist)
    assert r4.ok, r4.errors
    (c4,) = read_changes(dist, since=3)
    assert c4.withdrawn == ["ah-tk-20202021-3235"] and not c4.changed and not c4.added
    assert c4.graphs_removed == [f"{GRAPH}ah-tk-20202021-3235"]
    # the whole history is kept in dist/changes/ and listed in the manifest
    assert [c.number for c in read_changes(dist)] == [1, 2, 3, 4]
    files = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {f"changes/{i}.ttl" for i in range(1, 5)} <= set(files)
    # the changeset is Activity Streams RDF
    g = Graph().parse(dist / "changes" / "3.ttl", format="turtle")
    node = URIRef("https://w3id.org/kamerkg/id/changes/3")
    (item,) = list(g.objects(node, AS.items))
    assert (item, AS.object, URIRef("https://w3id.org/kamerkg/id/doc/kst-32545-143")) in g
    assert (item, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), AS.Update) in g


def test_read_changes_bad_input(tmp_path: Path) -> None:
    with pytest.raises(KamerkgError, match="no change feed"):
        read_changes(tmp_path)
    (tmp_path / "changes").mkdir()
    (tmp_path / "changes" / "1.ttl").write_text("this is not turtle <", encoding="utf-8")
    with pytest.raises(KamerkgError, match=r"1\.ttl: not valid Turtle"):
        read_changes(tmp_path)
