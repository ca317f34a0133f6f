"""``kamerkg fetch`` against a local HTTP server on 127.0.0.1 serving the fixtures (never the real service).

The server answers SRU requests with ``fixtures/oep/sru.xml`` (``__MOCK_SERVICE__`` rewritten to itself)
and serves the repository files under ``/repository.overheid.nl/frbr/...`` from ``fixtures/oep/frbr``.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kamerkg import api
from kamerkg.cli import main
from kamerkg.fetch import Fetcher, build_query, fetch, parse_page

OEP = Path(__file__).parent / "fixtures" / "oep"
SRU = (OEP / "sru.xml").read_text(encoding="utf-8")


class Server:
    def __init__(self, paged: bool = False, fail_first: int = 0) -> None:
        self.paged = paged
        self.fail_first = fail_first  # answer the first N SRU requests with 503
        self.requests: list[str] = []
        self.sru_queries: list[dict[str, list[str]]] = []
        self.user_agents: set[str] = set()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                outer.user_agents.add(self.headers.get("User-Agent", ""))
                u = urlsplit(self.path)
                if u.path == "/sru":
                    if outer.fail_first > 0:
                        outer.fail_first -= 1
                        self.send_response(503)
                        self.send_header("Retry-After", "0")
                        self.end_headers()
                        return
                    q = parse_qs(u.query)
                    outer.sru_queries.append(q)
                    body = outer.sru_page(q).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                prefix = "/repository.overheid.nl/frbr/"
                p = OEP / "frbr" / u.path[len(prefix) :] if u.path.startswith(prefix) else None
                if p is None or not p.is_file() or ".." in u.path:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = p.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def sru_page(self, q: dict[str, list[str]]) -> str:
        text = SRU.replace("__MOCK_SERVICE__", self.base.removeprefix("http://"))
        if not self.paged:
            return text  # as recorded: numberOfRecords 3, five records
        # paged: the five records served two at a time, with an honest count and nextRecordPosition
        recs = re.findall(r"<sru:record>.*?</sru:record>", text, re.DOTALL)
        start = int(q["startRecord"][0])
        size = int(q["maximumRecords"][0])
        chunk = recs[start - 1 : start - 1 + size]
        head, _, _ = text.partition("<sru:records>")
        head = head.replace("<sru:numberOfRecords>3<", f"<sru:numberOfRecords>{len(recs)}<")
        nxt = (
            f"<sru:nextRecordPosition>{start + size}</sru:nextRecordPosition>"
            if start + size <= len(recs)
            else ""
        )
        return (
            head
            + "<sru:records>"
            + "".join(chunk)
            + "</sru:records>"
            + nxt
            + "</sru:searchRetrieveResponse>\n"
        )

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *a: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def quick() -> Fetcher:
    return Fetcher(delay=0, retries=2, backoff=0)


def test_cql_query() -> None:
    assert build_query(["28676"]) == 'c.product-area=="officielepublicaties" and w.dossiernummer=="28676"'
    q = build_query(["28676", "25295"], since="2021-01-01", doc_type="Aanhangsel")
    assert q == (
        'c.product-area=="officielepublicaties" and (w.dossiernummer=="28676" or w.dossiernummer=="25295") '
        'and w.publicatienaam=="Kamervragen (Aanhangsel)" and dt.modified>=2021-01-01'
    )


def test_parse_page_with_the_recorded_quirks() -> None:
    page = parse_page((OEP / "sru.xml").read_bytes(), "sru.xml")
    assert page.total == 3 and len(page.records) == 5  # the server miscounts
    ids = [r.identifier for r in page.records]
    assert ids == ["kst-32545-143", "ah-tk-20202021-3235", "blg-1007826", "blg-1025203", "kst-32545-144"]
    assert page.records[3].items["pdf"].startswith("httbroken://")
    assert page.records[0].version == "2021-07-09T11:25:30.574791+02:00"


def test_fetch_downloads_xml_and_metadata_then_nothing_new(server: Server, tmp_path: Path) -> None:
    out = tmp_path / "raw"
    res = fetch(["32545"], out, sru_url=f"{server.base}/sru", fetcher=quick())
    assert sorted(res.fetched) == ["ah-tk-20202021-3235", "blg-1007826", "kst-32545-143"]
    # blg-1025203's metadata is not on the server; kst-32545-144 carries kst-32545-143's content
    assert [f.split(":")[0] for f in res.failed] == ["blg-1025203"]
    assert any(
        w.startswith("kst-32545-144: the record's URLs are those of kst-32545-143") for w in res.warnings
    )
    assert any("broken pdf item URL" in w for w in res.warnings)
    assert not (out / "kst-32545-144").exists()
    q = server.sru_queries[0]
    assert q["query"] == ['c.product-area=="officielepublicaties" and w.dossiernummer=="32545"']
    assert q["operation"] == ["searchRetrieve"] and q["version"] == ["2.0"]
    assert len(server.sru_queries) == 1  # numberOfRecords 3 < records returned: no second page
    assert all(ua.startswith("kamerkg/") for ua in server.user_agents)
    kst = out / "kst-32545-143"
    assert sorted(p.name for p in kst.iterdir()) == [
        "fetch.json",
        "kst-32545-143.xml",
        "metadata.xml",
        "metadata_owms.xml",
    ]
    frbr = OEP / "frbr" / "officielepublicaties" / "kst" / "32545" / "kst-32545-143" / "1"
    assert (kst / "kst-32545-143.xml").read_bytes() == (frbr / "xml" / "kst-32545-143.xml").read_bytes()
    rec = json.loads((kst / "fetch.json").read_text(encoding="utf-8"))
    assert (
        rec["source_url"]
        == f"{server.base}/repository.overheid.nl/frbr/officielepublicaties/kst/32545/kst-32545-143/1/xml/"
        "kst-32545-143.xml"
    )
    assert rec["version"] == "2021-07-09T11:25:30.574791+02:00" and rec["retrieved"].endswith("+00:00")
    assert (out / "blg-1007826" / "metadata.xml").is_file() and not (
        out / "blg-1007826" / "blg-1007826.pdf"
    ).exists()
    # a second fetch downloads nothing new: one SRU request, no file requests
    n = len(server.requests)
    res2 = fetch(["32545"], out, sru_url=f"{server.base}/sru", fetcher=quick())
    assert res2.fetched == [] and sorted(res2.skipped) == [
        "ah-tk-20202021-3235",
        "blg-1007826",
        "kst-32545-143",
    ]
    again = [p for p in server.requests[n:] if not p.startswith("/sru")]
    assert again and all("/blg-1025203/" in p for p in again)  # only the record that failed is tried again
    # a changed local copy is fetched again (resumable, not blind)
    (kst / "metadata.xml").write_text("<x/>", encoding="utf-8")
    res3 = fetch(["32545"], out, sru_url=f"{server.base}/sru", fetcher=quick())
    assert res3.fetched == ["kst-32545-143"]


def test_fetched_folder_builds_with_its_metadata_and_urls(server: Server, tmp_path: Path) -> None:
    out = tmp_path / "raw"
    fetch(["32545"], out, sru_url=f"{server.base}/sru", fetcher=quick())
    res = api.build([out], out=tmp_path / "dist")
    assert res.documents == ["ah-tk-20202021-3235", "blg-1007826", "kst-32545-143"], res.errors
    nq = (tmp_path / "dist" / "kamerkg.nq").read_text(encoding="utf-8")
    # the manifestation URLs are the record's own item URLs; the retrieval time is recorded
    assert (
        f"<{server.base}/repository.overheid.nl/frbr/officielepublicaties/kst/32545/kst-32545-143/1/pdf/kst-32545-143.pdf>"
        in nq
    )
    assert "http://www.w3.org/ns/prov#generatedAtTime" in nq
    assert "Tweede Kamer der Staten-Generaal" in nq  # metadata.xml read beside the XML


def test_paging_and_limit(tmp_path: Path) -> None:
    with Server(paged=True) as s:
        res = fetch(["32545"], tmp_path / "raw", sru_url=f"{s.base}/sru", fetcher=quick(), page_size=2)
        starts = [q["startRecord"][0] for q in s.sru_queries]
        assert starts == ["1", "3", "5"]
        assert res.records_seen == 5
    with Server(paged=True) as s:
        res = fetch(
            ["32545"], tmp_path / "raw2", sru_url=f"{s.base}/sru", fetcher=quick(), page_size=2, limit=3
        )
        assert res.records_seen == 3 and len(s.sru_queries) == 2


def test_retries_with_backoff_then_succeeds(tmp_path: Path) -> None:
    waits: list[float] = []
    with Server(fail_first=2) as s:
        f = Fetcher(delay=0, retries=3, backoff=0.5, sleep=waits.append)
        res = fetch(["32545"], tmp_path / "raw", sru_url=f"{s.base}/sru", fetcher=f)
        assert len(res.fetched) == 3
    assert waits[:2] == [0.0, 0.0]  # Retry-After: 0 honoured


def test_gives_up_with_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Server(fail_first=100) as s:
        rc = main(
            [
                "fetch",
                "--dossier",
                "32545",
                "--out",
                str(tmp_path / "raw"),
                "--sru-url",
                f"{s.base}/sru",
                "--delay",
                "0",
                "--retries",
                "1",
            ]
        )
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HTTP 503" in err[0] and "/sru" in err[0]


def test_cli_fetch(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "fetch",
        "--dossier",
        "32545",
        "--type",
        "Kamerstuk",
        "--out",
        str(tmp_path / "raw"),
        "--sru-url",
        f"{server.base}/sru",
        "--delay",
        "0",
    ]
    assert main(args) == 1  # one record failed (its metadata is missing on the server)
    out = capsys.readouterr()
    assert "3 fetched, 0 already fetched (skipped), 1 failed" in out.out
    assert "kamerkg: error: blg-1025203:" in out.err
    assert server.sru_queries[0]["query"][0].endswith('w.publicatienaam=="Kamerstuk"')
    assert main([*args, "--since", "21-07-2021"]) == 2
    assert "--since 21-07-2021" in capsys.readouterr().err
