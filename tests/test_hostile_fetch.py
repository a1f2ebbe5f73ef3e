"""Hostile sources against the collector's HTTP edge: internal addresses (finding 3) and dripping
downloads (finding 4), over real HTTP on 127.0.0.1.

The fake portal is the configured source (trusted, like a local mirror); the hostile servers run on
other ports of 127.0.0.1 and stand for the internal services a portal answer could point at.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from briefing.collect import run_collect
from briefing.fetch_policy import is_public
from briefing.http import FetchError, HttpClient
from briefing.records import KST
from briefing.settings import Settings
from briefing.store import Store
from briefing.testing.fakeportal import FakeFile, FakePortal, FakeRelease
from tests.support.hostile import HostileServer, drip, redirect, send

DAY = date(2026, 11, 20)
APPROVED = datetime.combine(DAY, datetime.min.time(), KST) + timedelta(hours=9)
SECRET = b"internal-service-secret " * 20


def _records(data_dir: Path) -> dict:
    return {r.id: r for r in Store(data_dir).iter_records()}


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",  # a name resolving to loopback
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f.1",  # hex and short forms inet_aton accepts
        "127.1",
        "0.0.0.0",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::1]",
    ],
)
def test_source_urls_to_loopback_are_refused_before_any_byte_is_sent(tmp_path: Path, host: str) -> None:
    with FakePortal() as portal, HostileServer({"/secret": send(SECRET)}) as evil:
        with HttpClient(portal.settings(tmp_path)) as client, pytest.raises(FetchError) as err:
            client.get(evil.url("/secret", host=host))
        assert err.value.kind == "refused-address" and not err.value.retryable
        assert "BRIEFING_FETCH_ALLOW" in str(err.value)
        assert evil.count() == 0


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[fd00::1]:8080/"]
)
def test_metadata_and_private_addresses_are_refused_without_connecting(tmp_path: Path, url: str) -> None:
    with FakePortal() as portal, HttpClient(portal.settings(tmp_path, http_timeout=1.0)) as client:
        started = time.monotonic()
        with pytest.raises(FetchError) as err:
            client.get(url)
    assert err.value.kind == "refused-address"
    assert time.monotonic() - started < 0.5  # refused, not a connect attempt that timed out


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # shared address space (carrier NAT)
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 wrapping 169.254.169.254
    ],
)
def test_address_classes(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_configured_origin_and_allow_list_are_fetched(tmp_path: Path) -> None:
    """The operator's own addresses work with no setting; another local one only when allow-listed."""
    file = FakeFile("a.hwp", b"portal bytes")
    release = FakeRelease("156000001", "제목", approved=APPROVED, files=[file])
    with FakePortal([release]) as portal, HostileServer({"/mirror": send(b"mirror")}) as local:
        with HttpClient(portal.settings(tmp_path)) as client:  # the portal is on 127.0.0.1 too
            assert client.get(portal.file_url(file)).content == b"portal bytes"
        env = {"BRIEFING_FETCH_ALLOW": f"example.org:443, 127.0.0.1:{local.port}"}
        allowed = Settings.load(env=env).with_values({"http_retries": 0})
        with HttpClient(allowed) as client:
            assert client.get(local.url("/mirror")).content == b"mirror"
        assert local.count("/mirror") == 1


def test_every_redirect_hop_is_checked(tmp_path: Path) -> None:
    """A trusted portal URL redirecting to an internal address: the hop is refused."""
    with FakePortal() as portal, HostileServer({"/secret": send(SECRET)}) as evil:
        hop = f"{portal.base_url}/redirect?to={quote(evil.url('/secret', host='localhost'), safe='')}"
        with HttpClient(portal.settings(tmp_path)) as client, pytest.raises(FetchError) as err:
            client.get(hop)
        assert err.value.kind == "refused-address"
        assert evil.count() == 0


