"""``kamerkg link`` against a local Oxigraph server holding a Wikidata-shaped fixture (never Wikidata)."""

from __future__ import annotations

import argparse
import csv
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

# tests/ is not a package: pytest puts it on sys.path, so its helper modules import by name
from stores import FIXTURES, ROOT, fixture_dataset, start_oxigraph

from kamerkg import linking

WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/kamerkg/id/"


def load_wikidata_fixture(store_url: str) -> None:
    import httpx

    for ttl in sorted((FIXTURES / "wikidata").glob("*.ttl")):
        r = httpx.post(
            store_url + "?default", content=ttl.read_bytes(), headers={"Content-Type": "text/turtle"}
        )
        assert r.status_code in (200, 201, 204), r.text


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SPARQL query URL of a local Oxigraph server with the Wikidata-shaped fixture."""
    with start_oxigraph(None, union=False) as s:
        load_wikidata_fixture(s.store_url)
        yield s.query_url


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A copy of the registers that the test may change."""
    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", ref)
    return ref


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_dataset(tmp_path_factory.mktemp("dist"))


def endpoint(url: str) -> linking.Endpoint:
    return linking.Endpoint(url, timeout=10, delay=0, backoff=0.01)


def by_entity(cands: list[linking.Candidate]) -> dict[str, list[linking.Candidate]]:
    out: dict[str, list[linking.Candidate]] = {}
    for c in cands:
        out.setdefault(c.entity.iri, []).append(c)
    return out


def test_propose_finds_correct_candidates(wikidata: str, reference: Path, dist: Path, tmp_path: Path) -> None:
    review = tmp_path / "review" / "candidates.tsv"
    report = linking.propose(reference, review, dist_dir=dist, endpoint=endpoint(wikidata))
    got = by_entity(report.candidates)

    # register entities, best candidate first; decoys of the wrong type rank below
    assert got[ID + "org/defensie"][0].item == WD + "Q99900010"
    assert got[ID + "org/defensie"][0].score >= 0.9
    assert WD + "Q99900011" not in [c.item for c in got[ID + "org/defensie"][:1]]
    assert got[ID + "place/brussel"][0].item == WD + "Q239"
    decoy = [c for c in got[ID + "place/brussel"] if c.item == WD + "Q99900020"]
    assert decoy and decoy[0].score < got[ID + "place/brussel"][0].score
    assert "does not fit" in decoy[0].evidence
    assert got[ID + "post/minister-van-defensie"][0].item == WD + "Q99900013"
    assert got[ID + "topic/desinformatie"][0].item == WD + "Q189656"

    # minted entities (kkg:unlinked true in the build), by label and by alias
    assert got[ID + "person/jens-stoltenberg"][0].item == WD + "Q57286"
    klimaat = got[ID + "org/ministerie-van-klimaat"][0]
    assert klimaat.item == WD + "Q99900012" and klimaat.evidence.startswith("alias")

    # curated links are not even looked up; entities without a match get no candidate
    assert ID + "person/bijleveld-schouten" not in got
    assert ID + "org/navo" not in got
    assert ID + "place/walaardt-sacre-kamp" not in got

    rows = list(csv.DictReader(review.open(encoding="utf-8"), delimiter="\t"))
    assert rows and all(r["relation"] == "skos:closeMatch" and r["accept"] == "" for r in rows)
    assert {"score", "evidence", "candidate_label"} <= set(rows[0])


def mark(review: Path, accepted: set[tuple[str, str]], out: Path) -> Path:
    rows = list(csv.DictReader(review.open(encoding="utf-8"), delimiter="\t"))
    for r in rows:
        if (r["entity"], r["candidate"]) in accepted:
            r["accept"] = "yes"
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=linking.COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return out


def sameas(reference: Path, entity: str) -> set[str]:
    found = set()
    for f in reference.glob("*.ttl"):
        for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE):
            if t.subject == ox.NamedNode(entity) and t.predicate.value == linking.OWL_SAMEAS:
                found.add(t.object.value)
    return found


