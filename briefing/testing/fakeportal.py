"""A fake korea.kr + data.go.kr on 127.0.0.1, for tests, benches and the demo.

It serves, from one ``ThreadingHTTPServer`` in a background thread:

- the press-release Open API (``/1371000/pressReleaseService/pressReleaseList``) with its key check
  (key-error XML ``OpenAPI_ServiceResponse``), the 3-day window limit (code 98), bad dates (97)
  and HTTP-200 error bodies on demand;
- ministry-style RSS feeds (``/feeds/<name>.xml``) with ETag/Last-Modified and 304 answers;
- release pages: the portal's ``/briefing/pressReleaseView.do?newsId=…`` and a ministry site's
  ``/ministry/view.do?seq=…`` (site chrome, body, attachment links);
- attachment downloads ``/common/download.do?fileId=…&tblKey=GMN`` with the file name in any
  Content-Disposition encoding Korean servers use.

Usage::

    from briefing.testing.fakeportal import FakePortal, FakeRelease, FakeFile, FakeFeed

    release = FakeRelease("156000001", "제목", files=[FakeFile("보도자료.hwpx", data)], feeds=("molit",))
    with FakePortal([release], feeds=[FakeFeed("molit")]) as portal:
        settings = portal.settings(tmp_path / "data")       # short timeouts, no delay, key and URLs set
        ...                                                  # run real code against portal.api_url etc.
        assert portal.count("/common/download.do") == 1      # request log

Knobs live on the dataclasses (``FakeRelease.page``, ``FakeFile.disposition``/``fail_times``/``delay``,
``FakeFeed.mode``/``duplicate_items``) and on the portal (``api_error``, ``key_error_status``); they
may be changed while the server runs. ``corpus_releases()`` builds releases from the real documents
in ``../shared/corpus``.

It is one piece on purpose: one fake server, its routes and its sample data read together.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from briefing.records import KST
from briefing.settings import Settings

API_PATH = "/1371000/pressReleaseService/pressReleaseList"
DOWNLOAD_PATH = "/common/download.do"
PORTAL_PAGE_PATH = "/briefing/pressReleaseView.do"
MINISTRY_PAGE_PATH = "/ministry/view.do"
MINISTRY_DOWNLOAD_PATH = "/ministry/fileDown.do"
DEFAULT_KEY = "Ab1+cd/EF2gh==xyz"  # a "decoding" key: +, / and = must survive the query string
REPRINT_NOTICE = "이 자료는 {ministry}의 보도자료를 전재하여 제공함을 알려드립니다."

# How a download names its file in Content-Disposition.
DISPOSITIONS = ("rfc5987", "utf8", "euc-kr", "percent", "none")


@dataclass
class FakeFile:
    """An attachment served at ``/common/download.do?fileId=<file_id>``."""

    name: str
    data: bytes
    disposition: str = "rfc5987"  # one of DISPOSITIONS
    status: int = 200
    delay: float = 0.0  # seconds before answering (slow download)
    fail_times: int = 0  # answer HTTP 500 this many times first
    rate_limited: int = 0  # answer HTTP 429 with ``Retry-After: 1`` this many times first
    file_id: str = ""  # set by the portal when empty
    url: str = ""  # listed at this outside address instead of the portal's download (hostile tests)

    @classmethod
    def from_corpus(cls, corpus: Path, relpath: str, name: str | None = None, **knobs: Any) -> FakeFile:
        """A corpus document served under ``name`` (default: its corpus file name)."""
        return cls(name=name or Path(relpath).name, data=(corpus / relpath).read_bytes(), **knobs)


@dataclass
class FakeRelease:
    """A press release as the portal (and optionally ministry feeds) publish it."""

    news_id: str
    title: str
    ministry: str = "기획재정부"
    approved: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 9, 0, tzinfo=KST))
    modified: datetime | None = None
    body_html: str = ""  # DataContents; default: a paragraph naming the release
    subtitles: list[str] = field(default_factory=list)
    files: list[FakeFile] = field(default_factory=list)
    in_api: bool = True
    feeds: tuple[str, ...] = ()  # names of the FakeFeeds that list it
    feed_link: str = "ministry"  # "ministry" (own site, no newsId) or "portal" (pressReleaseView.do)
    feed_title_prefix: bool = True  # feed titles read "[부처명] 제목"
    page: str = "ok"  # ok | 404 | 500 | timeout | slow | redirect-loop
    page_boilerplate: bool = False  # page body is only the reprint notice
    page_link_text: str = ""  # link text on the page instead of the file name (e.g. "내려받기")

    def __post_init__(self) -> None:
        if not self.body_html:
            self.body_html = f"<p>{html.escape(self.title)} 관련 보도자료입니다.</p><p>자세한 내용은 첨부파일을 참고하십시오.</p>"


@dataclass
class FakeFeed:
    """A ministry-style RSS feed at ``/feeds/<name>.xml``."""

    name: str
    title: str = "국토교통부 보도자료"
    mode: str = "ok"  # ok | empty | html (HTML page, HTTP 200) | 404 (HTML, HTTP 404) | 500 | malformed
    duplicate_items: bool = False  # list every item twice
    conditional: bool = True  # send ETag/Last-Modified and answer 304 when they match


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


class FakePortal:
    """The fake portal; start with ``.start()`` or use as a context manager."""

    def __init__(
        self,
        releases: Iterable[FakeRelease] = (),
        feeds: Iterable[FakeFeed] = (),
        *,
        service_key: str = DEFAULT_KEY,
        hang_seconds: float = 10.0,
        slow_seconds: float = 0.3,
    ) -> None:
        self.releases: list[FakeRelease] = list(releases)
        self.feeds: dict[str, FakeFeed] = {f.name: f for f in feeds}
        self.service_key = service_key
        self.hang_seconds = hang_seconds  # "timeout" knobs wait this long (the client gives up first)
        self.slow_seconds = slow_seconds  # "slow" knobs wait this long (the client waits)
        self.api_error: tuple[str, str] | None = None  # (resultCode, resultMsg) sent with HTTP 200
        self.key_error_status = 200  # HTTP status of the key-error XML (data.go.kr often says 200)
        self.requests: list[Request] = []
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_file = 1

    # --- life cycle
    def start(self) -> FakePortal:
        handler = type("Handler", (_Handler,), {"portal": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fakeportal", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakePortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the portal first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    def feed_url(self, name: str) -> str:
        return f"{self.base_url}/feeds/{name}.xml"

    def portal_page_url(self, release: FakeRelease) -> str:
        return f"{self.base_url}{PORTAL_PAGE_PATH}?newsId={release.news_id}"

    def ministry_page_url(self, release: FakeRelease) -> str:
        return f"{self.base_url}{MINISTRY_PAGE_PATH}?seq={release.news_id}"

    def file_url(self, file: FakeFile) -> str:
        if file.url:
            return file.url
        self._assign_ids()
        return f"{self.base_url}{DOWNLOAD_PATH}?fileId={file.file_id}&tblKey=GMN"

    def settings(self, data_dir: Path, feeds: Iterable[str] | None = None, **overrides: Any) -> Settings:
        """Settings for a collect run against this portal: every feed (or ``feeds``), the key,
        short timeouts, no delay between requests and quick retries."""
        names = list(self.feeds) if feeds is None else list(feeds)
        values: dict[str, Any] = {
            "data_dir": data_dir,
            "press_api": self.api_url,
            "service_key": self.service_key,
            "feeds": tuple(self.feed_url(n) for n in names),
            "http_timeout": 5.0,  # generous: tests that want timeouts set their own
            "http_retries": 1,
            "http_backoff": 0.01,
            "request_delay": 0.0,
            "extract_timeout": 30.0,
        }
        values.update(overrides)
        return Settings().with_values(values)

    def env(self, feeds: Iterable[str] | None = None) -> dict[str, str]:
        """Environment variables pointing ``briefing collect`` (a subprocess) at this portal."""
        names = list(self.feeds) if feeds is None else list(feeds)
        return {
            "BRIEFING_PRESS_API": self.api_url,
            "DATA_GO_KR_SERVICE_KEY": self.service_key,
            "BRIEFING_FEEDS": " ".join(self.feed_url(n) for n in names),
            "BRIEFING_HTTP_TIMEOUT": "5",
            "BRIEFING_HTTP_RETRIES": "1",
            "BRIEFING_HTTP_BACKOFF": "0.01",
            "BRIEFING_REQUEST_DELAY": "0",
        }

    # --- request log
    def count(self, path_prefix: str) -> int:
        """How many requests asked for a path starting with ``path_prefix``."""
        return sum(1 for r in list(self.requests) if r.path.startswith(path_prefix))

    @property
    def downloads(self) -> int:
        """Attachment download requests so far (the portal's and the ministry pages' endpoint)."""
        return self.count(DOWNLOAD_PATH) + self.count(MINISTRY_DOWNLOAD_PATH)

    # --- internals
    def _assign_ids(self) -> None:
        with self._lock:
            for release in self.releases:
                for file in release.files:
                    if not file.file_id:
                        file.file_id = f"{self._next_file:06d}"
                        self._next_file += 1

    def _fail_once(self, key: str, times: int) -> bool:
        """True for the first ``times`` calls with ``key`` (transient failures)."""
        with self._lock:
            seen = self._failures.get(key, 0)
            self._failures[key] = seen + 1
            return seen < times

    def _wait(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def release(self, news_id: str) -> FakeRelease | None:
        return next((r for r in self.releases if r.news_id == news_id), None)

    def file(self, file_id: str) -> FakeFile | None:
        self._assign_ids()
        for release in self.releases:
            for f in release.files:
                if f.file_id == file_id:
                    return f
        return None


# --- rendering -----------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _api_date(when: datetime) -> str:
    return when.astimezone(KST).strftime("%m/%d/%Y %H:%M:%S")


def api_xml(portal: FakePortal, releases: Iterable[FakeRelease]) -> bytes:
    """The Open API's success answer for ``releases``."""
    items = []
    for r in releases:
        files = "".join(
            f"<FileName>{_cdata(f.name)}</FileName><FileUrl>{html.escape(portal.file_url(f))}</FileUrl>"
            for f in r.files
        )
        subtitles = "".join(f"<SubTitle{i}>{_cdata(s)}</SubTitle{i}>" for i, s in enumerate(r.subtitles, 1))
        items.append(
            "<NewsItem>"
            f"<NewsItemId>{r.news_id}</NewsItemId><ContentsStatus>I</ContentsStatus>"
            f"<ModifyDate>{_api_date(r.modified or r.approved)}</ModifyDate>"
            f"<ApproveDate>{_api_date(r.approved)}</ApproveDate><EmbargoDate></EmbargoDate>"
            f"<Title>{_cdata(r.title)}</Title>{subtitles}<ContentsType>H</ContentsType>"
            f"<DataContents>{_cdata(r.body_html)}</DataContents>"
            f"<MinisterCode>{html.escape(r.ministry)}</MinisterCode>"
            f"<OriginalUrl>{html.escape(portal.portal_page_url(r))}</OriginalUrl>{files}"
            "</NewsItem>"
        )
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><response><header><resultCode>0</resultCode>'
        f"<resultMsg>NORMAL_SERVICE</resultMsg></header><body>{body}<numOfRows>1000</numOfRows>"
        f"<pageNo>1</pageNo><totalCount>{len(items)}</totalCount></body></response>"
    ).encode()