def test_internal_attachment_is_a_permanent_error_and_the_rest_is_collected(tmp_path: Path) -> None:
    """Finding 3: an attachment (or a redirect) to 127.0.0.1 was fetched and published."""
    with HostileServer({"/secret.pdf": send(SECRET), "/hop": redirect("/secret.pdf")}) as evil:
        files = [
            FakeFile("공고문.hwp", b"plain attachment bytes " * 10),
            FakeFile("secret.pdf", b"", url=evil.url("/secret.pdf")),
            FakeFile("hop.pdf", b"", url=evil.url("/hop", host="2130706433")),
        ]
        other = FakeRelease(
            "156000002", "다른 보도자료", approved=APPROVED, files=[FakeFile("b.hwp", b"b" * 50)]
        )
        release = FakeRelease("156000001", "내부 주소 첨부", approved=APPROVED, files=files)
        with FakePortal([release, other]) as portal:
            settings = portal.settings(tmp_path / "data")
            report = run_collect(settings, since=DAY, until=DAY)
            assert report.exit_code == 0 and report.new == 2, report.summary_line()
            assert evil.count() == 0  # not one request reached the internal service
            records = _records(settings.data_dir)
            by_name = {a.name: a for a in records["156000001"].attachments}
            assert by_name["공고문.hwp"].sha256 is not None
            for name in ("secret.pdf", "hop.pdf"):
                assert by_name[name].error.startswith("refused-address:"), by_name[name].error
                assert by_name[name].text == "" and by_name[name].sha256 is None
            assert records["156000002"].attachments[0].sha256 is not None
            # a permanent error: no failed step waiting for a retry on later runs
            assert records["156000001"].status["attachments"].state == "ok"
            assert "internal-service-secret" not in records["156000001"].to_json()
            # permanent: the next run does not try again
            run_collect(settings, since=DAY, until=DAY)
            assert evil.count() == 0


def test_a_dripping_download_ends_at_its_total_deadline(tmp_path: Path) -> None:
    """Finding 4: each read arrives well within the read timeout, the whole never arrives."""
    with FakePortal() as portal, HostileServer({"/drip.pdf": drip(10_000_000, 0.1)}) as evil:
        settings = portal.settings(
            tmp_path, http_timeout=1.0, download_deadline=2.0, fetch_allow=(f"127.0.0.1:{evil.port}",)
        )
        with HttpClient(settings) as client:
            started = time.monotonic()
            with pytest.raises(FetchError) as err:
                client.get(evil.url("/drip.pdf"))
            took = time.monotonic() - started
        assert err.value.kind == "deadline" and not err.value.retryable
        assert 1.9 < took < 5.0, took  # the deadline, not 30 read timeouts
        assert evil.count("/drip.pdf") == 1  # not retried past its deadline


def test_a_run_with_a_dripping_attachment_ends_on_time_with_everything_else(tmp_path: Path) -> None:
    with HostileServer({"/drip.pdf": drip(10_000_000, 0.1)}) as evil:
        slow = FakeRelease(
            "156000001",
            "느린 첨부",
            approved=APPROVED,
            files=[FakeFile("drip.pdf", b"", url=evil.url("/drip.pdf")), FakeFile("a.hwp", b"a" * 99)],
        )
        others = [
            FakeRelease(
                f"15600001{n}", f"보도자료 {n}", approved=APPROVED, files=[FakeFile("x.hwp", b"x" * 80)]
            )
            for n in range(3)
        ]
        with FakePortal([slow, *others]) as portal:
            settings = portal.settings(
                tmp_path / "data",
                http_timeout=1.0,
                download_deadline=1.5,
                fetch_allow=(f"127.0.0.1:{evil.port}",),
            )
            started = time.monotonic()
            report = run_collect(settings, since=DAY, until=DAY)
            assert time.monotonic() - started < 12.0, report.summary_line()
            assert report.new == 4
            records = _records(settings.data_dir)
            drip_att = next(a for a in records["156000001"].attachments if a.name == "drip.pdf")
            assert drip_att.error.startswith("deadline:")
            assert all(r.attachments[0].sha256 for k, r in records.items() if k != "156000001")
