"""Which addresses the collector may connect to, checked on the address actually connected to.

Trust follows configuration: the Open API and feed URLs the operator set, any URL on the same
origin (host and port) as one of them, and the LLM's ``api_base`` are the operator's own and are
fetched as configured (a local mirror or the test portal on 127.0.0.1 keeps working). Every other
URL a source hands us (release pages, attachments, every redirect hop) may only reach a public
address: a loopback, private, shared, link-local, multicast, reserved or unspecified address
(IPv4 or IPv6, IPv4-mapped/6to4/NAT64 forms included) is refused unless its ``host:port`` is in
``BRIEFING_FETCH_ALLOW``. That keeps a hostile portal answer away from internal services and the
cloud metadata address (169.254.169.254) of a CI runner.

Why a network backend and not a look-up before the request: the check sits where httpcore opens
the socket. The host is resolved once, every address is checked, and the socket is opened to that
checked IP (TLS still verifies the original host name), so a DNS answer that changes between a
check and the connect (rebinding) cannot slip through. Numeric tricks (``http://2130706433/``,
``http://0x7f.1/``, ``127.1``) resolve to 127.0.0.1 like any name and are refused the same way.

The same backend enforces the per-download deadline: every connect, read and write waits at most
until the deadline the current thread set (see :func:`deadline`), so a server dripping one byte
at a time cannot hold a download past it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpcore

from briefing.errors import BriefingError

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddress(BriefingError):
    """A connection to a non-public address that configuration does not trust (raised inside
    httpcore's connect; :mod:`briefing.http` turns it into a ``FetchError`` of kind
    ``refused-address``)."""

    kind = "refused-address"
    fatal = True

    def __init__(self, host: str, port: int, address: str) -> None:
        where = host if host == address else f"{host} ({address})"
        super().__init__(
            f"{where} port {port} is not a public address; add {host}:{port} to BRIEFING_FETCH_ALLOW to allow it"
        )
        self.host = host
        self.address = address


def is_public(address: str) -> bool:
    """Whether ``address`` (an IP literal) is a public unicast address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 carried inside IPv6 reaches the IPv4 host: judge that one.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(str(embedded))
    return ip.is_global and not (
        ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_unspecified
    )


def _origin(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return parts.hostname.lower(), port


def _host_port(entry: str) -> tuple[str, int] | None:
    host, _, port = entry.strip().rpartition(":")
    host = host.strip("[]").lower()
    return (host, int(port)) if host and port.isdigit() else None


class FetchPolicy:
    """Trusted origins (from configuration) and the operator's allow-list, by ``(host, port)``."""

    def __init__(self, trusted_urls: Iterable[str] = (), allow: Iterable[str] = ()) -> None:
        self.trusted = {o for o in (_origin(u) for u in trusted_urls if u) if o}
        entries = [part for item in allow for part in item.split(",")]
        self.allowed = {hp for hp in (_host_port(e) for e in entries) if hp}

    def trusts(self, host: str, port: int) -> bool:
        key = (host.strip("[]").lower(), port)
        return key in self.trusted or key in self.allowed

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host:port``; raises :class:`RefusedAddress`.

        All resolved addresses must be public (one private answer among public ones is the
        rebinding pattern): the first is then used, the rest are fallbacks."""
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if self.trusts(host, port):
            return addresses
        for address in addresses:
            if not is_public(address):
                raise RefusedAddress(host, port, address)
        return addresses


# --- the deadline of the download running in this thread -------------------------------------

_current = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every socket operation in this thread ends by ``now + seconds`` (monotonic); yields that time."""
    previous = getattr(_current, "at", None)
    _current.at = time.monotonic() + seconds
    try:
        yield _current.at
    finally:
        _current.at = previous


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    at = getattr(_current, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("download deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never wait past the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to addresses :class:`FetchPolicy` accepts."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.addresses(host, port)
        except OSError as exc:  # no such host
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_clamp(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return _DeadlineStream(stream)
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for sources")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
