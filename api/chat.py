"""Vercel looks for functions in ``api/``: this file only re-exports the adapter.

The handler lives in :mod:`briefing.chat.adapters.vercel`; see docs/chat.md.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:  # the repository root holds the briefing package
    sys.path.insert(0, ROOT)

from briefing.chat.adapters.vercel import handler  # noqa: E402

__all__ = ["handler"]
