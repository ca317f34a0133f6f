"""``kamerkg fetch``: an SRU 2.0 client for repository.overheid.nl (officielebekendmakingen).

It searches with CQL on the documented indexes (``w.dossiernummer``, ``w.publicatienaam``,
``dt.modified``), pages through the results and downloads each record's XML edition and metadata by the
record's own item URLs into ``<out>/<id>/``: ``<id>.xml``, ``metadata.xml``, ``metadata_owms.xml`` and
``fetch.json`` (source URLs, retrieval time, version and file hashes). That folder is what
:func:`kamerkg.sources.parse` reads (the metadata is found beside the XML).

Polite by default: one request per ``delay`` seconds, retries with exponential backoff on 429/5xx and
connection errors (``Retry-After`` honoured), a User-Agent naming the project, and resumable: a record
whose version (its ``gzd:timestamp``) was already fetched completely is skipped.

The responses of the real service have quirks, all handled: ``numberOfRecords`` can be lower than the
number of records returned; a record's item URL can be broken (``httbroken://``); a record's content and
URLs can be those of another document (its URLs name a different identifier) — it is skipped with a
warning rather than stored under the wrong name.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from lxml import etree

from kamerkg import __version__ as VERSION
from kamerkg.errors import KamerkgError

DEFAULT_SRU_URL = "https://repository.overheid.nl/sru"
USER_AGENT = f"kamerkg/{VERSION} (linked-data knowledge graph of Kamerstukken; +https://w3id.org/kamerkg)"
NS = {
    "sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "gzd": "http://standaarden.overheid.nl/sru",
    "dcterms": "http://purl.org/dc/terms/",
    "diag": "http://docs.oasis-open.org/ns/search-ws/diagnostic",
    "ow": "http://standaarden.overheid.nl/wetgeving/",
    "cd": "http://standaarden.overheid.nl/cup/data",
}
PUBLICATION_NAMES = {"kamerstuk": "Kamerstuk", "aanhangsel": "Kamervragen (Aanhangsel)"}
# manifestation -> file name in <out>/<id>/
FILE_NAMES = {
    "xml": "{id}.xml",
    "html": "{id}.html",
    "metadata": "metadata.xml",
    "metadataowms": "metadata_owms.xml",
    "pdf": "{id}.pdf",
    "odt": "{id}.odt",
}
DEFAULT_FORMATS = ("xml", "metadata", "metadataowms")


class FetchError(KamerkgError):
    """The SRU service or a download failed for good (after retries)."""


@dataclass
class Record:
    identifier: str
    position: int | None
    version: str  # gzd:timestamp (else the expression's modification time)
    modified: str | None
    publication: str | None
    items: dict[str, str] = field(default_factory=dict)  # manifestation -> URL
    url: str | None = None  # gzd:url


@dataclass
class Page:
    total: int
    records: list[Record]
    next_position: int | None


@dataclass
class FetchResult:
    fetched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already fetched, same version
    failed: list[str] = field(default_factory=list)  # one line each: "<id>: <reason>"
    warnings: list[str] = field(default_factory=list)
    records_seen: int = 0
    requests: int = 0


def build_query(dossiers: list[str], since: str | None = None, doc_type: str | None = None) -> str:
    """The CQL query: the product area, the dossier number(s), the publication name, the modification date."""
    parts = ['c.product-area=="officielepublicaties"']
    if dossiers:
        ds = [f'w.dossiernummer=="{d}"' for d in dossiers]
        parts.append(ds[0] if len(ds) == 1 else "(" + " or ".join(ds) + ")")
    if doc_type:
        name = PUBLICATION_NAMES.get(doc_type.lower())
        if name is None:
            raise KamerkgError(f"--type {doc_type}: use Kamerstuk or Aanhangsel")
        parts.append(f'w.publicatienaam=="{name}"')
    if since:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
            raise KamerkgError(f"--since {since}: give a date as YYYY-MM-DD")
        parts.append(f"dt.modified>={since}")
    return " and ".join(parts)


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    return found.text.strip() if found is not None and found.text else None


def parse_page(data: bytes, where: str) -> Page:
    """One searchRetrieveResponse; raise :class:`FetchError` for a diagnostic or a broken response."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as e:
        raise FetchError(f"{where}: not an SRU response (not XML: {str(e).splitlines()[0]})") from None
    if etree.QName(root).localname != "searchRetrieveResponse":
        raise FetchError(f"{where}: not an SRU searchRetrieveResponse (root <{etree.QName(root).localname}>)")
    diag = root.find(".//diag:diagnostic", NS)
    if diag is not None:
        msg = _text(diag, "diag:message") or _text(diag, "diag:details") or "diagnostic"
        raise FetchError(f"{where}: the SRU service answered with a diagnostic: {msg}")
    total = int(_text(root, "sru:numberOfRecords") or 0)
    nxt = _text(root, "sru:nextRecordPosition")
    records = []
    for rec in root.iterfind("sru:records/sru:record", NS):
        ident = _text(rec, ".//dcterms:identifier")
        if not ident:
            continue
        enriched = rec.find(".//gzd:enrichedData", NS)
        items: dict[str, str] = {}
        url = None
        stamp = None
        if enriched is not None:
            for it in enriched.iterfind("gzd:itemUrl", NS):
                if it.text and it.get("manifestation"):
                    items[it.get("manifestation", "")] = it.text.strip()
            url = _text(enriched, "gzd:url")
            stamp = _text(enriched, "gzd:timestamp")
        expr = _text(rec, ".//cd:datumTijdstipWijzigingExpression")
        pos = _text(rec, "sru:recordPosition")
        records.append(
            Record(
                identifier=ident,
                position=int(pos) if pos and pos.isdigit() else None,
                version=stamp or expr or _text(rec, ".//dcterms:modified") or "",
                modified=_text(rec, ".//dcterms:modified"),
                publication=_text(rec, ".//ow:publicatienaam"),
                items=items,
                url=url,
            )
        )
    return Page(total, records, int(nxt) if nxt and nxt.isdigit() else None)