def api_error_xml(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><response><header>'
        f"<resultCode>{code}</resultCode><resultMsg>{html.escape(message)}</resultMsg></header></response>"
    ).encode()


def key_error_xml(auth_message: str = "SERVICE_KEY_IS_NOT_REGISTERED_ERROR", reason: str = "30") -> bytes:
    return (
        "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        f"<returnAuthMsg>{auth_message}</returnAuthMsg><returnReasonCode>{reason}</returnReasonCode>"
        "</cmmMsgHeader></OpenAPI_ServiceResponse>"
    ).encode()


def feed_xml(portal: FakePortal, feed: FakeFeed) -> bytes:
    items = []
    for r in portal.releases:
        if feed.name not in r.feeds:
            continue
        link = portal.portal_page_url(r) if r.feed_link == "portal" else portal.ministry_page_url(r)
        title = f"[{r.ministry}] {r.title}" if r.feed_title_prefix else r.title
        updated = f"<atom:updated>{(r.modified).isoformat()}</atom:updated>" if r.modified else ""
        items.append(
            f"<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
            f'<guid isPermaLink="true">{html.escape(link)}</guid>'
            f"<pubDate>{format_datetime(r.approved)}</pubDate>{updated}"
            f"<description>{html.escape(r.title)}</description></item>"
        )
    if feed.mode == "empty":
        items = []
    if feed.duplicate_items:
        items = [x for item in items for x in (item, item)]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{html.escape(feed.title)}</title><link>{portal.base_url}/ministry/</link>"
        f"<description>{html.escape(feed.title)}</description>{''.join(items)}</channel></rss>"
    ).encode()


