"""Who may call the control API (``/_emulator/``): the control door's ``admit``.

The control API resets the world, injects faults and lists every sandbox key, so it answers
loopback clients only, unless the server was started to be reached from elsewhere:

- ``loopback`` (the default when bound to a loopback address): other clients get a 403.
- ``token``: other clients send ``Authorization: Bearer <token>`` or ``X-Emulator-Token: <token>``;
  a missing or wrong token is a 401. The token is given (``--control-token``, or the
  ``WA_EMULATOR_CONTROL_TOKEN`` variable) or, when the server is bound beyond loopback without
  one, generated at start-up and printed in the banner.
- ``open`` (``--control-open``): everyone, on purpose (a container on a private CI network).

A browser cannot put a header on a page load or an ``EventSource``, so in token mode the dashboard
is opened once as ``/_emulator/ui/?token=<token>`` (the banner prints that line): the token is
checked and exchanged for an HttpOnly, SameSite=Strict cookie scoped to ``/_emulator`` (a keyed
digest of the token, never the token itself), and the browser is sent on to the bare URL so the
token leaves its address bar. ``admit`` accepts that cookie as it accepts the header; a change
(anything but GET/HEAD/OPTIONS) admitted by the cookie alone must also come with an ``Origin`` of
this very host, so a page on another port of the same machine (the same "site" to a cookie) cannot
drive the control API with it.

The client's address is the connection's peer, never a header a client or proxy could write.
``GET /_emulator/health`` answers everyone: it tells a readiness probe from another container
that the server is up, and holds nothing worth protecting. Webhook deliveries of this process
(their User-Agent) are refused in every mode, so no webhook can ever drive the control API.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

from ..core.destinations import USER_AGENT as WEBHOOK_USER_AGENT
from ..settings import Settings
from ..web.http import ApiError

LOOPBACK_ONLY = "loopback"
TOKEN = "token"
OPEN = "open"

TOKEN_HEADER = "X-Emulator-Token"
COOKIE = "wa_emulator_control"  # the dashboard's session in token mode
COOKIE_PATH = "/_emulator"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/_emulator/health"})


def binds_beyond_loopback(host: str) -> bool:
    """Whether binding ``host`` lets other machines connect (0.0.0.0, a LAN address, a host name).

    >>> [binds_beyond_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "::", "10.0.0.5", "box")]
    [False, False, False, True, True, True, True]
    """
    if host.lower().rstrip(".") == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a name could resolve to any interface


def peer_is_loopback(request: web.Request) -> bool:
    """Whether the request's connection comes from this machine's loopback (127.0.0.0/8, ::1)."""
    transport = request.transport
    peer = transport.get_extra_info("peername") if transport is not None else None
    if isinstance(peer, str):
        return True  # a Unix socket's peer is a local process
    if not isinstance(peer, tuple) or not peer or not isinstance(peer[0], str):
        return False
    try:
        address = ipaddress.ip_address(peer[0].split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(slots=True)
class ControlAccess:
    """The control API's access rule; ``admit`` is its door's admit step.

    ``trusts`` decides which clients need no token (loopback peers); a test may swap it to
    play a remote client on a server bound to 127.0.0.1.

    >>> ControlAccess.from_settings(Settings(host="0.0.0.0", control_token="s3cret")).describe()
    'token: clients beyond loopback send Authorization: Bearer <the token given> (or X-Emulator-Token)'
    >>> ControlAccess.from_settings(Settings()).mode
    'loopback'
    """

    mode: str
    token: str | None = None
    generated: bool = False  # made at start-up, so the banner must show it
    trusts: Callable[[web.Request], bool] = field(default=peer_is_loopback)

    @classmethod
    def from_settings(cls, settings: Settings) -> ControlAccess:
        """The rule ``settings`` ask for; binding beyond loopback with neither a token nor
        ``control_open`` generates a token (a ValueError if both are set, or the token is empty)."""
        if settings.control_open and settings.control_token is not None:
            raise ValueError("a control token and an open control API exclude each other; choose one")
        if settings.control_open:
            return cls(OPEN)
        if settings.control_token is not None:
            if not settings.control_token.strip():
                raise ValueError("the control token must not be empty")
            return cls(TOKEN, settings.control_token)
        if binds_beyond_loopback(settings.host):
            return cls(TOKEN, secrets.token_urlsafe(24), generated=True)
        return cls(LOOPBACK_ONLY)

    def describe(self) -> str:
        """One line for the banner: the mode and what a client beyond loopback must do."""
        if self.mode == OPEN:
            return "open: any client may call it (--control-open)"
        if self.mode == TOKEN:
            # A token the user gave is not echoed into logs; only a generated one must be shown.
            shown = self.token if self.generated else "<the token given>"
            return f"token: clients beyond loopback send Authorization: Bearer {shown} (or {TOKEN_HEADER})"
        return "loopback only: other clients are refused (serve with --control-token or --control-open)"

    def dashboard_query(self) -> str:
        """What the banner appends to the dashboard's URL so a browser beyond loopback gets in.

        >>> ControlAccess(TOKEN, "abc", generated=True).dashboard_query(), ControlAccess(OPEN).dashboard_query()
        ('?token=abc', '')
        """
        if self.mode != TOKEN:
            return ""
        return f"?token={self.token if self.generated else '<the token given>'}"

    def cookie_value(self) -> str:
        """The dashboard cookie's value: a digest keyed by the token, so the cookie never shows the token."""
        assert self.token is not None
        return hmac.new(self.token.encode(), b"wa-emulator dashboard session", hashlib.sha256).hexdigest()

    def login(self, given: str) -> str:
        """Exchange the token ``given`` (``?token=``) for the dashboard cookie's value; a 401 when it is wrong.

        >>> access = ControlAccess(TOKEN, "abc")
        >>> access.login("abc") == access.cookie_value()
        True
        """
        if self.mode != TOKEN or not _same(given, self.token or ""):
            raise ApiError(401, "control_token_invalid",
                           "The control token does not match the one the server was started with.")
        return self.cookie_value()

    def set_cookie(self, response: web.StreamResponse, request: web.Request) -> None:
        """Put the dashboard cookie on ``response``: HttpOnly (no script reads it), SameSite=Strict,
        sent only below ``/_emulator``, and only over TLS when the page came over TLS."""
        response.set_cookie(COOKIE, self.cookie_value(), path=COOKIE_PATH, httponly=True, samesite="Strict",
                            secure=request.secure)

    def admit(self, request: web.Request) -> None:
        """Let the request through, or raise the ApiError that says what it lacks."""
        if request.headers.get("User-Agent") == WEBHOOK_USER_AGENT:
            raise ApiError(403, "webhook_refused",
                           "Webhook deliveries may not call the control API; point the webhook at a receiver.")
        if self.mode == OPEN or request.path in PUBLIC_PATHS or self.trusts(request):
            return
        if self.mode == LOOPBACK_ONLY:
            raise ApiError(403, "control_loopback_only",
                           "The control API answers loopback clients only; start the server with "
                           "--control-token TOKEN (or WA_EMULATOR_CONTROL_TOKEN) or --control-open.")
        given = _given_token(request)
        challenge = {"WWW-Authenticate": 'Bearer realm="wa-emulator control API"'}
        cookie = request.cookies.get(COOKIE)
        if given is None and cookie:
            if not _same(cookie, self.cookie_value()):
                raise ApiError(401, "control_token_invalid",
                               "The dashboard's cookie does not match this server's token (it was restarted "
                               "with another one): open the URL with ?token= from its banner again.",
                               headers=challenge)
            if request.method not in SAFE_METHODS and not _from_itself(request):
                raise ApiError(403, "control_cross_origin",
                               "A change sent with the dashboard's cookie must come from the dashboard's own "
                               "page (its Origin header naming this host); other clients send the token.")
            return
        if given is None:
            raise ApiError(401, "control_token_required",
                           f"The control API needs its token from clients beyond loopback: send "
                           f"Authorization: Bearer <token> or {TOKEN_HEADER} (the token is in the server's "
                           "start-up banner, or set with --control-token).", headers=challenge)
        assert self.token is not None
        if not _same(given, self.token):
            raise ApiError(401, "control_token_invalid",
                           "The control token does not match the one the server was started with.",
                           headers=challenge)


def _same(given: str, expected: str) -> bool:
    """Compare secrets in constant time, so the answer's timing tells nothing about the secret."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def _from_itself(request: web.Request) -> bool:
    """Whether the request's ``Origin`` is this server as the client reached it (same host and port)."""
    origin = request.headers.get("Origin", "")
    return bool(origin) and urlsplit(origin).netloc.lower() == request.host.lower()


def _given_token(request: web.Request) -> str | None:
    """The token a request carries: the Bearer credentials, else the X-Emulator-Token header."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    given = request.headers.get(TOKEN_HEADER, "").strip()
    return given or None


APP_KEY = web.AppKey("control_access", ControlAccess)  # the app's one ControlAccess: who may call /_emulator/
