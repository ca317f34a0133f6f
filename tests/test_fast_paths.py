"""Regexes rewritten for speed match what the first versions matched (issue 6: worker CPU per document)."""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path

from kamerkg.extract.document import DOC_TYPE_NEEDS, DOC_TYPES
from kamerkg.extract.meetings import SENT_END_RE

ROOT = Path(__file__).parent.parent
# the sentence-end regex as first written (lookbehinds before the end character)
SENT_END_FIRST = re.compile(
    r"(?<!\bjl)(?<!\bnr)(?<!\bd\.d)(?<!\ba\.s)(?<!\bo\.a)(?<!\bbijv)(?<!\bresp)(?<!\b[A-Z])[.!?](?"
    r"=\s+[A-Z(«\d]|\s*$)|\n[ \t]*\n"
)


def _texts(tmp_path: Path) -> list[str]:
    files = sorted((ROOT / "data" / "sources").glob("*.txt"))
    files += sorted((ROOT / "tests" / "fuzz" / "corpus").glob("*"))
    corpus = importlib.import_module("benchmarks.corpus")  # never a silent skip
    files += corpus.generate(ROOT / "data" / "sources", tmp_path, 120, seed=5)
    return [f.read_text(encoding="utf-8") for f in files]


def _spans(rx: re.Pattern[str], text: str, a: int, b: int) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text, a, b)]


def test_sentence_ends_as_first_written(tmp_path: Path) -> None:
    rng = random.Random(3)
    for text in _texts(tmp_path):
        assert _spans(SENT_END_RE, text, 0, len(text)) == _spans(SENT_END_FIRST, text, 0, len(text))
        for _ in range(20):  # the windows _sentence_bounds reads
            a = rng.randrange(len(text))
            b = min(len(text), a + rng.randint(0, 1600))
            assert _spans(SENT_END_RE, text, a, b) == _spans(SENT_END_FIRST, text, a, b)
            m, f = SENT_END_RE.search(text, a, b), SENT_END_FIRST.search(text, a, b)
            assert (m and m.span()) == (f and f.span())
    pieces = ["jl", "nr", "d.d", "a.s", "o.a", "bijv", "resp", "A", "b", ".", "!", "?", " ", "\n", "\t", "(",
              "«", "1", "x", "Xjl"]
    for _ in range(50000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert _spans(SENT_END_RE, text, a, b) == _spans(SENT_END_FIRST, text, a, b), (text, a, b)


def test_doc_type_needs_hold_for_every_match(tmp_path: Path) -> None:
    """Each document-type pattern matches only texts holding one of its needed pieces (else doc_type
    skips the pattern), checked on every heading the sources and a generated corpus have."""
    assert len(DOC_TYPE_NEEDS) == len(DOC_TYPES)
    texts = _texts(tmp_path)
    seen = 0
    for text in texts:
        for part in (text[:4000], text):
            for (pat, _), needs in zip(DOC_TYPES, DOC_TYPE_NEEDS, strict=True):
                if re.search(pat, part, re.MULTILINE):
                    seen += 1
                    assert any(s in part for s in needs), pat
    assert seen > 50


def test_organisation_regexes_need_their_pieces(tmp_path: Path) -> None:
    """_unknown_organisations runs ORG_ABBR_RE / ORG_OF_RE only on texts holding what every match holds."""
    from kamerkg.extract.entities import ORG_ABBR_NEEDS, ORG_ABBR_RE, ORG_OF_NEEDS, ORG_OF_RE

    rng = random.Random(9)
    seen = 0
    for text in _texts(tmp_path):
        for rx, need in ((ORG_ABBR_RE, ORG_ABBR_NEEDS), (ORG_OF_RE, ORG_OF_NEEDS)):
            for m in rx.finditer(text):
                seen += 1
                assert need.search(m.group(0)), m.group(0)
    words = ["Agentschap", "Ministerie", "Coördinator", "van", "voor", "de", "het", "Defensie", "(EDA)",
             "(X)", " ", "\n", "Europees", "agentschap", "-", "en", "(Ab)", "Office"]
    for _ in range(20000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 10)))
        for rx, need in ((ORG_ABBR_RE, ORG_ABBR_NEEDS), (ORG_OF_RE, ORG_OF_NEEDS)):
            for m in rx.finditer(text):
                seen += 1
                assert need.search(m.group(0)), (text, m.group(0))
    assert seen > 100


