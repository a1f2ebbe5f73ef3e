"""The model's answer as a stream that cannot stall or leak: a hard deadline on the provider and a
guard that stops the answer when it starts repeating the system prompt."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from briefing.settings import Settings

LEAK_WINDOW = 24  # characters of the system prompt in a row that count as a leak


# --- leak guard ----------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return "".join(text.split())


class LeakGuard:
    """Holds back the tail of a streamed answer until it cannot be part of a system-prompt echo.

    Any ``LEAK_WINDOW`` characters (whitespace ignored) of the answer that also occur in the
    system prompt count as a leak. The last ``2 * LEAK_WINDOW`` characters are withheld, so
    by the time a leak is detected less than one window of it has been sent.
    """

    def __init__(self, secret: str, window: int = LEAK_WINDOW) -> None:
        squashed = _squash(secret)
        self.window = window
        self.shingles = {squashed[i : i + window] for i in range(len(squashed) - window + 1)}
        self.text = ""
        self.sent = 0
        self.leaked = False

    def feed(self, piece: str) -> str:
        """Add ``piece``; return the text now safe to send ('' once a leak was found)."""
        if self.leaked:
            return ""
        self.text += piece
        squashed = _squash(self.text[-(len(piece) + 4 * self.window) :])
        for i in range(max(0, len(squashed) - self.window + 1)):
            if squashed[i : i + self.window] in self.shingles:
                self.leaked = True
                return ""
        safe_end = max(self.sent, len(self.text) - 2 * self.window)
        out, self.sent = self.text[self.sent : safe_end], safe_end
        return out

    def flush(self) -> str:
        if self.leaked:
            return ""
        out, self.sent = self.text[self.sent :], len(self.text)
        return out


# --- the model call with a hard deadline ---------------------------------------------------------

_END = object()


def stream_with_deadline(
    messages: list[dict[str, str]], settings: Settings, model: str, stop: threading.Event
) -> Iterator[Any]:
    """Pieces from :func:`briefing.llm.stream_chat`, raising TimeoutError when the model stalls.

    The call runs in a daemon thread feeding a queue, so a provider that stops sending cannot
    hold the request past ``settings.chat_timeout`` (between pieces) or four times that in all.
    """
    pieces: queue.Queue[Any] = queue.Queue()
    from briefing.llm import preload, stream_chat

    preload()  # the model library's import is not the model's delay: keep it out of the deadline

    def produce() -> None:
        try:
            for piece in stream_chat(messages, settings, model=model, timeout=settings.chat_timeout):
                if stop.is_set():
                    return
                pieces.put(piece)
            pieces.put(_END)
        except BaseException as exc:
            pieces.put(exc)

    threading.Thread(target=produce, name="chat-llm", daemon=True).start()
    deadline = time.monotonic() + 4 * settings.chat_timeout
    while True:
        wait = min(settings.chat_timeout, deadline - time.monotonic())
        if wait <= 0:
            raise TimeoutError
        try:
            piece = pieces.get(timeout=wait)
        except queue.Empty:
            raise TimeoutError from None
        if piece is _END:
            return
        if isinstance(piece, BaseException):
            raise piece
        yield piece
