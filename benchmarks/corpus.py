"""Synthetic corpora of any size, made from the real source documents in ``data/sources/``.

How a document is made (deterministic for a given seed, so every run benchmarks the same corpus):

1. Template: document ``i`` takes real document ``i mod n`` as its template, so the mix of layouts
   (PDF text, officielebekendmakingen, openkamer, tkconv, Kamervragen, ...) is the real one.
2. New identity: the template's own identifier is rewritten in every form it appears in the text
   (``kst-28676-339``, ``28676-339``, ``Nr. 339``/``nr. 339``, ``2021Z01641``, ``ah-tk-20192020-3764``):
   the dossier stays (so dossier and register links stay realistic) and the number becomes
   ``100000 + i``, which makes every identifier unique. The file is named after the new identifier.
3. New dates: every year 1990-2029 in the text (dates, vergaderjaren) is shifted by one per-document
   offset in -15..+5, so dates, vergaderjaar and meeting keys vary but stay consistent inside a document.
4. Recombined paragraphs: a template with at least five blank-line separated paragraphs keeps its
   first two (the heading, with the document type and date) and last two (signatures); each of its
   middle paragraphs is replaced by a middle paragraph drawn at random from all templates (page
   furniture lines removed). The number of paragraphs is the template's, so the size and the density
   of entities, meetings and citations match the real documents. Templates with fewer paragraphs
   (Kamervragen, which have no blank lines) keep their text, with steps 2 and 3 applied.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

YEAR_RE = re.compile(r"\b(199\d|20[0-2]\d)\b")
PARA_SPLIT = re.compile(r"\n[ \t]*\n")
FURNITURE_RE = re.compile(
    r"(?m)^[ \t]*(?:(?:kst|ah-tk|kv-tk|blg)-\S+|ISSN[ \t]+\d{4}.*|[’'‘]s-Gravenhage[ \t]+\d{4}.*"
    r"|Tweede Kamer, vergaderjaar[ \t]+\d{4}[–-]\d{4}, .*\bnr\. .*)[ \t]*$\n?"
)
KST = re.compile(r"^kst-(?P<dos>\d+(?:-[0-9A-Z]+)?)-(?P<nr>\d+)$")
AH = re.compile(r"^ah-tk-(?P<y1>\d{4})(?P<y2>\d{4})-(?P<nr>\d+)$")
KV = re.compile(r"^kv-tk-(?P<y>\d{4})Z(?P<nr>\d+)$")


@dataclass(frozen=True)
class Template:
    doc_id: str
    text: str
    paragraphs: tuple[str, ...]


def load_templates(sources: Path) -> list[Template]:
    out = []
    for p in sorted(sources.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out.append(Template(p.stem, text, tuple(PARA_SPLIT.split(text))))
    return out


def _own_forms(templates: list[Template]) -> re.Pattern[str]:
    """Identifiers of all templates in the forms they take in text: kst-28676-339, 28676-339, 2021Z01641."""
    forms = set()
    for t in templates:
        forms.add(t.doc_id)
        if m := KST.match(t.doc_id):
            forms.add(f"{m['dos']}-{m['nr']}")
        if m := KV.match(t.doc_id):
            forms.add(f"{m['y']}Z{m['nr']}")
    return re.compile("|".join(rf"\b{re.escape(f)}\b" for f in sorted(forms, key=len, reverse=True)))


def _middle_pool(templates: list[Template]) -> list[str]:
    """Middle paragraphs of all templates, without page furniture and with their own identifiers
    replaced by a placeholder that becomes the new document's identifier."""
    own = _own_forms(templates)
    pool = []
    for t in templates:
        if len(t.paragraphs) >= 5:
            m = KST.match(t.doc_id) or AH.match(t.doc_id)
            # the template's own number in a heading ("Nr. 177 VERSLAG ..."): the new document's number
            own_nr = re.compile(rf"\b([Nn]r\.?\s*){m['nr']}\b") if m else None
            for para in t.paragraphs[2:-2]:
                clean = own.sub("\x00ID\x00", FURNITURE_RE.sub("", para)).strip("\n")
                if own_nr is not None:
                    clean = own_nr.sub("\\g<1>\x00NR\x00", clean)
                if clean.strip():
                    pool.append(clean)
    return pool


def _rename(text: str, doc_id: str, number: int, delta: int) -> tuple[str, str]:
    """The text with the template's identifier replaced and its years shifted; the new identifier."""
    subs: list[tuple[re.Pattern[str], str]] = []
    if m := KST.match(doc_id):
        dos, nr = m["dos"], m["nr"]
        new_id = f"kst-{dos}-{number}"
        subs = [
            (re.compile(re.escape(doc_id)), "\x00ID\x00"),
            (re.compile(rf"\b{re.escape(dos)}-{nr}\b"), f"{dos}-\x00NR\x00"),
            (re.compile(rf"\b([Nn]r\.?\s*){nr}\b"), "\\g<1>\x00NR\x00"),
        ]
    elif m := AH.match(doc_id):
        y1 = int(m["y1"]) + delta
        new_id = f"ah-tk-{y1}{y1 + 1}-{number}"
        subs = [
            (re.compile(re.escape(doc_id)), "\x00ID\x00"),
            (re.compile(rf"\b([Nn]r\.?\s*){m['nr']}\b"), "\\g<1>\x00NR\x00"),
        ]
    elif m := KV.match(doc_id):
        y = int(m["y"]) + delta
        new_id = f"kv-tk-{y}Z{number:05d}"
        subs = [
            (re.compile(re.escape(doc_id)), "\x00ID\x00"),
            (re.compile(rf"\b{m['y']}Z{m['nr']}\b"), "\x00KV\x00"),
        ]
    else:
        new_id = f"{doc_id}-{number}"
        subs = [(re.compile(re.escape(doc_id)), "\x00ID\x00")]
    for rx, rep in subs:
        text = rx.sub(rep, text)
    text = YEAR_RE.sub(lambda mm: str(int(mm.group(1)) + delta), text)
    kv = new_id.removeprefix("kv-tk-")
    text = text.replace("\x00ID\x00", new_id).replace("\x00NR\x00", str(number))
    return text.replace("\x00KV\x00", kv), new_id


def generate(sources: Path, out: Path, n: int, seed: int = 6) -> list[Path]:
    """Write ``n`` documents made from the templates in ``sources`` into ``out``; return their paths."""
    templates = load_templates(sources)
    if not templates:
        raise SystemExit(f"{sources}: no *.txt templates")
    pool = _middle_pool(templates)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        t = templates[i % len(templates)]
        delta = rng.randint(-15, 5)
        if len(t.paragraphs) >= 5 and pool:
            mid = [rng.choice(pool) for _ in t.paragraphs[2:-2]]
            text = "\n\n".join([*t.paragraphs[:2], *mid, *t.paragraphs[-2:]])
        else:
            text = t.text
        text, new_id = _rename(text, t.doc_id, 100000 + i, delta)
        p = out / f"{new_id}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths
