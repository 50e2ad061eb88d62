"""HTTPS for ``serve --tls`` and the fixtures: a CA made at start-up, or the caller's own certificate.

A generated CA signs one certificate for the loopback names and every real provider host, so a
client that trusts ``ca_path`` reaches ``https://127.0.0.1:PORT`` and ``https://api.mojeeb.app``
(routed here) alike. The CA lives only as long as the server: its files are removed when it stops.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import tempfile
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_WILDCARDS = {"", "0.0.0.0", "::"}  # bound addresses no client uses as a name


class TlsError(ValueError):
    """A certificate or key that cannot be used; the message names the file."""


@dataclass
class ServerTls:
    """The server's TLS context and, when the emulator made its own CA, that CA's PEM file.

    >>> tls = ServerTls.generate(["api.mojeeb.app"])
    >>> tls.ca_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    True
    >>> tls.close(); tls.ca_path.exists()
    False
    """

    context: ssl.SSLContext
    ca_path: Path | None = None
    ca_pem: bytes | None = None
    """The generated CA certificate (None for a certificate of the caller's own)."""
    names: tuple[str, ...] = ()
    _cleanup: weakref.finalize | None = field(default=None, repr=False)

    @classmethod
    def generate(cls, hosts: Iterable[str]) -> ServerTls:
        """A fresh CA and a certificate it issues for the loopback names and ``hosts``."""
        import trustme  # only a TLS server needs it

        names = tuple(dict.fromkeys([*LOOPBACK_NAMES, *(h for h in hosts if h not in _WILDCARDS)]))
        ca = trustme.CA(organization_name="wa-emulator")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*names).configure_cert(context)
        folder = Path(tempfile.mkdtemp(prefix="wa-emulator-tls-"))
        ca_path = folder / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        tls = cls(context, ca_path, ca.cert_pem.bytes(), names)
        # Removed on close(), else when garbage-collected or at exit: a CA file never outlives its server long.
        tls._cleanup = weakref.finalize(tls, shutil.rmtree, folder, ignore_errors=True)
        return tls

    @classmethod
    def from_files(cls, cert: Path, key: Path) -> ServerTls:
        """The caller's own certificate chain and key (PEM); no CA is served then."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        for path in (cert, key):
            if not path.is_file():
                raise TlsError(f"{path}: no such file")
        try:
            context.load_cert_chain(cert, key)
        except ssl.SSLError as exc:
            raise TlsError(f"{cert}, {key}: not a PEM certificate chain and its key ({exc.reason or exc})") from None
        return cls(context)

    def close(self) -> None:
        """Remove the generated CA's files; safe to call twice."""
        if self._cleanup is not None:
            self._cleanup()


class OpenConnections:
    """A protocol factory wrapper that remembers each open connection, so ``abort_all`` can end them.

    A TLS connection being closed waits for the client's close_notify (up to 30 s); a client that
    keeps its socket without sending one would keep it past the server's stop, in a loop about to close.
    """

    def __init__(self, factory: Callable[[], asyncio.Protocol]) -> None:
        self._factory = factory
        self.open: set[asyncio.BaseTransport] = set()

    def __call__(self) -> asyncio.Protocol:
        return _Tracked(self._factory(), self.open)

    async def abort_all(self) -> None:
        """Drop every connection still open at once (no TLS goodbye), and let the loop close the sockets."""
        for transport in list(self.open):
            transport.abort()
        self.open.clear()
        await asyncio.sleep(0)  # abort() closes each socket in a callback; run those before the loop may close


class _Tracked(asyncio.Protocol):
    __slots__ = ("_handler", "_open", "_transport")

    def __init__(self, handler: asyncio.Protocol, open_: set[asyncio.BaseTransport]) -> None:
        self._handler = handler
        self._open = open_
        self._transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport
        self._open.add(transport)
        self._handler.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._open.discard(self._transport)  # type: ignore[arg-type]
        self._handler.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._handler.data_received(data)

    def eof_received(self) -> bool | None:
        return self._handler.eof_received()

    def pause_writing(self) -> None:
        self._handler.pause_writing()

    def resume_writing(self) -> None:
        self._handler.resume_writing()