class Fetcher:
    """HTTP with a rate limit, retries with backoff and a User-Agent."""

    def __init__(
        self,
        delay: float = 1.0,
        retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 60.0,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.client = client or httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )
        self._last = 0.0
        self.requests = 0

    def get(self, url: str, params: dict[str, str | int] | None = None) -> bytes:
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise FetchError(f"{url}: not an http(s) URL")
        last_error = ""
        for attempt in range(self.retries + 1):
            wait = self._last + self.delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last = time.monotonic()
            self.requests += 1
            retry_after: float | None = None
            try:
                r = self.client.get(url, params=params)
            except httpx.HTTPError as e:
                last_error = f"{type(e).__name__}: {e}"
            else:
                if r.status_code == 200:
                    return r.content
                last_error = f"HTTP {r.status_code}"
                if r.status_code not in (429, 500, 502, 503, 504):
                    break  # 404 and the like do not get better by asking again
                ra = r.headers.get("Retry-After", "")
                retry_after = float(ra) if ra.replace(".", "", 1).isdigit() else None
            if attempt < self.retries:
                self.sleep(retry_after if retry_after is not None else self.backoff * (2**attempt))
        raise FetchError(f"{url}: {last_error} (after {self.requests and attempt + 1} attempt(s))")

    def close(self) -> None:
        self.client.close()


def search(
    fetcher: Fetcher, sru_url: str, query: str, page_size: int = 50, limit: int | None = None
) -> Iterator[Record]:
    """All records of a query, page by page (also when the server miscounts)."""
    start = 1
    seen = 0
    while True:
        data = fetcher.get(
            sru_url,
            {
                "operation": "searchRetrieve",
                "version": "2.0",
                "query": query,
                "startRecord": start,
                "maximumRecords": page_size,
                "recordSchema": "gzd",
            },
        )
        page = parse_page(data, f"{sru_url} (startRecord={start})")
        for rec in page.records:
            yield rec
            seen += 1
            if limit is not None and seen >= limit:
                return
        if not page.records:
            return
        nxt = page.next_position
        if nxt is None:
            nxt = start + len(page.records)
            if nxt > page.total:  # the server says there are no more
                return
        if nxt <= start:
            return  # a server that does not advance
        start = nxt


