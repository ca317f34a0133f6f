"""Issue 8, in a real browser: headless Chromium (Debian's ``chromium``) against ``kamerkg serve``.

Chromium runs with ``--dump-dom`` after the page's scripts have run (``--virtual-time-budget``), so the
DOM checked here is the one a reader sees; links found in it are then fetched over HTTP. Without
Chromium the tests skip, unless ``CI=true`` (where ``.ci/browser.sh`` installed it): then they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

try:
    from tests.test_serve import start_server, stop_server
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from test_serve import start_server, stop_server  # type: ignore[no-redef]

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but no chromium on PATH: .ci/browser.sh should have installed it")
    pytestmark = pytest.mark.skip(reason="chromium is not installed (run .ci/browser.sh); CI is not 'true'")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="kamerkg-chromium-") as profile:
        cmd = [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(url: str) -> str:
    res = chromium("--virtual-time-budget=8000", "--dump-dom", url)
    assert res.returncode == 0 and "<html" in res.stdout, res.stderr[-2000:]
    return res.stdout


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k in ("href", "xlink:href", "src") and v and tag in ("a", "link", "script", "img"):
                self.hrefs.append(v)


def links_of(html: str) -> list[str]:
    p = Links()
    p.feed(html)
    return p.hrefs


@pytest.fixture(scope="module")
def server(seed_dist: Path) -> Iterator[str]:
    proc, url = start_server(seed_dist)
    try:
        yield url
    finally:
        stop_server(proc)


def assert_links_resolve(page_url: str, html: str) -> int:
    """Every same-site link of the page answers 200 (after 303s); returns how many were checked."""
    host = urlsplit(page_url).netloc
    checked = set()
    with httpx.Client(timeout=20, follow_redirects=True) as c:
        for href in links_of(html):
            url = urljoin(page_url, href).split("#", 1)[0]
            if urlsplit(url).netloc != host or url in checked:
                continue
            checked.add(url)
            r = c.get(url)
            assert r.status_code == 200, (page_url, href, r.status_code)
    return len(checked)


@pytest.mark.parametrize(
    ("path", "must"),
    [
        ("page/doc/kst-28676-339.html", ['class="hl', "<svg", "Kamerstuk 28 676, nr. 339"]),
        ("page/org/navo.html", ["NAVO", "wikidata.org/entity/Q7184"]),
        ("index.html", ["kamerkg"]),
        ("timeline.html", ["2020-04-15"]),
    ],
)
def test_page_loads_and_links_resolve(server: str, path: str, must: list[str]) -> None:
    url = server + path
    dom = dump_dom(url)
    for m in must:
        assert m in dom, m
    assert assert_links_resolve(url, dom) >= 3


def test_browse_document_to_nato_minister_meeting_and_back(server: str) -> None:
    doc = server + "page/doc/kst-28676-339.html"
    dom = dump_dom(server + "id/doc/kst-28676-339")  # the thing IRI: the browser follows the 303
    assert "Kamerstuk 28 676, nr. 339" in dom
    hrefs = [urljoin(doc, h) for h in links_of(dom)]
    navo = server + "page/org/navo.html"
    minister = server + "page/person/bijleveld-schouten.html"
    meeting = server + "page/meeting/2020-04-15-navo-defence-ministers.html"
    for target in (navo, minister, meeting):
        assert target in hrefs, target
    for target in (navo, minister, meeting):  # and back to the document from each
        back = [urljoin(target, h).split("#")[0] for h in links_of(dump_dom(target))]
        assert doc in back, target


def test_query_page_runs_a_ready_made_query(server: str) -> None:
    dom = dump_dom(server + "query?run=q03-announced-meeting")
    rows = re.findall(r'<tr class="result">', dom)
    assert rows, dom[-3000:]
    assert re.search(r'<span id="status"[^>]*>\d+ (rij|rijen)', dom)
    assert "2020-04-15" in dom
    # IRIs under the dataset base link to this server (relative), so a click dereferences them here
    assert 'href="id/meeting/2020-04-15-navo-defence-ministers"' in dom


def test_screenshot_renders(server: str, tmp_path: Path) -> None:
    png = tmp_path / "navo.png"
    res = chromium(
        "--window-size=1280,900", "--hide-scrollbars", f"--screenshot={png}", server + "page/org/navo.html"
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