MALFORMED_FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>"
HTML_404 = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>페이지를 찾을 수 없습니다</h1>"
    "<p>요청하신 페이지가 삭제되었거나 주소가 변경되었습니다.</p></body></html>"
).encode()


def page_html(portal: FakePortal, release: FakeRelease, *, ministry_site: bool) -> bytes:
    """A release page with site chrome around the body and the attachment links."""
    if release.page_boilerplate:
        body = f"<p>{REPRINT_NOTICE.format(ministry=html.escape(release.ministry))}</p>"
    else:
        body = release.body_html
    links = []
    for f in release.files:
        url = portal.file_url(f)
        if ministry_site:  # ministries use their own download endpoints
            url = url.replace(DOWNLOAD_PATH, MINISTRY_DOWNLOAD_PATH)
        label = release.page_link_text or f.name
        links.append(f'<li><a href="{html.escape(url)}" class="file">{html.escape(label)}</a></li>')
    nav = "".join(f'<li><a href="/menu/{i}">메뉴 {i}</a></li>' for i in range(1, 8))
    return (
        '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">'
        f"<title>{html.escape(release.title)} | 정책브리핑</title></head><body>"
        f"<header><nav><ul>{nav}</ul></nav><p>대한민국 정책브리핑 www.korea.kr</p></header><main><article>"
        f'<h1 class="title">{html.escape(release.title)}</h1><p class="info">{html.escape(release.ministry)} '
        f"{release.approved:%Y.%m.%d}</p>"
        f'<div class="article-content">{body}</div>'
        f'<div class="files"><h2>첨부파일</h2><ul>{"".join(links)}</ul></div>'
        "</article></main><footer><p>(30119) 세종특별자치시 갈매로 388 정부세종청사 15동 문화체육관광부 "
        "국민소통실. 저작권 정책, 개인정보처리방침</p></footer></body></html>"
    ).encode()