def _mentions_other_document(rec: Record) -> str | None:
    """The identifier named by the record's URLs when it is not the record's own."""
    for url in [rec.url or "", *rec.items.values()]:
        m = re.search(r"/((?:kst|ah-tk|kv-tk|blg|h-tk|stcrt|stb)-[0-9A-Za-z-]+)/\d+/", url)
        if m and m.group(1) != rec.identifier:
            return m.group(1)
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _already(folder: Path, rec: Record) -> bool:
    meta = folder / "fetch.json"
    if not meta.is_file():
        return False
    try:
        old = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if old.get("version") != rec.version or not rec.version:
        return False
    for name, digest in (old.get("files") or {}).items():
        p = folder / name
        if not p.is_file() or _sha256(p.read_bytes()) != digest:
            return False
    return True


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def fetch_record(
    fetcher: Fetcher, rec: Record, out: Path, formats: tuple[str, ...], warnings: list[str] | None = None
) -> dict[str, object]:
    """Download one record's manifestations into ``out/<id>/``; return its ``fetch.json``.

    The publication itself (``xml``) must come; a metadata file that cannot be had is a warning (the
    record is kept with what it has); a record of which nothing could be had fails."""
    folder = out / rec.identifier
    wanted = [f for f in formats if f in rec.items and urlsplit(rec.items[f]).scheme in ("http", "https")]
    if not wanted:
        raise FetchError(f"{rec.identifier}: the record has none of the manifestations {', '.join(formats)}")
    got: dict[str, bytes] = {}
    missing: list[str] = []
    for fmt in wanted:
        url = rec.items[fmt]
        try:
            data = fetcher.get(url)
        except FetchError as e:
            if fmt == "xml":
                raise
            missing.append(str(e))
            continue
        if fmt in ("xml", "metadata", "metadataowms", "html"):
            try:
                etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as e:
                raise FetchError(
                    f"{url}: the {fmt} manifestation is not XML ({str(e).splitlines()[0]})"
                ) from None
        got[FILE_NAMES[fmt].format(id=rec.identifier)] = data
    if not got:
        raise FetchError(f"{rec.identifier}: nothing could be downloaded ({'; '.join(missing)})")
    if warnings is not None:
        warnings.extend(f"{rec.identifier}: not downloaded: {m}" for m in missing)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in got.items():
        _write_atomic(folder / name, data)
    record = {
        "identifier": rec.identifier,
        "version": rec.version,
        "modified": rec.modified,
        "publication": rec.publication,
        "source_url": rec.items.get("xml") or rec.url,
        "items": rec.items,
        "retrieved": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "files": {name: _sha256(data) for name, data in sorted(got.items())},
    }
    _write_atomic(folder / "fetch.json", (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode())
    return record


def fetch(
    dossiers: list[str],
    out: str | Path = "data/raw",
    since: str | None = None,
    doc_type: str | None = None,
    limit: int | None = None,
    sru_url: str = DEFAULT_SRU_URL,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    page_size: int = 50,
    fetcher: Fetcher | None = None,
    progress: bool = False,
) -> FetchResult:
    """Search the SRU service and download what is new into ``out``; see the module doc."""
    out = Path(out)
    query = build_query(dossiers, since, doc_type)
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    result = FetchResult()
    seen: set[str] = set()
    bar = _Progress(progress)
    try:
        for rec in search(fetcher, sru_url, query, page_size, limit):
            result.records_seen += 1
            bar.advance(rec.identifier)
            if rec.identifier in seen:
                result.warnings.append(
                    f"{rec.identifier}: returned twice by the search; the second copy ignored"
                )
                continue
            seen.add(rec.identifier)
            other = _mentions_other_document(rec)
            if other:
                result.warnings.append(
                    f"{rec.identifier}: the record's URLs are those of {other}; skipped"
                )
                continue
            for fmt, url in rec.items.items():
                if urlsplit(url).scheme not in ("http", "https"):
                    result.warnings.append(f"{rec.identifier}: broken {fmt} item URL {url!r}; not followed")
            folder = out / rec.identifier
            if _already(folder, rec):
                result.skipped.append(rec.identifier)
                continue
            try:
                fetch_record(fetcher, rec, out, formats, result.warnings)
            except FetchError as e:
                result.failed.append(
                    str(e) if str(e).startswith(rec.identifier) else f"{rec.identifier}: {e}"
                )
                continue
            result.fetched.append(rec.identifier)
    finally:
        bar.close()
        result.requests = fetcher.requests
        if own:
            fetcher.close()
    return result


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.p = None
        if enabled:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.p = Progress(
                TextColumn("fetch"),
                BarColumn(),
                TextColumn("{task.completed} record(s) {task.description}"),
                TimeElapsedColumn(),
                transient=True,
            )
            self.p.start()
            self.task = self.p.add_task("", total=None)

    def advance(self, what: str) -> None:
        if self.p is not None:
            self.p.update(self.task, advance=1, description=what)

    def close(self) -> None:
        if self.p is not None:
            self.p.stop()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "fetch", help="download official XML and metadata by SRU search (repository.overheid.nl)"
    )
    p.add_argument("--dossier", action="append", default=[], help="dossier number (repeatable), e.g. 28676")
    p.add_argument("--since", help="only records modified on or after this date (YYYY-MM-DD)")
    p.add_argument("--type", dest="doc_type", choices=["Kamerstuk", "Aanhangsel"], help="publication type")
    p.add_argument("--limit", type=int, help="at most this many records")
    p.add_argument("--out", default="data/raw", help="output folder (default: data/raw)")
    p.add_argument("--sru-url", default=DEFAULT_SRU_URL, help=f"SRU endpoint (default: {DEFAULT_SRU_URL})")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between requests (default: 1)")
    p.add_argument("--retries", type=int, default=4, help="retries per request with backoff (default: 4)")
    p.add_argument("--page-size", type=int, default=50, help="records per SRU page (default: 50)")
    p.add_argument(
        "--formats",
        default=",".join(DEFAULT_FORMATS),
        help="manifestations to download (default: xml,metadata,metadataowms; also html, pdf, odt)",
    )
    p.set_defaults(func=cmd_fetch)


