"""Build a site for tests: ``build_site(content_dir, output_dir, **overrides)``.

Runs Pelican with this repository's ``pelicanconf.py`` in a separate Python process, so signal
handlers and settings of one build never leak into another (or into the test process), and
returns the output folder. Overrides are Pelican settings (``SITEURL="https://example.org/x"``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_RUNNER = """
import json, logging, os, sys
if os.environ.get("SITEBUILD_INFO"):
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
from pelican import Pelican
from pelican.settings import read_settings
conf, overrides = sys.argv[1], json.loads(sys.argv[2])
settings = read_settings(conf, override=overrides)
Pelican(settings).run()
"""


def build_site(
    content_dir: Path,
    output_dir: Path,
    *,
    data_dir: Path | None = None,
    conf: str = "pelicanconf.py",
    timeout: float = 600,
    log: list[str] | None = None,
    info: bool = False,
    **overrides: object,
) -> Path:
    """Build ``content_dir`` into ``output_dir`` with our theme and plugins; raise on failure.

    ``data_dir`` is the records folder the ``briefing_articles`` plugin summarises into
    ``content_dir`` before reading (default: an empty ``<output_dir>.data``, so a test never picks
    up the repository's ``data/``); no model is used. The content cache goes to
    ``<output_dir>.cache`` unless ``CACHE_PATH`` is given. With ``log`` given, the build's output
    (Pelican's log lines) is appended to it; ``info`` adds the INFO lines (the plugins' reports).
    """
    content_dir, output_dir = Path(content_dir).resolve(), Path(output_dir).resolve()
    data_dir = Path(data_dir).resolve() if data_dir else output_dir.with_name(output_dir.name + ".data")
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = {
        "PATH": str(content_dir),
        "OUTPUT_PATH": str(output_dir),
        "CACHE_PATH": str(output_dir.with_name(output_dir.name + ".cache")),
        **overrides,
    }
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "BRIEFING_DATA_DIR": str(data_dir),
        "BRIEFING_LLM_MODEL": "",
    }
    if info:
        env["SITEBUILD_INFO"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(ROOT / conf), json.dumps(settings)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if log is not None:
        log.append(done.stdout + done.stderr)
    if done.returncode != 0:
        raise RuntimeError(
            f"pelican failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return output_dir