def content_disposition(file: FakeFile) -> str | None:
    """The header value; raw bytes are carried as latin-1 characters (http.server sends latin-1)."""
    name = file.name
    if file.disposition == "none":
        return None
    if file.disposition == "rfc5987":
        return f"attachment; filename=\"download\"; filename*=UTF-8''{quote(name, safe='')}"
    if file.disposition == "utf8":
        raw = name.encode("utf-8")
    elif file.disposition == "euc-kr":
        raw = name.encode("cp949")
    elif file.disposition == "percent":
        raw = quote(name, safe="").encode()
    else:
        raise ValueError(f"unknown disposition {file.disposition!r}")
    return 'attachment; filename="' + raw.decode("latin-1") + '"'


# --- request handling ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    portal: FakePortal
    protocol_version = "HTTP/1.1"
    # one buffered write per answer and no Nagle: avoids 40 ms delayed-ACK stalls per request
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        self.portal.requests.append(
            Request("GET", parts.path, query, {k.lower(): v for k, v in self.headers.items()}, time.time())
        )
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(parts.path, query)

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        one = {k: v[0] for k, v in query.items()}
        if path == API_PATH:
            return self._api(one)
        if path.startswith("/feeds/") and path.endswith(".xml"):
            return self._feed(path[len("/feeds/") : -len(".xml")])
        if path == PORTAL_PAGE_PATH:
            return self._page(one.get("newsId", ""), ministry_site=False)
        if path == MINISTRY_PAGE_PATH:
            return self._page(one.get("seq", ""), ministry_site=True)
        if path in (DOWNLOAD_PATH, MINISTRY_DOWNLOAD_PATH):
            return self._download(one.get("fileId", ""))
        if path == "/redirect":  # 302 to any ?to= target (e.g. a non-http scheme)
            return self._send(302, b"", headers={"Location": one.get("to", "/")})
        if path.startswith("/loop/"):
            other = "/loop/b" if path == "/loop/a" else "/loop/a"
            return self._send(302, b"", headers={"Location": other})
        return self._send(404, HTML_404, "text/html; charset=utf-8")

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _api(self, q: dict[str, str]) -> None:
        portal = self.portal
        if q.get("serviceKey") != portal.service_key:
            return self._send(portal.key_error_status, key_error_xml(), "text/xml;charset=UTF-8")
        if portal.api_error:
            return self._send(200, api_error_xml(*portal.api_error), "text/xml;charset=UTF-8")
        try:
            start = datetime.strptime(q.get("startDate", ""), "%Y%m%d").date()
            end = datetime.strptime(q.get("endDate", ""), "%Y%m%d").date()
        except ValueError:
            return self._send(200, api_error_xml("97", "INVALID_DATE_ERROR"), "text/xml;charset=UTF-8")
        if end < start:
            return self._send(200, api_error_xml("97", "INVALID_DATE_ERROR"), "text/xml;charset=UTF-8")
        if (end - start).days > 2:
            return self._send(200, api_error_xml("98", "DATE_RANGE_EXCEEDED_ERROR"), "text/xml;charset=UTF-8")
        found = [r for r in portal.releases if r.in_api and start <= r.approved.astimezone(KST).date() <= end]
        self._send(200, api_xml(portal, found), "text/xml;charset=UTF-8")

    def _feed(self, name: str) -> None:
        feed = self.portal.feeds.get(name)
        if feed is None or feed.mode == "404":
            return self._send(404, HTML_404, "text/html; charset=utf-8")
        if feed.mode == "html":
            return self._send(200, HTML_404, "text/html; charset=utf-8")
        if feed.mode == "500":
            return self._send(500, b"Internal Server Error")
        if feed.mode == "malformed":
            return self._send(200, MALFORMED_FEED, "application/rss+xml")
        body = feed_xml(self.portal, feed)
        if not feed.conditional:
            return self._send(200, body, "application/rss+xml; charset=utf-8")
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        last_modified = "Fri, 20 Nov 2026 00:00:00 GMT"
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", headers={"ETag": etag, "Last-Modified": last_modified})
        self._send(
            200,
            body,
            "application/rss+xml; charset=utf-8",
            headers={"ETag": etag, "Last-Modified": last_modified},
        )

    def _page(self, news_id: str, *, ministry_site: bool) -> None:
        release = self.portal.release(news_id)
        if release is None or release.page == "404":
            return self._send(404, HTML_404, "text/html; charset=utf-8")
        if release.page == "500":
            return self._send(500, b"<html><body>500 Internal Server Error</body></html>", "text/html")
        if release.page == "timeout":
            self.portal._wait(self.portal.hang_seconds)
        elif release.page == "slow":
            self.portal._wait(self.portal.slow_seconds)
        elif release.page == "redirect-loop":
            return self._send(302, b"", headers={"Location": "/loop/a"})
        self._send(
            200, page_html(self.portal, release, ministry_site=ministry_site), "text/html; charset=utf-8"
        )

    def _download(self, file_id: str) -> None:
        file = self.portal.file(file_id)
        if file is None:
            return self._send(404, HTML_404, "text/html; charset=utf-8")
        if file.delay:
            self.portal._wait(file.delay)
        if file.fail_times and self.portal._fail_once(f"file:{file_id}", file.fail_times):
            return self._send(500, b"temporary failure")
        if file.rate_limited and self.portal._fail_once(f"429:{file_id}", file.rate_limited):
            return self._send(429, b"slow down", headers={"Retry-After": "1"})
        if file.status != 200:
            return self._send(file.status, HTML_404, "text/html; charset=utf-8")
        headers = {}
        disposition = content_disposition(file)
        if disposition:
            headers["Content-Disposition"] = disposition
        self._send(200, file.data, "application/octet-stream", headers=headers)


