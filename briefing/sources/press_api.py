"""The portal's press-release Open API (공공데이터포털 15095295, 정책브리핑 보도자료).

``GET …/pressReleaseList?serviceKey=KEY&startDate=YYYYMMDD&endDate=YYYYMMDD``. The API accepts at
most a 3-day window (wider -> code 98) and some report that ``pageNo`` is ignored, so we ask for
one day per call. Answers are XML: ``response/header/resultCode`` (``0``/``00`` = OK) and
``response/body/NewsItem``. Key problems come back in another shape,
``OpenAPI_ServiceResponse/cmmMsgHeader``, often with HTTP 200.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from urllib.parse import quote
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from briefing.http import FetchError, HttpClient
from briefing.records import KST
from briefing.sources import Listing, SourceError, SourceRead, news_id_from_url, split_title

SOURCE_NAME = "press-api"
PORTAL_VIEW_URL = "https://www.korea.kr/briefing/pressReleaseView.do?newsId={news_id}"
OK_CODES = frozenset({"0", "00"})
ROWS_PER_DAY = 1000

log = logging.getLogger(__name__)


class PressApiError(SourceError):
    """The API answered with an error. ``fatal`` errors (key, quota) stop the rest of the run's calls."""

    def __init__(self, message: str, code: str = "", fatal: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.fatal = fatal


def encode_key(key: str) -> str:
    """The key for the query string, encoded exactly once.

    data.go.kr issues an "encoding" key (already percent-encoded) and a "decoding" key (raw, with
    ``+``, ``/`` and ``=``). Either works: a key with ``%`` is passed verbatim, any other is encoded.
    """
    return key if "%" in key else quote(key, safe="")


def day_url(endpoint: str, key: str, day: date) -> str:
    """The request URL for one day's releases (query string built by hand; see :func:`encode_key`)."""
    stamp = day.strftime("%Y%m%d")
    glue = "&" if "?" in endpoint else "?"
    return (
        f"{endpoint}{glue}serviceKey={encode_key(key)}&startDate={stamp}&endDate={stamp}"
        f"&pageNo=1&numOfRows={ROWS_PER_DAY}"
    )


def fetch_day(client: HttpClient, endpoint: str, key: str, day: date) -> list[Listing]:
    """The releases of one day (Korea time). Raises :class:`PressApiError` or ``FetchError``."""
    if not key:
        raise PressApiError("no Open API key: set DATA_GO_KR_SERVICE_KEY", fatal=True)
    fetched = client.get(day_url(endpoint, key, day))
    return parse_response(fetched.content)


def parse_response(data: bytes) -> list[Listing]:
    """Listings from an API answer; raises :class:`PressApiError` for every error shape."""
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        head = " ".join(data[:80].decode("utf-8", errors="replace").split())
        raise PressApiError(f"press API answered something that is not usable XML ({exc}): {head!r}") from exc
    if root.tag == "OpenAPI_ServiceResponse":
        header = root.find("cmmMsgHeader")
        auth = _text(header, "returnAuthMsg") or _text(header, "errMsg") or "unknown error"
        reason = _text(header, "returnReasonCode")
        raise PressApiError(
            f"press API refused the request: {auth}"
            + (f" (code {reason})" if reason else "")
            + " - check DATA_GO_KR_SERVICE_KEY (the key as issued, approved for this API)",
            code=reason,
            fatal=True,
        )
    code = _text(root, "header/resultCode")
    if code not in OK_CODES:
        message = _text(root, "header/resultMsg") or "no resultMsg"
        # 97 (bad date) and 98 (window) concern one call; anything else (quota, key) the whole run.
        raise PressApiError(
            f"press API error {code or '?'}: {message}", code=code, fatal=code not in {"97", "98"}
        )
    body = root.find("body")
    if body is None:
        return []
    items = []
    for node in body.iter("NewsItem"):
        try:
            items.append(parse_item(node))
        except PressApiError as exc:  # one unusable item must not hide the rest of the day
            log.warning("%s", exc)
    total = _text(body, "totalCount")
    if total.isdigit() and int(total) > len(items):
        # one day never had this many releases so far; say so rather than lose some silently
        log.warning(
            "press API listed %d of %s releases for one day (paging is unreliable)", len(items), total
        )
    return items


def parse_item(item: Element) -> Listing:
    """One ``NewsItem`` as a :class:`Listing` (title without its "[부처명]" prefix)."""
    news_id = _text(item, "NewsItemId")
    url = _text(item, "OriginalUrl")
    if not news_id:
        news_id = news_id_from_url(url) or ""
    if not news_id:
        raise PressApiError("press API item without NewsItemId")
    url = url or PORTAL_VIEW_URL.format(news_id=news_id)
    title, prefix = split_title(_text(item, "Title"))
    published = parse_api_date(_text(item, "ApproveDate"))
    if published is None:
        raise PressApiError(f"press API item {news_id} has no usable ApproveDate")
    names = [(el.text or "").strip() for el in item.findall("FileName")]
    urls = [(el.text or "").strip() for el in item.findall("FileUrl")]
    attachments = [(name, link) for name, link in zip(names, urls, strict=False) if link]
    return Listing(
        source=SOURCE_NAME,
        source_id=news_id,
        url=url,
        title=title,
        published=published,
        ministry=_text(item, "MinisterCode") or prefix,
        subtitles=[s for s in (_text(item, f"SubTitle{i}") for i in (1, 2, 3)) if s],
        modified=parse_api_date(_text(item, "ModifyDate")),
        body_html=_text(item, "DataContents"),
        attachments=attachments,
        news_id=news_id,
    )


def parse_api_date(text: str) -> datetime | None:
    """``MM/DD/YYYY HH:MM:SS`` (Korea time) as an aware datetime; None when empty or malformed."""
    text = text.strip()
    for pattern in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=KST)
        except ValueError:
            continue
    return None


def _text(node: Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


_UNREACHABLE = frozenset({"connect", "timeout", "network"})


class PressApiSource:
    """The Open API as a :class:`~briefing.sources.Source`: one call per day of the window."""

    kind = "api"
    name = SOURCE_NAME

    def __init__(self, endpoint: str, key: str) -> None:
        self.url = endpoint
        self._key = key  # never logged: ``FetchError`` redacts it from URLs

    def read(self, client: HttpClient, since: date, until: date, state: dict) -> SourceRead:
        result = SourceRead()
        unreachable = 0  # consecutive days the API could not be reached at all
        day = since
        while day <= until:
            try:
                items = fetch_day(client, self.url, self._key, day)
            except (PressApiError, FetchError) as exc:
                result.calls_failed += 1
                result.missed_from = result.missed_from or day
                result.error = str(exc)
                result.errors.append(f"press API {day}: {exc}")
                unreachable = unreachable + 1 if exc.kind in _UNREACHABLE else 0
                if exc.fatal or unreachable >= 2:
                    break  # a refused key, a quota or a dead host: the other days would fail alike
            else:
                unreachable = 0
                result.calls_ok += 1
                result.listings.extend(items)
            day += timedelta(days=1)
        result.ok = result.calls_ok > 0
        result.items = len(result.listings)
        return result
