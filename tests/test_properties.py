"""Property-based tests (hypothesis) on the parser, the extractors and IRI minting (issue 7).

For any input: the parser refuses it with a :class:`SourceError` or gives a body whose offsets point
into the text; the extractors never raise and their spans stay inside the text; every IRI minted from
text is a valid IRI (pyoxigraph accepts it, N-Triples round-trips it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamerkg.config import settings as kamerkg_settings
from kamerkg.errors import KamerkgError, SourceError
from kamerkg.extract.dates import find_dates
from kamerkg.link import Minted, person_key, place_key, slug
from kamerkg.pipeline import map_document
from kamerkg.registers import Registers, load_registers
from kamerkg.sources import parse

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
from make_bad_inputs import SEED, renumber  # noqa: E402

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# characters RFC 3987 forbids in an IRI, and what an N-Triples IRI may not hold
IRI_BAD = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
PROFILE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# text that looks like a Kamerstuk often enough to reach the extractors: words, dates, citations, names
WORDS = st.sampled_from(
    [
        "Kamerstuk",
        "28 676,",
        "nr.",
        "338",
        "(28 676, nr. 71)",
        "op",
        "15",
        "april",
        "2020",
        "31",
        "februari",
        "jl.",
        "a.s.",
        "bijeenkomst",
        "van",
        "de",
        "ministers",
        "Defensie",
        "De Minister van Defensie,",
        "A.Th.B.",
        "Bijleveld-Schouten",
        "\n",
        "\n\n",
        ".",
        ",",
        "Den Haag,",
        "9 april 2020",
        "NAVO",
        "EU",
        "Aanhangsel Handelingen II 2019/20, nr. 2393",
        "Per abuis",
        "is",
        "genoemd, dat moet zijn",
        "wordt uw Kamer",
        "geïnformeerd door de Minister van Defensie",
        "gem-\nschappelijk",
        "<script>",
        '"""',
        "\\",
        "\u202e",
        "\u00a0",
        "\u2028",
        "\x0b",
        "Tweede Kamer, vergaderjaar 2019–2020, 28 676, nr. 339 1",
        "kst-28676-339",
        "ISSN 0921 - 7371",
        "’s-Gravenhage 2020",
        "De heer",
        "(VVD)",
        "Vragen van het lid",
    ]
)
DOCISH = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=80).map(" ".join)


@pytest.fixture(scope="module")
def reg() -> Registers:
    return load_registers(kamerkg_settings())


def _valid_iri(iri: str) -> None:
    assert not IRI_BAD.search(iri), iri
    node = ox.NamedNode(iri)  # raises on an invalid IRI
    back = list(ox.parse(f"<{iri}> <urn:p> <urn:o> .\n".encode(), format=ox.RdfFormat.N_TRIPLES))
    assert back[0].subject == node


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_slug_is_always_a_safe_path_segment(s: str) -> None:
    out = slug(s)
    assert out == "x" or SLUG_RE.fullmatch(out), out
    assert 1 <= len(out) <= 80
    assert slug(s) == out  # deterministic
    _valid_iri(f"https://w3id.org/kamerkg/id/person/{out}")


@given(name=st.text(min_size=1, max_size=60))
@PROFILE
def test_minted_keys_are_valid_iris(name: str, reg: Registers) -> None:
    minted: dict[str, Minted] = {}
    s = kamerkg_settings()
    for key in (person_key(reg, name, minted), place_key(reg, name, minted)):
        _valid_iri(s.ids + key)


@given(data=st.binary(max_size=3000))
@PROFILE
def test_parser_refuses_or_maps_offsets_into_the_text(
    data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    p = tmp_path_factory.mktemp("prop") / "x.txt"
    p.write_bytes(b"Tweede Kamer\n" + data if data[:1] != b"\x00" else data)
    try:
        doc = parse(p)
    except SourceError as e:
        assert str(p) in str(e) and "\n" not in str(e)
        return
    assert len(doc.body) == len(doc.offsets)
    assert all(0 <= o < len(doc.text) for o in doc.offsets)
    assert all(a <= b for a, b in zip(doc.offsets, doc.offsets[1:], strict=False))


@given(body=DOCISH)
@PROFILE
def test_extraction_never_crashes_and_mints_valid_iris(
    body: str, reg: Registers, tmp_path_factory: pytest.TempPathFactory
) -> None:
    seed = renumber(SEED.read_text(encoding="utf-8"), 9200)
    i = seed.index("\n\n") + 2
    p = tmp_path_factory.mktemp("prop") / "kst-28676-9200.txt"
    p.write_text(seed[:i] + body + "\n\n" + seed[i:], encoding="utf-8")
    try:
        linked, triples = map_document(p, kamerkg_settings(), reg)
    except KamerkgError:
        return  # a clear refusal (e.g. a curated quote no longer found) is fine
    text = linked.extraction.doc.text
    for c in linked.extraction.citations:
        assert 0 <= c.evidence.span.start <= c.evidence.span.end <= len(text)
    for m in linked.extraction.meetings:
        assert 0 <= m.evidence.span.start <= m.evidence.span.end <= len(text)
        assert m.start is None or m.end is None or m.start <= m.end
    nodes = {str(t) for tr in triples.triples for t in tr if t.__class__.__name__ == "URIRef"}
    for iri in nodes:
        _valid_iri(iri)


@given(text=DOCISH)
@settings(max_examples=200, deadline=None)
def test_dates_are_real_dates_with_spans_in_the_text(text: str) -> None:
    for d in find_dates(text):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start : d.end] == d.text
        assert (d.first is None) == (d.last is None) or d.first is not None
        if d.first and d.last:
            assert d.first <= d.last


@given(name=st.text(min_size=1, max_size=40))
@settings(max_examples=150, deadline=None)
def test_text_in_a_sparql_query_cannot_break_out(name: str) -> None:
    """Names read from documents go into the Wikidata lookup query as escaped literals: the query
    always parses, and the literal holds exactly the name (no SPARQL injection)."""
    from kamerkg.linking import Entity, candidate_query

    e = Entity(
        iri="https://w3id.org/kamerkg/id/person/x",
        types=[],
        labels=[(name, "nl", "prefLabel")],
        register=None,
    )
    q = candidate_query(e)
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("http://www.wikidata.org/entity/Q1"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal(name, language="nl"),
        )
    )
    rows = list(store.query(q))  # a SyntaxError here would be an injection
    names = set(e.names())
    if name in names:
        assert any(r["text"] == ox.Literal(name, language="nl") for r in rows)