# --- releases from the real corpus ---------------------------------------------------------------

# A small, clean document added to the edge-file release so that "the other attachments are still
# extracted" can be checked.
EDGE_COMPANION = "hwpx/mof-2026-05-07-fisheries-acts.hwpx"

_MINISTRY_BY_PREFIX = {
    "fsc": "금융위원회",
    "kalis": "국토교통부",
    "kwater": "환경부",
    "mafra": "농림축산식품부",
    "moef": "기획재정부",
    "moel": "고용노동부",
    "molit": "국토교통부",
    "msit": "과학기술정보통신부",
    "niklp": "문화체육관광부",
    "gangnam": "행정안전부",
    "mcst": "문화체육관광부",
    "mof": "해양수산부",
}


def corpus_releases(
    corpus: Path, snippets: dict[str, dict], day: date, feed: str = "molit"
) -> list[FakeRelease]:
    """Releases built from every corpus file, all approved on ``day`` (Korea time).

    Twins (same stem in hwp/, hwpx/, pdf/) are one release with several attachments. Every other
    release is published through the API; the rest only through ``feed`` (attachments found on the
    ministry page). The 20 edge files are one extra release (API) with a clean companion document.
    """
    groups: dict[str, list[str]] = {}
    for path in sorted(snippets):
        if not path.startswith("edge/"):
            groups.setdefault(Path(path).stem, []).append(path)
    releases = []
    for n, (stem, paths) in enumerate(sorted(groups.items())):
        approved = datetime.combine(day, datetime.min.time(), KST) + timedelta(hours=8, minutes=n)
        via_api = n % 2 == 0
        releases.append(
            FakeRelease(
                news_id=str(156_700_000 + n),
                title=f"{stem} 보도자료",
                ministry=_MINISTRY_BY_PREFIX.get(stem.split("-")[0], "기획재정부"),
                approved=approved,
                files=[
                    FakeFile.from_corpus(corpus, p, disposition=DISPOSITIONS[i % 4])
                    for i, p in enumerate(paths)
                ],
                in_api=via_api,
                feeds=() if via_api else (feed,),
                page_boilerplate=not via_api,
            )
        )
    edge_files = [FakeFile.from_corpus(corpus, p) for p in sorted(snippets) if p.startswith("edge/")]
    releases.append(
        FakeRelease(
            news_id="156799999",
            title="엣지 파일 모음 보도자료",
            approved=datetime.combine(day, datetime.min.time(), KST) + timedelta(hours=18),
            files=[*edge_files, FakeFile.from_corpus(corpus, EDGE_COMPANION, name="companion.hwpx")],
        )
    )
    return releases


def main(argv: list[str] | None = None) -> int:
    """``python -m briefing.testing.fakeportal [--corpus DIR] [--port N]``: serve the corpus releases (dated
    today, Korea time) until interrupted, printing the environment that points ``briefing`` at it."""
    import argparse
    import json
    import shlex

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "corpus"
    )
    args = parser.parse_args(argv)
    snippets = json.loads((args.corpus / "snippets.json").read_text(encoding="utf-8"))
    today = datetime.now(KST).date()
    portal = FakePortal(corpus_releases(args.corpus, snippets, today), feeds=[FakeFeed("molit")]).start()
    for key, value in portal.env().items():
        print(f"export {key}={shlex.quote(value)}")
    print(f"# fake portal on {portal.base_url}; Ctrl-C to stop", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
