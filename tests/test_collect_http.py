"""The HTTP edge of collection: file names from Content-Disposition, redirects, caps."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest

from briefing.http import FetchError, HttpClient, filename_from_disposition, safe_filename
from briefing.testing.fakeportal import FakeFile, FakePortal, FakeRelease

NAME = "붙임 1. 2026년도 예산안(확정).hwpx"


@pytest.mark.parametrize(
    "header",
    [
        b"attachment; filename*=UTF-8''" + quote(NAME, safe="").encode(),
        b"attachment; filename=\"fallback.hwpx\"; filename*=UTF-8''" + quote(NAME, safe="").encode(),
        b'attachment; filename="' + NAME.encode("utf-8") + b'"',
        b'attachment; filename="' + NAME.encode("cp949") + b'"',
        b"attachment; filename=" + NAME.encode("cp949"),  # unquoted raw bytes
        b'attachment; filename="' + quote(NAME).encode() + b'"',
        b"attachment; filename*=EUC-KR''" + quote(NAME.encode("euc-kr"), safe="").encode(),
        b'attachment; filename="=?UTF-8?B?' + base64.b64encode(NAME.encode()) + b'?="',
    ],
)
def test_korean_file_names_in_every_header_encoding(header: bytes) -> None:
    assert filename_from_disposition(header) == NAME


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/abs/path/a.pdf", "a.pdf"),
        ("..", None),
        ("a\x00b\x1f.hwp", "ab.hwp"),
        (".hidden.hwp", "hidden.hwp"),
    ],
)
def test_safe_filename_never_leaves_its_folder(raw: str, safe: str | None) -> None:
    assert safe_filename(raw) == safe


def test_no_disposition_name() -> None:
    assert filename_from_disposition(b"inline") is None


def test_redirects_loops_and_schemes(tmp_path: Path) -> None:
    release = FakeRelease("1", "x", page="redirect-loop", files=[FakeFile("a.hwp", b"data" * 100)])
    with FakePortal([release]) as portal:
        with HttpClient(portal.settings(tmp_path)) as client:
            with pytest.raises(FetchError) as err:
                client.get(f"{portal.base_url}/briefing/pressReleaseView.do?newsId=1")
            assert err.value.kind == "redirect-loop" and "redirect loop" in str(err.value)
            with pytest.raises(FetchError) as err:
                client.get(f"{portal.base_url}/redirect?to=file:///etc/passwd")
            assert err.value.kind == "bad-redirect"
            target = portal.file_url(release.files[0])
            fetched = client.get(f"{portal.base_url}/redirect?to={quote(target, safe='')}")
            assert fetched.content == b"data" * 100 and fetched.redirects == [target]
            with pytest.raises(FetchError) as err:
                client.get(target, max_bytes=100)
            assert err.value.kind == "too-large" and not err.value.retryable
        assert portal.count("/loop/") == 2  # the loop is seen, not followed forever


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("7", 7.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_header_forms(header: str | None, seconds: float | None) -> None:
    from briefing.http import _retry_after

    assert _retry_after(header) == seconds
