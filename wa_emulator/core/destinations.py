"""Where webhooks may go: the destination policy the dispatcher checks before every attempt.

Two rules, both decided from the URL alone (no name is ever looked up, so a refused delivery
costs no DNS query and no connection):

- ``loopback``: only addresses on this machine (127.0.0.0/8, ::1, 0.0.0.0, ``localhost``),
  so a test suite or a fuzz run can never make the emulator reach beyond the machine;
  ``any`` (the default of ``serve``) lets a delivery go wherever its URL says.
- never the emulator's own control API: a path under ``/_emulator/`` on a loopback address,
  on the address the server is bound to, or on a host the server answers for (the providers'
  real host names). The port is not compared: the control API of a sibling emulator on the
  same machine (parallel test workers) is no webhook receiver either. The request bins under
  ``/_emulator/bin/`` are the exception: they are receivers, made to be a webhook's destination.

A delivery that reaches the control API all the same (through an alias no URL check can know)
is refused there: deliveries carry :data:`USER_AGENT`, and the control door turns that away.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

ANY = "any"
LOOPBACK = "loopback"
CHOICES = (ANY, LOOPBACK)

USER_AGENT = "wa-emulator-webhooks"
"""The User-Agent of every webhook attempt; the control API refuses requests that carry it."""

CONTROL_PREFIX = "/_emulator"
BIN_PREFIX = CONTROL_PREFIX + "/bin/"  # the request bins: webhook receivers, not control

# Names that reach this machine without DNS: /etc/hosts entries of common distributions.
_LOCAL_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
_SLASHES = re.compile(r"/{2,}")


def is_local_host(host: str) -> bool:
    """Whether ``host`` (a URL's host, without brackets) reaches this machine without a lookup.

    Loopback and unspecified addresses count (connecting to 0.0.0.0 reaches the local host), in
    any form the system's resolver reads as a number (``127.1``, ``0x7f000001``).

    >>> [is_local_host(h) for h in ("127.0.0.1", "127.8.9.1", "::1", "0.0.0.0", "localhost", "127.1")]
    [True, True, True, True, True, True]
    >>> [is_local_host(h) for h in ("10.0.0.5", "example.test", "localhost.example.test", "")]
    [False, False, False, False]
    """
    host = host.lower().rstrip(".")
    if host in _LOCAL_NAMES:
        return True
    address = _address(host)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])  # an IPv6 zone id names no other host
    except ValueError:
        pass
    if not host or not host[0].isdigit():
        return None
    try:
        # The legacy IPv4 forms getaddrinfo accepts; inet_aton parses, it never resolves.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def under_control_prefix(path: str) -> bool:
    """Whether a URL path names the control API once the server has decoded and routed it.

    >>> [under_control_prefix(p) for p in ("/_emulator/reset", "/%5Femulator/reset", "/x/../_emulator", "//_emulator/")]
    [True, True, True, True]
    >>> under_control_prefix("/hooks/_emulator"), under_control_prefix("/_emulatorx")
    (False, False)
    >>> under_control_prefix("/_emulator/bin/demo"), under_control_prefix("/_emulator/bin/../reset")
    (False, True)
    """
    path = posixpath.normpath(_SLASHES.sub("/", "/" + unquote(path))).casefold()
    if path.startswith(BIN_PREFIX):
        return False  # a request bin receives webhooks
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


@dataclass(frozen=True, slots=True)
class Destinations:
    """Which webhook URLs the dispatcher may call. ``own_hosts`` are the names and addresses besides
    the local ones that reach this server (its bound address, the providers' real hosts).

    >>> policy = Destinations(LOOPBACK, own_hosts=frozenset({"api.mojeeb.app"}))
    >>> policy.refusal("http://127.0.0.1:9000/hooks") is None
    True
    >>> print(policy.refusal("https://hooks.example.test/x"))  # doctest: +NORMALIZE_WHITESPACE
    not attempted: hooks.example.test is not a loopback address, and webhook destinations are
    limited to loopback (--webhook-destinations loopback)
    >>> policy.aims_at_control("https://api.mojeeb.app/_emulator/reset")
    True
    """

    allow: str = ANY
    own_hosts: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.allow not in CHOICES:
            raise ValueError(f"webhook destinations must be one of {', '.join(CHOICES)}, not {self.allow!r}")

    def aims_at_control(self, url: str) -> bool:
        """Whether ``url`` would reach an emulator's control API on this machine or this server."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            return False
        if not (is_local_host(host) or host.rstrip(".") in self.own_hosts):
            return False
        return under_control_prefix(parts.path)

    def refusal(self, url: str) -> str | None:
        """Why a delivery to ``url`` must not be attempted, or None when it may go."""
        if self.aims_at_control(url):
            return (f"not attempted: {url} is the emulator's control API ({CONTROL_PREFIX}/), "
                    "which never receives webhooks")
        if self.allow == LOOPBACK:
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                host = ""
            if not is_local_host(host):
                named = host or "the URL's host"
                return (f"not attempted: {named} is not a loopback address, and webhook destinations "
                        "are limited to loopback (--webhook-destinations loopback)")
        return None
