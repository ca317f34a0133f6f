"""Evaluation: compare the fact sheets the pipeline computes with hand-checked truth files.

``evaluate(truth_dir, docs_dir)`` builds the fact sheet of every ``docs_dir/<id>.txt`` that has a
``truth_dir/<id>.json`` and scores it key by key, as ``FACTS.md`` says: values are compared as sets
(scalars as sets of at most one value, null being the empty set); numbers and dates exactly; names
after case, accent, dash and white-space folding; organisations and countries through the registers'
text forms (an alias matches its canonical name); meetings by their (start, end) dates; references by
(dossier, number). Precision, recall and F1 are micro-averaged over the documents, per key and over all.

``kamerkg eval TRUTH_DIR DOCS_DIR`` prints the table (``--details`` adds each document's misses).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kamerkg.errors import KamerkgError

KEYS = [
    "id",
    "dossier_numbers",
    "document_number",
    "dossier_title",
    "document_type",
    "date",
    "vergaderjaar",
    "signatories",
    "meetings_mentioned",
    "organisations_mentioned",
    "countries_mentioned",
    "documents_referenced",
]


def fold(s: object) -> str:
    """Case, accent, dash and white-space folding of a name."""
    t = unicodedata.normalize("NFKD", str(s))
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.casefold()


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocScore:
    doc_id: str
    scores: dict[str, Score] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # key -> truth items not found
    extra: dict[str, list[str]] = field(default_factory=dict)  # key -> computed items not in the truth
    error: str | None = None


@dataclass
class EvalResult:
    docs: list[DocScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line per truth file without a document

    def per_key(self) -> dict[str, Score]:
        out = {k: Score() for k in KEYS}
        for d in self.docs:
            for k, s in d.scores.items():
                out[k].add(s)
        return out

    def overall(self) -> Score:
        tot = Score()
        for s in self.per_key().values():
            tot.add(s)
        return tot

    def table(self) -> str:
        rows = [f"{'key':<26}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for k, s in [*self.per_key().items(), ("overall", self.overall())]:
            rows.append(f"{k:<26}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        return "\n".join(rows)

    def as_dict(self) -> dict[str, object]:
        def d(s: Score) -> dict[str, float | int]:
            return {
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }

        return {
            "documents": [x.doc_id for x in self.docs],
            "keys": {k: d(s) for k, s in self.per_key().items()},
            "overall": d(self.overall()),
            "errors": {x.doc_id: x.error for x in self.docs if x.error},
            "skipped": self.skipped,
        }


def _alias_index() -> dict[str, str]:
    """Folded text form -> canonical key, from the registers (organisations, countries, places)."""
    from kamerkg.config import settings
    from kamerkg.registers import load_registers

    reg = load_registers(settings())
    idx: dict[str, str] = {}
    for e in reg.entries.values():
        if e.kind in ("organisation", "country", "place"):
            for f in (e.canonical, *e.forms):
                idx.setdefault(fold(f), e.key)
    return idx


def _items(key: str, value: object, aliases: dict[str, str]) -> Counter[str]:
    """The comparable items of one key of a fact sheet."""
    if value is None or value == "" or value == []:
        return Counter()
    if key in ("organisations_mentioned", "countries_mentioned"):
        vals = value if isinstance(value, list) else [value]
        return Counter({aliases.get(fold(v), fold(v)) for v in vals})
    if key == "signatories":
        return Counter({fold(s.get("name", "")) for s in value if isinstance(s, dict)})  # type: ignore[union-attr]
    if key == "meetings_mentioned":
        out: Counter[str] = Counter()
        for m in value:  # type: ignore[union-attr]
            start = m.get("start_date")
            end = m.get("end_date") or start
            out[f"{start}..{end}"] += 1
        return out
    if key == "documents_referenced":
        refs = set()
        for r in value:  # type: ignore[union-attr]
            dos = ", ".join(sorted(p.strip() for p in str(r.get("dossier") or "").split(",") if p.strip()))
            refs.add(f"({dos}, {r.get('number')})")
        return Counter(refs)
    if key == "dossier_numbers":
        return Counter({re.sub(r"\s+", "", str(v)) for v in value})  # type: ignore[union-attr]
    if key in ("dossier_title", "document_type"):
        return Counter({fold(value)})
    return Counter({str(value).strip()})


def compare(
    truth: dict[str, object], sheet: dict[str, object], aliases: dict[str, str] | None = None
) -> DocScore:
    """Score one computed fact sheet against its truth file."""
    aliases = _alias_index() if aliases is None else aliases
    ds = DocScore(str(truth.get("id") or sheet.get("id")))
    for k in KEYS:
        t = _items(k, truth.get(k), aliases)
        p = _items(k, sheet.get(k), aliases)
        tp = sum((t & p).values())
        ds.scores[k] = Score(tp, sum(p.values()) - tp, sum(t.values()) - tp)
        if t - p:
            ds.missing[k] = sorted((t - p).elements())
        if p - t:
            ds.extra[k] = sorted((p - t).elements())
    return ds


def _load_truth(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise KamerkgError(f"{path}: cannot read the truth file ({e})") from None
    except json.JSONDecodeError as e:
        raise KamerkgError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(data, dict):
        raise KamerkgError(f"{path}: not a fact sheet (a JSON object is expected)")
    return data


def _default_sheet(path: Path) -> dict[str, object]:
    from kamerkg.api import facts

    return facts(path)


def evaluate(
    truth_dir: str | Path,
    docs_dir: str | Path,
    sheet_of: Callable[[Path], dict[str, object]] | None = None,
    only: Iterable[str] | None = None,
) -> EvalResult:
    """Score the fact sheet of every document in ``docs_dir`` that has a truth file in ``truth_dir``."""
    truth_dir, docs_dir = Path(truth_dir), Path(docs_dir)
    for d, what in ((truth_dir, "truth folder"), (docs_dir, "documents folder")):
        if not d.is_dir():
            raise KamerkgError(f"{d}: no such {what}")
    truths = sorted(truth_dir.glob("*.json"))
    if not truths:
        raise KamerkgError(f"{truth_dir}: no truth files (*.json) here")
    wanted = set(only) if only else None
    sheet_of = sheet_of or _default_sheet
    aliases = _alias_index()
    res = EvalResult()
    for tp in truths:
        if wanted is not None and tp.stem not in wanted:
            continue
        truth = _load_truth(tp)
        doc = next(
            (
                docs_dir / f"{tp.stem}{ext}"
                for ext in (".txt", ".xml", ".html")
                if (docs_dir / f"{tp.stem}{ext}").exists()
            ),
            None,
        )
        if doc is None:
            res.skipped.append(f"{tp}: no document {tp.stem}.txt in {docs_dir}; not scored")
            continue
        try:
            sheet = sheet_of(doc)
            error = None
        except KamerkgError as e:
            sheet, error = {}, str(e)
        ds = compare(truth, sheet, aliases)
        ds.error = error
        res.docs.append(ds)
    if not res.docs:
        raise KamerkgError(f"{docs_dir}: no document has a truth file in {truth_dir}")
    return res


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("eval", help="compare fact sheets with truth files: precision, recall and F1 per key")
    p.add_argument("truth_dir", metavar="TRUTH_DIR", help="folder of <id>.json truth files")
    p.add_argument("docs_dir", metavar="DOCS_DIR", help="folder of <id>.txt documents")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--details", action="store_true", help="also list each document's misses and extras")
    p.add_argument("--only", action="append", metavar="ID", help="score only this document (repeatable)")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    res = evaluate(args.truth_dir, args.docs_dir, only=args.only)
    for line in res.skipped:
        print(f"kamerkg: note: {line}", file=sys.stderr)
    for d in res.docs:
        if d.error:
            print(f"kamerkg: error: {d.error}", file=sys.stderr)
    if args.json:
        print(json.dumps(res.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{len(res.docs)} document(s) scored")
        print(res.table())
    if args.details:
        for d in res.docs:
            if not d.missing and not d.extra:
                continue
            print(f"\n{d.doc_id}")
            for k in KEYS:
                if k in d.missing:
                    print(f"  - {k}: missing {d.missing[k]}")
                if k in d.extra:
                    print(f"  + {k}: extra {d.extra[k]}")
    return 1 if any(d.error for d in res.docs) else 0


__all__ = ["EvalResult", "Score", "compare", "evaluate", "fold"]
