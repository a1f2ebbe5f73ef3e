"""The walls between the rooms (docs/architecture.md), each checked so it survives the next change.

Imports are read from the source with ``ast`` (every ``import``/``from`` at any depth, lazy ones
included); the chat runtime's cold start is checked by importing it in a fresh interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "briefing"
OUTSIDE_TESTS = ["briefing", "plugins", "scripts", "bench", "api", "pelicanconf.py", "publishconf.py"]


def python_files(*places: str) -> list[Path]:
    files: list[Path] = []
    for place in places:
        path = ROOT / place
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def importers(modules: tuple[str, ...], files: list[Path]) -> list[str]:
    """Files (relative to the repository) that import any of ``modules`` or a submodule of one."""
    hits = []
    for path in files:
        names = imported_modules(path)
        if any(name == m or name.startswith(m + ".") for name in names for m in modules):
            hits.append(path.relative_to(ROOT).as_posix())
    return sorted(hits)


def test_only_plugins_import_pelican() -> None:
    # The core does not know Pelican exists; `briefing build` runs it as a separate process.
    assert importers(("pelican", "feedgenerator"), python_files("briefing", "scripts", "api")) == []


def test_extraction_speaks_no_network() -> None:
    network = ("httpx", "requests", "urllib.request", "http.client", "socket", "briefing.http", "aiohttp")
    assert importers(network, python_files("briefing/extract")) == []


def test_one_module_speaks_to_the_llm() -> None:
    assert importers(("litellm",), python_files("briefing")) == ["briefing/llm.py"]


def test_one_module_speaks_http_to_sources() -> None:
    clients = ("httpx", "requests", "urllib.request", "aiohttp")
    # briefing/testing holds the stand-in servers, which answer HTTP rather than ask
    product = [p for p in python_files("briefing") if "testing" not in p.relative_to(PACKAGE).parts]
    # ... and the deploy speaks to its bucket: a signed destination, not a source (s3_store.py says why)
    assert importers(clients, product) == ["briefing/http.py", "briefing/site/s3_store.py"]


def test_nothing_outside_tests_imports_tests() -> None:
    assert importers(("tests",), python_files(*OUTSIDE_TESTS)) == []


def test_the_product_does_not_import_its_stand_ins() -> None:
    product = [p for p in python_files("briefing") if "testing" not in p.relative_to(PACKAGE).parts]
    assert importers(("briefing.testing",), product + python_files("plugins", "api")) == []


def test_the_chat_runtime_stays_small() -> None:
    build_time = (
        "pelican",
        "kiwipiepy",
        "briefing.extract",
        "briefing.summarize",
        "briefing.chat.index_build",
    )
    for path in python_files("briefing/chat"):
        if path.name == "index_build.py":
            continue
        bad = [n for n in imported_modules(path) if any(n == m or n.startswith(m + ".") for m in build_time)]
        assert bad == [], f"{path.relative_to(ROOT)} imports build-time code: {bad}"


@pytest.mark.parametrize(
    "module",
    [
        "briefing.chat.answer",
        "briefing.chat.http",
        "briefing.chat.serve",
        "briefing.chat.adapters.aws_lambda",
    ],
)
def test_importing_the_chat_runtime_loads_no_build_code(module: str, tmp_path: Path) -> None:
    probe = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {"PATH": "/usr/bin:/bin", "BRIEFING_CHAT_INDEX": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    heavy = {
        "pelican",
        "kiwipiepy",
        "litellm",
        "briefing.extract",
        "briefing.summarize",
        "briefing.chat.index_build",
    }
    assert loaded & heavy == set()


def test_modules_stay_small_or_say_why() -> None:
    """No module over ~400 lines unless its docstring says why it is one piece."""
    long = []
    for path in python_files("briefing", "plugins"):
        lines = path.read_text(encoding="utf-8").count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if lines > 420 and "one piece" not in doc:
            long.append(f"{path.relative_to(ROOT)} ({lines} lines)")
    assert long == []


def test_every_error_is_a_briefing_error() -> None:
    """Exceptions the package defines derive from one base (briefing.errors.BriefingError)."""
    builtin = {"Exception", "ValueError", "RuntimeError", "OSError", "LookupError"}
    strays = []
    for path in python_files("briefing"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef) or path.name == "errors.py":
                continue
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
            if bases and bases <= builtin:  # derives from built-in exceptions only
                strays.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert strays == []
