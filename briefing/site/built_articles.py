"""The articles of the running build, as the search and chat plugins take them from Pelican.

Each plugin keeps one :class:`BuiltArticles`, connects :meth:`BuiltArticles.collect` to Pelican's
``article_generator_finalized`` signal and reads the articles when the build is finalized; each
works when loaded on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefing.article.view import ReleaseView, article_view


class BuiltArticles:
    """The generator's articles and the data folder their release views are read from."""

    def __init__(self) -> None:
        self.articles: list[Any] = []
        self.data_dir: Path | None = None

    def collect(self, generator: Any) -> None:
        from briefing.settings import Settings

        self.articles = list(generator.articles)
        self.data_dir = Settings.load(generator.settings.get("BRIEFING")).data_dir

    def view(self, article: Any) -> ReleaseView | None:
        """The release view of ``article`` (None for a hand-written one)."""
        return article_view(article, self.data_dir)