def test_accept_moves_links_into_registers(
    wikidata: str, reference: Path, dist: Path, tmp_path: Path
) -> None:
    review = tmp_path / "candidates.tsv"
    linking.propose(reference, review, dist_dir=dist, endpoint=endpoint(wikidata))
    orgs_before = (reference / "organisations.ttl").read_text(encoding="utf-8")
    persons_before = (reference / "posts-persons.ttl").read_text(encoding="utf-8")
    marked = mark(
        review,
        {
            (ID + "org/defensie", WD + "Q99900010"),
            (ID + "person/jens-stoltenberg", WD + "Q57286"),
        },
        tmp_path / "reviewed.tsv",
    )
    # a reviewer also "accepts" a different id for an entity with a curated link: it must be refused
    with marked.open("a", encoding="utf-8") as f:
        f.write(
            f"yes\t{ID}person/bijleveld-schouten\t\t\tposts-persons.ttl\tskos:closeMatch\t{WD}Q99900002\t"
            "\t0.70\tlabel\n"
        )

    rep = linking.accept(marked, reference, dist_dir=dist)
    assert sorted(rep.added) == [
        (ID + "org/defensie", WD + "Q99900010"),
        (ID + "person/jens-stoltenberg", WD + "Q57286"),
    ]
    assert rep.kept == [(ID + "person/bijleveld-schouten", WD + "Q99900002")]
    assert sameas(reference, ID + "org/defensie") == {WD + "Q99900010"}
    assert sameas(reference, ID + "person/bijleveld-schouten") == {WD + "Q434816"}
    assert (reference / "posts-persons.ttl").read_text(encoding="utf-8") == persons_before
    after = (reference / "organisations.ttl").read_text(encoding="utf-8")
    assert after.startswith(orgs_before), "the curators' text must stay as it was"
    assert "accepted in review reviewed.tsv" in after

    # the minted person is a register entity now, with type and label
    linked = reference / linking.LINKED_FILE
    g = list(ox.parse(path=str(linked), format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == linking.RDF_TYPE and t.object.value.endswith("Person") for t in g)
    assert sameas(reference, ID + "person/jens-stoltenberg") == {WD + "Q57286"}

    # accepting again changes nothing: those links are curated now
    again = linking.accept(marked, reference, dist_dir=dist)
    assert again.added == []
    assert (reference / "organisations.ttl").read_text(encoding="utf-8") == after

    # and a new proposal no longer asks about them
    report = linking.propose(reference, None, dist_dir=dist, endpoint=endpoint(wikidata))
    asked = {c.entity.iri for c in report.candidates}
    assert ID + "org/defensie" not in asked and ID + "person/jens-stoltenberg" not in asked


def test_conflicting_accepts_take_neither(reference: Path, tmp_path: Path) -> None:
    review = tmp_path / "r.tsv"
    header = "\t".join(linking.COLUMNS)
    review.write_text(
        header + "\n"
        f"yes\t{ID}place/brussel\tBrussel\t\tplaces.ttl\tskos:closeMatch\t{WD}Q239\t\t1.00\tlabel\n"
        f"yes\t{ID}place/brussel\tBrussel\t\tplaces.ttl\tskos:closeMatch\t{WD}Q99900020\t\t0.40\tlabel\n",
        encoding="utf-8",
    )
    before = (reference / "places.ttl").read_text(encoding="utf-8")
    rep = linking.accept(review, reference)
    assert rep.conflicts == [ID + "place/brussel"] and rep.added == []
    assert (reference / "places.ttl").read_text(encoding="utf-8") == before


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    """Answers 503 twice, then an empty SPARQL result; records the User-Agent."""

    calls = 0
    agents: list[str] = []

    def do_POST(self) -> None:  # noqa: N802
        type(self).calls += 1
        type(self).agents.append(self.headers.get("User-Agent", ""))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if type(self).calls <= 2:
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        body = b'{"head":{"vars":["item"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_retries_with_backoff_and_polite_user_agent() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), FlakyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        ep = endpoint(url)
        assert ep.select("SELECT ?item WHERE { ?item ?p ?o }") == []
        assert FlakyHandler.calls == 3
        assert all(a.startswith("kamerkg-link/") and "https://" in a for a in FlakyHandler.agents)
        FlakyHandler.calls = -100  # always 503 from now on (until the counter reaches 0)
        with pytest.raises(linking.LinkError, match="gave up after 2 tries"):
            linking.Endpoint(url, retries=1, backoff=0.01, delay=0).select("SELECT * WHERE {}")
    finally:
        server.shutdown()
        thread.join(5)


def test_cli_link_and_accept(wikidata: str, reference: Path, dist: Path, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="kamerkg")
    linking.register(parser.add_subparsers())
    review = tmp_path / "review.tsv"
    args = parser.parse_args(
        [
            "link",
            "--endpoint",
            wikidata,
            "--reference",
            str(reference),
            "--dist",
            str(dist),
            "--review",
            str(review),
            "--delay",
            "0",
        ]
    )
    assert args.func(args) == 0
    assert review.is_file()
    args = parser.parse_args(["link", "--accept", str(review), "--reference", str(reference)])
    assert args.func(args) == 0  # nothing marked: nothing added
