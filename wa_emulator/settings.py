"""Settings the server is started with; frozen so nothing changes them behind its back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .core.clock import REAL_CLOCK, ClockSpec
from .core.destinations import ANY as ANY_DESTINATION
from .core.journal import DEFAULT_CAP as JOURNAL_CAP
from .core.store import DEFAULT_CAP as MESSAGE_CAP
from .core.webhooks import DEFAULT_CAP as DELIVERY_CAP

DEFAULT_PORT = 8066
DEFAULT_SCENARIO = "sandbox"


@dataclass(frozen=True, slots=True)
class Settings:
    """How to run the emulator.

    >>> Settings().with_(port=0).port
    0
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    clock: ClockSpec = REAL_CLOCK
    clock_start: float | None = None
    scenario: str | None = None
    seed: int | None = None
    strict: bool = False
    providers: tuple[str, ...] | None = None  # None: every provider; else only these are mounted
    max_body_bytes: int = 1024 * 1024
    journal_cap: int = JOURNAL_CAP
    delivery_cap: int = DELIVERY_CAP
    message_cap: int = MESSAGE_CAP
    # How long `serve` lets a connection idle, a request's headers arrive, and stopping take.
    keepalive_timeout: float = 15.0
    header_timeout: float = 10.0
    shutdown_grace: float = 5.0

    # Exposure. Who may call the control API: loopback clients always; others only with
    # ``control_token`` (generated at start-up when the server is bound beyond loopback and none is
    # given) or when ``control_open`` opens it on purpose. Where webhooks may go: "any" or "loopback".
    control_token: str | None = None
    control_open: bool = False
    webhook_destinations: str = ANY_DESTINATION

    # Where POST /_emulator/scenario {"path": …} may read from (besides the bundled library by
    # name): nothing else on the machine is read for a client.
    scenario_dirs: tuple[Path, ...] = ()

    # HTTPS: ``tls`` with a CA generated at start-up (``web/tls.py``), or the caller's own PEM
    # certificate chain and key (either pair given turns TLS on).
    tls: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Proxy mode (``web/proxy.py``): the plain-HTTP port also answers CONNECT for the providers'
    # real hosts, with TLS from a CA generated at start-up (so it excludes ``tls``/``tls_cert``).
    proxy: bool = False

    @property
    def serves_tls(self) -> bool:
        """Whether the server answers HTTPS (``tls`` or a certificate of the caller's own)."""
        return self.tls or self.tls_cert is not None

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
