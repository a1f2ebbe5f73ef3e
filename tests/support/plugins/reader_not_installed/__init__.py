"""A Pelican plugin for tests: a reader whose library is "not installed" (disabled), so Pelican warns
about every ``.notinstalled`` file among the articles."""

from typing import ClassVar

from pelican.readers import BaseReader


class NotInstalledReader(BaseReader):
    enabled = False
    file_extensions: ClassVar[list[str]] = ["notinstalled"]

    def disabled_message(self) -> str:
        return "the reader for this format is not installed"


def register() -> None:
    """Defining the class is enough: Pelican finds BaseReader's subclasses."""