def cmd_fetch(args: argparse.Namespace) -> int:
    if not args.dossier and not args.since:
        raise KamerkgError("fetch: give --dossier (or --since) so the search is bounded")
    if args.limit is not None and args.limit < 1:
        raise KamerkgError(f"--limit {args.limit}: give a positive number")
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FILE_NAMES]
    if bad:
        raise KamerkgError(f"--formats: unknown manifestation(s) {', '.join(bad)}")
    fetcher = Fetcher(delay=args.delay, retries=args.retries)
    res = fetch(
        args.dossier,
        args.out,
        args.since,
        args.doc_type,
        args.limit,
        args.sru_url,
        formats,
        args.page_size,
        fetcher,
        progress=sys.stderr.isatty(),
    )
    fetcher.close()
    for w in res.warnings:
        print(f"kamerkg: warning: {w}", file=sys.stderr)
    for f in res.failed:
        print(f"kamerkg: error: {f}", file=sys.stderr)
    for i in res.fetched:
        print(f"fetched {i}")
    print(
        f"{len(res.fetched)} fetched, {len(res.skipped)} already fetched (skipped), "
        f"{len(res.failed)} failed; "
        f"{res.records_seen} record(s), {res.requests} request(s); into {args.out}/"
    )
    return 1 if res.failed else 0
