"""The federated queries (``queries/federated/*.rq``), run offline against a Wikidata-shaped fixture.

The ``SERVICE <https://query.wikidata.org/sparql>`` IRI is rewritten to a local Oxigraph server holding
``tests/fixtures/wikidata/*.ttl``; the query then runs on the embedded pyoxigraph store (which does
federation) and on an Oxigraph server loaded with ``kamerkg load``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

# tests/ is not a package: pytest puts it on sys.path, so its helper modules import by name
from stores import ROOT, build_dataset, embedded_answers, remote_answers, start_oxigraph
from test_linking import load_wikidata_fixture

from kamerkg import load as kload

WIKIDATA = "https://query.wikidata.org/sparql"
FEDERATED = sorted((ROOT / "queries" / "federated").glob("*.rq"))


def local(query: str, endpoint: str) -> str:
    assert f"SERVICE <{WIKIDATA}>" in query
    return query.replace(f"SERVICE <{WIKIDATA}>", f"SERVICE <{endpoint}>")


@pytest.fixture(scope="module")
def wikidata() -> Iterator[str]:
    with start_oxigraph(None, union=False) as s:
        load_wikidata_fixture(s.store_url)
        yield s.query_url


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dataset(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def embedded(dist: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(dist / "kamerkg.nq"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def server(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_oxigraph(tmp_path_factory.mktemp("ox") / "db") as s:
        kload.load(dist, s.store_url)
        yield s.query_url


def rows(res: object) -> list[dict[str, str]]:
    assert not isinstance(res, bool)
    names, rs = res  # type: ignore[misc]
    return [dict(zip(names, r, strict=True)) for r in rs]


def test_federated_queries_are_documented_and_kept_apart() -> None:
    assert len(FEDERATED) >= 2
    top = {p.name for p in (ROOT / "queries").glob("*.rq")}
    for q in FEDERATED:
        text = q.read_text(encoding="utf-8")
        assert f"SERVICE <{WIKIDATA}>" in text
        header = [line for line in text.splitlines() if line.startswith("#")]
        assert any(line.startswith("# title:") for line in header), q.name
        assert any(line.startswith("# needs:") and "federation" in line for line in header), q.name
        assert q.name not in top


def test_minister_birth_date(wikidata: str, embedded: ox.Store, server: str) -> None:
    query = local(
        (ROOT / "queries" / "federated" / "minister-birth-dates.rq").read_text(encoding="utf-8"), wikidata
    )
    got = rows(embedded_answers(embedded, query))
    bijleveld = [r for r in got if r["person"].endswith("/person/bijleveld-schouten")]
    assert bijleveld, got
    assert bijleveld[0]["born"] == "1962-03-09"
    assert bijleveld[0]["post"] == "Minister van Defensie"
    assert bijleveld[0]["term_start"] == "2017-10-26"
    assert bijleveld[0]["age_at_start"] == "55"
    # the same through an Oxigraph server, which federates too
    assert rows(remote_answers(server, query)) == got


def test_nato_membership_at_meetings(wikidata: str, embedded: ox.Store, server: str) -> None:
    query = local(
        (ROOT / "queries" / "federated" / "nato-membership-at-meetings.rq").read_text(encoding="utf-8"),
        wikidata,
    )
    got = rows(embedded_answers(embedded, query))
    assert got, "no NATO meeting with participants in the dataset"
    since = {
        "http://www.wikidata.org/entity/Q33": "2023-04-04",
        "http://www.wikidata.org/entity/Q34": "2024-03-07",
    }
    for r in got:
        member = r["member_since"] != "" and r["member_since"] <= r["start"]
        assert r["member_at_meeting"] == ("true" if member else "false"), r
    finland = [r for r in got if r["country"].endswith("/country/finland")]
    assert finland and finland[0]["member_since"] == since["http://www.wikidata.org/entity/Q33"]
    # Finland joined in 2023: at a meeting before that it was a partner, not a member
    assert all(r["member_at_meeting"] == "false" for r in finland if r["start"] < "2023-04-04")
    assert rows(remote_answers(server, query)) == got
