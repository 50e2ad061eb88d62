"""``/_emulator/ca.pem``: the CA that ``serve --tls`` generated, for clients to trust."""

from __future__ import annotations

from aiohttp import web

from ..web import keys
from ..web.http import ApiError

PEM = "application/x-pem-file"


async def ca_certificate(request: web.Request) -> web.Response:
    """The generated CA as PEM; 404 when the server is plain HTTP or uses a certificate of its caller's."""
    tls = request.app.get(keys.tls)
    if tls is None:
        raise ApiError(404, "tls_off", "This emulator serves plain HTTP; start it with --tls (or --proxy) for a CA.")
    if tls.ca_pem is None:
        raise ApiError(404, "ca_not_generated",
                       "This emulator serves the certificate given with --tls-cert; its CA is yours, not served here.")
    return web.Response(body=tls.ca_pem, content_type=PEM)
