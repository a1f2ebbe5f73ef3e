"""Extraction in a child process with a wall-clock timeout and an address-space cap.

Parsers of hostile files can loop or allocate without bound; a forked child confines both. It
inherits the bytes without a copy, lowers its own ``RLIMIT_AS`` to its address-space size at the
fork plus ``max_memory_mb`` (relative, so a parent that already maps big models still leaves the
child its budget; heap the parent reserved but no longer uses counts as already there), and sends
back either an :class:`Extraction` or an :class:`ExtractError`. The parent waits at most
``timeout`` seconds, then kills it. Whatever happens, the caller gets one or the other, never a
traceback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import multiprocessing
import os
import resource
import signal
from multiprocessing.connection import Connection

from briefing.extract.document import DEFAULT_MAX_CHARS, Extraction, extract_document
from briefing.extract.errors import ExtractError
from briefing.extract.sniff import sniff_type

_PAGE = os.sysconf("SC_PAGE_SIZE")
# The readers import their libraries lazily; importing them once here, before forking, spares every
# child the import (a tenth of a second or more each).
_READER_MODULES = (
    "briefing.extract.pdf",
    "briefing.extract.hwp",
    "briefing.extract.hwpx",
    "pypdf",
    "pypdf.filters",
    "hwp5.filestructure",
    "hwp5.recordstream",
    "hwp5.binmodel",
    "hwp5.distdoc",
    "olefile",
    "defusedxml.ElementTree",
)


@functools.cache
def _preload_readers() -> None:
    for module in _READER_MODULES:
        with contextlib.suppress(ImportError):  # the child will report the failure as it happens
            importlib.import_module(module)


def extract_isolated(
    data: bytes,
    *,
    name: str = "",
    timeout: float = 60.0,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_memory_mb: int = 1024,
) -> Extraction:
    """Like :func:`extract_document`, in a forked child limited to ``timeout`` s and ``max_memory_mb``.

    A hang gives ``ExtractError("timeout")``; running out of memory gives ``ExtractError("too-large")``.
    """
    doc_type = sniff_type(data)
    _preload_readers()
    context = multiprocessing.get_context("fork")  # fast, and the child shares `data` without copying
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sender, data, name, max_chars, max_memory_mb),
        name="briefing-extract",
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise ExtractError("timeout", f"extraction took longer than {timeout:g} s", doc_type=doc_type)
        try:
            outcome = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            raise _death(child.exitcode, doc_type, max_memory_mb) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if isinstance(outcome, ExtractError):
        raise outcome
    return outcome


def _child(sender: Connection, data: bytes, name: str, max_chars: int, max_memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    doc_type = sniff_type(data)
    # Built before the cap: when memory runs out there may be none left to build it.
    out_of_memory = ExtractError(
        "too-large", f"extraction needed more than {max_memory_mb} MB of memory", doc_type=doc_type
    )
    outcome: Extraction | ExtractError = out_of_memory
    try:
        limit = _current_vm_bytes() + max_memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        outcome = extract_document(data, name=name, max_chars=max_chars)
    except ExtractError as exc:
        outcome = exc
    except MemoryError:
        outcome = out_of_memory
    except RecursionError:
        outcome = ExtractError("corrupt", "document nests too deeply to read", doc_type=doc_type)
    except BaseException as exc:  # a reader bug must still come back as one line, not a traceback
        outcome = ExtractError("corrupt", f"unexpected {type(exc).__name__}: {exc}"[:300], doc_type=doc_type)
    try:
        sender.send(outcome)
        sender.close()
    except BaseException:
        os._exit(3)  # the parent reports the silent death
    os._exit(0)  # skip atexit handlers and finalisers inherited from the parent


def _current_vm_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * _PAGE


def _death(exitcode: int | None, doc_type: str, max_memory_mb: int) -> ExtractError:
    """The child died without answering: allocation failures in C code end this way."""
    if exitcode is not None and exitcode < 0:
        how = f"signal {signal.Signals(-exitcode).name}"
    else:
        how = f"exit code {exitcode}"
    return ExtractError(
        "too-large",
        f"extractor process died ({how}), most likely past its {max_memory_mb} MB memory cap",
        doc_type=doc_type,
    )