def test_mapping_literals_are_rdflibs() -> None:
    """mapping._lit makes the Literal rdflib's constructor makes (value, language, datatype, lexical form)."""
    from rdflib import Literal

    from kamerkg.mapping import _lit

    rng = random.Random(4)
    values: list[object] = ["", "abc", " x\n", "é", "\ud800", "Raad Buitenlandse Zaken", "1", True, 3, 2.5]
    values += ["".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    for v in values:
        for lang in (None, "nl", "en", ""):
            want, got = Literal(v, lang=lang), _lit(v, lang)
            assert type(got) is Literal
            assert str(got) == str(want)
            for slot in ("_language", "_datatype", "_value", "_ill_typed"):
                assert getattr(got, slot) == getattr(want, slot), (v, lang, slot)
                assert type(getattr(got, slot)) is type(getattr(want, slot)), (v, lang, slot)
            assert got == want and hash(got) == hash(want)


def test_excluded_before_as_the_regex(tmp_path: Path) -> None:
    from kamerkg.extract.meetings import EXCLUDE_BEFORE_RE, EXCLUDE_LONGEST, _excluded_before

    # the longest a match can be without its closing white space
    words = EXCLUDE_BEFORE_RE.pattern[: EXCLUDE_BEFORE_RE.pattern.rindex(r"\s*$")]
    assert max(len(w) for w in re.sub(r"^\(\?:|\)$", "", words).split("|")) <= EXCLUDE_LONGEST
    rng = random.Random(8)
    hits = 0
    for text in _texts(tmp_path):
        for _ in range(200):
            i = rng.randrange(len(text))
            before = text[max(0, i - 200) : i]
            want = EXCLUDE_BEFORE_RE.search(before) is not None
            hits += want
            assert _excluded_before(before) == want, before[-40:]
    pieces = ["Vastgesteld", "BIJ BRIEF VAN", "tot en met", "na", "voor", "x", " ", "\n", "\t", "\u00a0",
              "\u2003", "Ukraina", "K", "datum van"]
    for _ in range(30000):
        before = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        want = EXCLUDE_BEFORE_RE.search(before) is not None
        hits += want
        assert _excluded_before(before) == want, before
    assert hits > 100


def test_register_matchers_as_plain_alternations(tmp_path: Path) -> None:
    """The mention matchers (a trie of the register's forms) find what the alternation of the forms, longest
    first, finds: same spans, same text."""
    from kamerkg.config import settings
    from kamerkg.extract.entities import matcher
    from kamerkg.registers import load_registers

    reg = load_registers(settings())
    texts = _texts(tmp_path)
    rng = random.Random(12)
    for kinds in (("organisation", "country", "place", "post", "person"), ("topic", "coretask"),
                  ("organisation",)):
        pattern, by_form = matcher(reg, kinds)
        forms = sorted(by_form, key=lambda f: (-len(f), f))
        alts = "|".join(r"\s+".join(re.escape(w) for w in f.split(" ")) for f in forms)
        plain = re.compile(r"(?<![\w])(?:" + alts + r")(?:(?![\w])|(?=\d{1,2}(?![\w])))")
        assert pattern.pattern != plain.pattern  # the trie is in use
        mixed = []
        for _ in range(300):  # forms glued, cut, broken across lines, with footnote markers and hyphens
            parts = []
            for _ in range(rng.randint(1, 12)):
                f = rng.choice(forms)
                if rng.random() < 0.3:
                    f = f[: rng.randint(1, len(f))]
                if rng.random() < 0.2:
                    f = f.replace(" ", rng.choice(["\n", "  ", " \n "]))
                parts.append(f + rng.choice(["", " ", "1", "12", "123", "-", "s", ", ", "\n", "x"]))
            mixed.append("".join(parts))
        for text in texts + mixed:
            got = [(m.span(), m.group(0)) for m in pattern.finditer(text)]
            assert got == [(m.span(), m.group(0)) for m in plain.finditer(text)]


def test_regexes_need_their_pieces(tmp_path: Path) -> None:
    """Every match of a regex run through kamerkg.extract.needs holds one of its needed pieces."""
    from kamerkg.extract import citations as c
    from kamerkg.extract import document as d
    from kamerkg.extract import meetings as m
    from kamerkg.extract import sections as s

    pairs = [(c.KST_RE, c.KST_NEEDS), (c.KST_ID_FORM_RE, c.KST_NEEDS), (c.AH_RE, c.AH_NEEDS),
             (c.HAND_RE, c.HAND_NEEDS), (d.STATED_DATE_RE, d.STATED_DATE_NEEDS),
             (m.FOLLOWING_RE, m.FOLLOWING_NEEDS), (m.ATTEND_RE, m.ATTEND_NEEDS),
             (s.COMMIT_RE, s.COMMIT_NEEDS)]
    texts = _texts(tmp_path)
    texts += [  # one of each kind at least
        "Kamerstuk 21501-28-262 en Kamerstukken 28 676, nr. 339; Kamerstuk II 2019/20, 28 676, nrs. 1 en 2",
        "Aanhangsel Handelingen II 2019/20, nr. 3764 en Handelingen II 2019/20, nr. 12, item 3",
        "Vastgesteld 3 maart 2020. ingezonden 1 april 2020 Ontvangen 2 mei 2021 Ingediend 4 juni 2022",
        "Aansluitend op de RBZ Defensie zal er een Bestuursraad van het EDA plaatsvinden.",
        "zal een vertegenwoordiger aanwezig zijn; Finland zal deelnemen, Zweden nemen deel,",
        "zij schuiven aan.",
        "Over de uitkomst wordt uw Kamer na afloop geïnformeerd door de Minister van Defensie.",
    ]
    seen = {id(rx): 0 for rx, _ in pairs}
    for text in texts:
        for rx, needs in pairs:
            for mt in rx.finditer(text):
                seen[id(rx)] += 1
                assert any(n in mt.group(0) for n in needs), (rx.pattern[:40], mt.group(0))
    assert all(seen.values()), seen


def _first_chars(items) -> tuple[set[str], bool]:  # type: ignore[no-untyped-def]
    """The characters a match of the parsed pattern ``items`` can begin with, and whether it can be empty."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            return out | {chr(av)}, False
        if op is c.IN:
            for o, a in av:
                if o is c.LITERAL:
                    out.add(chr(a))
                elif o is c.RANGE:
                    out |= {chr(x) for x in range(a[0], a[1] + 1)}
                else:
                    raise AssertionError(f"not modelled: {o}")
            return out, False
        if op is c.BRANCH:
            empty = False
            for alt in av[1]:
                s, e = _first_chars(alt)
                out |= s
                empty = empty or e
            if not empty:
                return out, False
        elif op is c.SUBPATTERN:
            s, e = _first_chars(av[-1])
            out |= s
            if not e:
                return out, False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            s, e = _first_chars(av[2])
            out |= s
            if av[0] > 0 and not e:
                return out, False
        elif op is not c.AT:
            raise AssertionError(f"not modelled: {op}")
    return out, True


def test_meeting_mention_lookahead_names_every_first_character(tmp_path: Path) -> None:
    from re import _parser  # type: ignore[attr-defined]

    from kamerkg.extract.meetings import MENTION_FIRST, MENTION_RE, MODIFIER, TRIGGER

    first, empty = _first_chars(_parser.parse(MODIFIER + TRIGGER))
    assert not empty and first <= set(MENTION_FIRST), sorted(first - set(MENTION_FIRST))
    plain = re.compile(MENTION_RE.pattern.replace(f"(?=[{MENTION_FIRST}])", "", 1))
    assert plain.pattern != MENTION_RE.pattern
    for text in _texts(tmp_path):
        assert [m.span() for m in MENTION_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]
