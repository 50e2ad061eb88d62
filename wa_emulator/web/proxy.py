"""Proxy mode (``serve --proxy``): clients reach the emulator through ``HTTPS_PROXY``, base URLs unchanged.

A client with ``HTTPS_PROXY=http://127.0.0.1:PORT`` opens each ``https://api.mojeeb.app`` connection
with ``CONNECT api.mojeeb.app:443``. :class:`ProxyProtocol` reads that first request line itself. For a
real provider host on port 443 it answers ``200 Connection established``, then terminates TLS on the
same connection (``loop.start_tls``) with the certificate the emulator's CA issued for every real
host, and hands the decrypted stream to aiohttp's request handler, where real-host routing serves
that provider at the root. This is the approach mitmproxy and proxy.py's TLS interception take, cut
down to the one thing we need: the "upstream" is always this process.

Any other ``CONNECT`` target (another host, or a provider host on another port) is refused with a
403, and nothing is ever forwarded: this module opens no outbound connection at all. A first line
that is not ``CONNECT`` goes to aiohttp on the same connection unchanged: an ordinary request, or
an absolute-form proxy request (``GET http://api.mojeeb.app/...``) for a provider host or for the
emulator's own address; an absolute-form request for any other host is refused with a 403 too.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import cast
from urllib.parse import urlsplit

from aiohttp import web

from . import keys
from .http import dumps
from .tls import LOOPBACK_NAMES, OpenConnections

log = logging.getLogger("wa_emulator.server")

TUNNEL_PORT = 443
HEAD_LIMIT = 8192  # a CONNECT request's line and headers; real clients send a few hundred bytes
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ESTABLISHED = b"HTTP/1.1 200 Connection established\r\n\r\n"


@dataclass(frozen=True, slots=True)
class ProxyPolicy:
    """Which targets the proxy serves: ``hosts`` (the providers' real hosts) and the emulator's own names.

    >>> policy = ProxyPolicy.of(["api.mojeeb.app"], "127.0.0.1")
    >>> policy.tunnel("api.mojeeb.app:443"), policy.tunnel("example.com:443")[0], policy.tunnel("api.mojeeb.app:80")[0]
    (None, 403, 403)
    """

    hosts: frozenset[str]
    own_names: frozenset[str]

    @classmethod
    def of(cls, hosts: Iterable[str], bound: str) -> ProxyPolicy:
        """The policy for providers' ``hosts`` on a server bound to ``bound``."""
        return cls(frozenset(_name(h) for h in hosts), frozenset(_name(h) for h in (*LOOPBACK_NAMES, bound)))

    def tunnel(self, target: str) -> tuple[int, str, str] | None:
        """None when ``CONNECT target`` is served, else the refusal: (status, code, message)."""
        host, colon, port = target.rpartition(":")
        if not colon or not port.isdigit() or not host:
            return 400, "proxy_bad_target", f"CONNECT needs host:port, not {target!r}."
        host = _name(host)
        if host not in self.hosts:
            return 403, "proxy_host_refused", (
                f"This emulator is not a general proxy: it tunnels only to the providers' real hosts "
                f"({', '.join(sorted(self.hosts))}), never to {host}; nothing was forwarded.")
        if int(port) != TUNNEL_PORT:
            return 403, "proxy_port_refused", (
                f"Only port {TUNNEL_PORT} of {host} is tunnelled (HTTPS); nothing was forwarded to port {port}.")
        return None

    def absolute(self, target: str, own_port: int | None) -> tuple[int, str, str] | None:
        """None when the absolute-form request ``GET target`` is served, else the refusal."""
        try:
            parts = urlsplit(target)
            host, port = _name(parts.hostname or ""), parts.port
        except ValueError:
            return 400, "proxy_bad_target", f"Not a URL this proxy can read: {target!r}."
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        if host in self.hosts and port in (None, default):
            return None
        if host in self.own_names and port == own_port:
            return None  # a client whose HTTP_PROXY also covers the emulator's own address
        return 403, "proxy_host_refused", (
            f"This emulator is not a general proxy: it answers only for the providers' real hosts "
            f"({', '.join(sorted(self.hosts))}) and itself, never for {target}; nothing was forwarded.")


def _name(host: str) -> str:
    return host.strip("[]").lower().rstrip(".")


def _refusal(status: int, code: str, message: str) -> bytes:
    body = dumps({"error": {"code": code, "message": message}})
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode("ascii") + body


class ProxyProtocol(asyncio.Protocol):
    """One accepted connection: a CONNECT tunnel to a provider host, a refusal, or plain HTTP for aiohttp.

    Until the first request line is read, bytes are kept here (for at most ``timeout`` seconds);
    then either aiohttp's handler (made by ``make_handler``) gets them, or the connection is
    refused, or TLS starts and the handler gets the decrypted stream. ``open_`` holds the raw
    transport while it lives, so the listener's owner can abort what a client never closed.
    """

    def __init__(self, make_handler: Callable[[], asyncio.Protocol], policy: ProxyPolicy,
                 context: ssl.SSLContext, timeout: float, open_: set[asyncio.BaseTransport]) -> None:
        self._make_handler = make_handler
        self._policy = policy
        self._context = context
        self._timeout = timeout
        self._open = open_
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._head = bytearray()
        self._handler: asyncio.Protocol | None = None
        self._pending: list[bytes] | None = None  # app data decrypted before the handler is attached
        self._eof = False
        self._lost = False
        self._timer: asyncio.TimerHandle | None = None
        self._upgrade: asyncio.Task[None] | None = None

    # -- the raw connection ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; both have what is used here.
        self._transport = cast(asyncio.Transport, transport)
        self._open.add(transport)
        self._timer = self._loop.call_later(self._timeout, self._expire)

    def data_received(self, data: bytes) -> None:
        if self._handler is not None:
            self._handler.data_received(data)
        elif self._pending is not None:
            self._pending.append(data)  # the client spoke right after its TLS handshake
        elif self._transport is not None and not self._transport.is_closing():
            self._head += data
            self._examine()

    def eof_received(self) -> bool | None:
        if self._handler is not None:
            return self._handler.eof_received()
        self._eof = True
        return None  # close: no request came (or the tunnel's handler never started)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._cancel_timer()
        if self._transport is not None:
            self._open.discard(self._transport)
        if self._handler is not None:
            self._handler.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._handler is not None:
            self._handler.pause_writing()

    def resume_writing(self) -> None:
        if self._handler is not None:
            self._handler.resume_writing()

    # -- the first request line -------------------------------------------------------------

    def _examine(self) -> None:
        head = self._head
        space = head.find(b" ")
        method = bytes(head if space < 0 else head[:space])
        if not _TOKEN.issuperset(method) or (space < 0 and len(head) > 32):
            self._hand_over()  # not an HTTP request line at all: aiohttp answers its own 400
            return
        line_end = head.find(b"\n")
        if line_end < 0:
            if len(head) > HEAD_LIMIT:
                self._refuse(400, "proxy_bad_request", f"No request line within {HEAD_LIMIT} bytes.")
            return
        parts = bytes(head[:line_end]).rstrip(b"\r").split(b" ")
        target = parts[1].decode("latin-1") if len(parts) > 1 else ""
        if method != b"CONNECT":
            refused = None
            if target[:7].lower() == "http://" or target[:8].lower() == "https://":
                sockname = self._transport.get_extra_info("sockname") if self._transport else None
                own_port = sockname[1] if isinstance(sockname, tuple) and len(sockname) > 1 else None
                refused = self._policy.absolute(target, own_port)
            if refused:
                self._refuse(*refused)
            else:
                self._hand_over()
            return
        head_end = head.find(b"\r\n\r\n")
        if head_end < 0:
            if len(head) > HEAD_LIMIT:
                self._refuse(431, "proxy_head_too_large",
                             f"A CONNECT request's headers must fit in {HEAD_LIMIT} bytes.")
            return
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            self._refuse(400, "proxy_bad_request", "A CONNECT request line is: CONNECT host:443 HTTP/1.1")
            return
        refused = self._policy.tunnel(target)
        if refused is None and len(head) > head_end + 4:
            refused = (400, "proxy_early_data", "Send the TLS handshake only after the 200 answers the CONNECT.")
        if refused:
            self._refuse(*refused, target=target)
            return
        self._tunnel(target)

    def _hand_over(self) -> None:
        """Plain HTTP on this connection: aiohttp's handler takes it over, with the bytes read so far."""
        self._cancel_timer()
        assert self._transport is not None
        handler = self._handler = self._make_handler()
        handler.connection_made(self._transport)
        data, self._head = bytes(self._head), bytearray()
        handler.data_received(data)
        if self._eof:
            handler.eof_received()

    def _refuse(self, status: int, code: str, message: str, target: str | None = None) -> None:
        self._cancel_timer()
        assert self._transport is not None
        if target is not None:
            log.info("proxy: refused CONNECT %s from %s (%s)", target,
                     self._transport.get_extra_info("peername"), code)
        self._head = bytearray()
        self._transport.write(_refusal(status, code, message))
        self._transport.close()  # after the answer is written

    def _expire(self) -> None:
        self._timer = None
        if self._handler is None and self._pending is None and self._transport is not None:
            self._refuse(408, "proxy_request_timeout", f"No complete request within {self._timeout:g} s.")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # -- the tunnel ---------------------------------------------------------------------------

    def _tunnel(self, target: str) -> None:
        self._cancel_timer()
        transport = self._transport
        assert transport is not None
        transport.pause_reading()  # no TLS byte may be read as plain text before start_tls owns the transport
        transport.write(_ESTABLISHED)
        self._head = bytearray()
        self._pending = []
        self._upgrade = self._loop.create_task(self._start_tls(transport, target))

    async def _start_tls(self, transport: asyncio.Transport, target: str) -> None:
        try:
            tls = await self._loop.start_tls(transport, self, self._context, server_side=True,
                                             ssl_handshake_timeout=self._timeout)
        except OSError as exc:  # ssl.SSLError, a reset, the handshake's timeout
            # A client that does not trust the CA ends here: it hangs up during the handshake.
            log.info("proxy: TLS for %s from %s failed: %s", target, transport.get_extra_info("peername"), exc)
            transport.abort()
            return
        if tls is None or self._lost:
            return
        handler = self._handler = self._make_handler()
        handler.connection_made(tls)
        pending, self._pending = self._pending or [], None
        for data in pending:
            handler.data_received(data)
        if self._eof:
            handler.eof_received()


class ProxyConnections(OpenConnections):
    """A listener's protocol factory that is also the HTTPS proxy for the providers' real hosts.

    ``abort_all`` (from :class:`OpenConnections`) ends every connection still open, tunnels included.
    Example: ``await loop.create_server(proxy_for(app, runner.server, 10.0), "127.0.0.1", 0)``.
    """

    def __init__(self, factory: Callable[[], asyncio.Protocol], policy: ProxyPolicy,
                 context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(factory)
        self.policy = policy
        self._context = context
        self._timeout = timeout

    def __call__(self) -> asyncio.Protocol:
        return ProxyProtocol(self._factory, self.policy, self._context, self._timeout, self.open)


def proxy_for(app: web.Application, factory: Callable[[], asyncio.Protocol], timeout: float) -> ProxyConnections:
    """The proxy for an app made with ``Settings(proxy=True)``: its CA's certificate, its providers' hosts."""
    tls = app[keys.tls]
    policy = ProxyPolicy.of((host for p in app[keys.providers] for host in p.hosts), app[keys.settings].host)
    return ProxyConnections(factory, policy, tls.context, timeout)


def proxy_env(proxy_url: str, ca_path: str) -> dict[str, str]:
    """The variables an unchanged client needs: the proxy for HTTPS, and the CA in every client's variable.

    >>> sorted(proxy_env("http://127.0.0.1:8066", "/tmp/ca.pem"))
    ['CURL_CA_BUNDLE', 'HTTPS_PROXY', 'REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'https_proxy']
    """
    # curl reads only the lower-case https_proxy on some builds; requests and httpx read either.
    return {"HTTPS_PROXY": proxy_url, "https_proxy": proxy_url,
            "REQUESTS_CA_BUNDLE": ca_path, "SSL_CERT_FILE": ca_path, "CURL_CA_BUNDLE": ca_path}
