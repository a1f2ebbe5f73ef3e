"""The project's errors: one hierarchy, each with a stable ``kind`` and a one-line ``str()``.

``kind`` is a short machine word (``timeout``, ``encrypted``, ``invalid-json`` …) that records,
logs and the run summary carry, so code decides by ``kind`` and readers by the message. ``fatal``
says that trying again later will not help (a refused key, an encrypted file).

    BriefingError
    ├── SourceError      a source answered with nothing usable (sources/)
    ├── FetchError       an HTTP request failed (http.py)
    ├── ExtractError     a document's text could not be taken out (extract/)
    ├── SummaryError     a summary could not be made (summarize/, llm.py)
    ├── StoreError       a record or state file could not be read or written (store.py)
    ├── ArticleError     an article file could not be written (article/)
    ├── SiteError        the site settings are inconsistent (site/)
    ├── ChatError        the chat index or a chat request is unusable (chat/)
    └── DeployError      the built site could not be deployed (site/deploy_*.py, site/s3_store.py)
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base of every error this project raises on purpose."""

    kind: str = "error"
    fatal: bool = False  # another attempt (next run) will fail the same way


class SourceError(BriefingError):
    """A source answered, but not with anything usable (bad key, error body, not a feed...)."""

    kind = "source"


class SummaryError(BriefingError):
    """A summary could not be made this time (model, budget, invalid answer)."""

    kind = "summary"


class ArticleError(BriefingError):
    """An article file could not be written."""

    kind = "article"


class SiteError(BriefingError):
    """The site's settings contradict each other."""

    kind = "site"


class ChatError(BriefingError):
    """The chat index or a chat request is unusable."""

    kind = "chat"


class DeployError(BriefingError):
    """The built site could not be deployed (target, credentials, store); one line saying what to fix."""

    kind = "deploy"
