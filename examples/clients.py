"""Sending through each provider and feeding a tracker, as an integration would, over plain HTTP.

``Integration(provider, base_url, tracker)`` sends a template, registers its webhook receiver
(an aiohttp server on 127.0.0.1 that turns each provider's status webhook into
``tracker.on_status``), and for Mojeeb, which never pushes, polls instead. The credentials are
the emulator's fixed sandbox ones (README "Providers and credentials").

Example::

    async with Integration("wazapin", emulator.url("wazapin"), CorrectTracker()) as app:
        message_id = await app.send_template("+15550001005")   # also calls tracker.sent(id)
        ...                                                     # webhooks arrive at app.receiver_url
        await app.reconcile()                                   # GET what is not final yet
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from .trackers import Tracker

# Qlara's DELIVERY events carry a statusCode (https://agiletelecom.com/documentation/qlara/guides/webhooks).
QLARA_CODES = {1: "sent", 2: "received", 3: "delivered", 4: "read", 6: "failed", 7: "expired"}
QLARA_WORDS = {"UNKNOWN": "queued", "SENT": "sent", "RECEIVED": "received", "DELIVERED": "delivered", "READ": "read",
               "ERROR": "failed", "EXPIRED": "expired"}
FINAL = {"read", "failed", "expired"}
MOJEEB_KEY = "mk_live_SandboxAcmeFullScope01_60f53fc0cf"
MOJEEB_AGENT, MOJEEB_FROM = "12345678-1234-1234-1234-123456789012", "+15550100001"
WAZAPIN_KEY, WAZAPIN_CHANNEL = "wzp_sandbox_acme_full_0000000001", "wzp_ch_acme_main"
QLARA_KEY, QLARA_PHONE = "qlara_sandbox_production_key", 5


class Integration:
    """One provider's client with a tracker behind its webhook receiver."""

    def __init__(self, provider: str, base_url: str, tracker: Tracker) -> None:
        self.provider = provider
        self.base_url = base_url
        self.tracker = tracker
        self.http: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.receiver_url: str | None = None

    async def __aenter__(self) -> Self:
        self.http = aiohttp.ClientSession()
        if self.provider != "mojeeb":
            app = web.Application()
            app.router.add_post("/hook", self._webhook)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            self.receiver_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"
            await self._subscribe(self.receiver_url)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self.http is not None:
            await self.http.close()

    # -- the provider's API ---------------------------------------------------------------

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        assert self.http is not None, "use `async with Integration(...)`"
        headers = {"Authorization": f"Bearer {MOJEEB_KEY}"} if self.provider == "mojeeb" else {
            "X-Api-Key": WAZAPIN_KEY if self.provider == "wazapin" else QLARA_KEY}
        async with self.http.request(method, self.base_url + path, json=body, headers=headers) as response:
            answer = await response.json()
            if response.status >= 400:
                raise RuntimeError(f"{method} {path}: {response.status} {answer}")
            return answer

    async def _subscribe(self, url: str) -> None:
        if self.provider == "wazapin":
            await self._call("POST", "/v1/settings/developer/webhooks/endpoints",
                             {"url": url, "events": ["message.status_update"]})
        else:
            await self._call("POST", "/partner-gateway/v1/webhooks/delivery-status", {"callbackUrl": url})

    async def send_template(self, to: str) -> str:
        """Send a template to ``to``; record the id in the tracker once the call has answered."""
        if self.provider == "mojeeb":
            answer = await self._call("POST", "/v1/whatsapp/templates", {
                "agent_id": MOJEEB_AGENT, "from": MOJEEB_FROM, "to": to,
                "template": {"name": "order_shipped", "language": "en"}})
            message_id = answer["id"]
        elif self.provider == "wazapin":
            answer = await self._call("POST", "/v1/messages", {
                "channel_id": WAZAPIN_CHANNEL, "to": to.lstrip("+"), "type": "template",
                "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}})
            message_id = answer["data"]["id"]
        else:
            answer = await self._call("POST", "/message-server/whatsapp/send", {
                "destination": to, "phoneNumberId": QLARA_PHONE,
                "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}})
            message_id = str(answer["messageId"])
        self.tracker.sent(message_id)
        return message_id

    async def reconcile(self) -> None:
        """GET every tracked message not yet final and feed what the provider says (webhooks get lost:
        polling is the only way back). Mojeeb never pushes, so for it this is the only way at all;
        its message object has no failure reason."""
        for message_id, record in list(self.tracker.records.items()):
            if record.status in FINAL:
                continue
            if self.provider == "mojeeb":
                answer = await self._call("GET", f"/v1/whatsapp/messages/{message_id}")
                self.tracker.on_status(message_id, answer["status"])
            elif self.provider == "wazapin":
                await self._feed({"message_id": message_id,
                                  "status": (await self._call("GET", f"/v1/messages/{message_id}"))["data"]["status"]})
            else:
                answer = await self._call("GET", f"/partner-gateway/v1/whatsapp/messages/{message_id}/status")
                status = QLARA_WORDS[answer["deliveryStatus"]]
                self.tracker.on_status(message_id, status,
                                       answer["deliveryStatusDescription"] if status == "failed" else None)

    # -- the receiver -----------------------------------------------------------------------

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            await self._feed(body)
        except Exception as exc:  # what a web framework does with an exception in a handler
            return web.json_response({"error": repr(exc)}, status=500)
        return web.json_response({"ok": True})

    async def _feed(self, body: dict[str, Any]) -> None:
        if self.provider == "wazapin":
            # The flat message.status_update body has no error: fetch the message for the reason.
            message_id, status = body["message_id"], body["status"]
            reason = None
            if status == "failed":
                record = (await self._call("GET", f"/v1/messages/{message_id}"))["data"]
                reason = f"{record['error_code']}: {record['error']}"
            self.tracker.on_status(message_id, status, reason)
        elif body.get("eventType") == "READ":
            self.tracker.on_status(str(body["messageId"]), "read")
        elif body.get("eventType") == "DELIVERY":
            status = QLARA_CODES[body["statusCode"]]
            self.tracker.on_status(str(body["messageId"]), status, body.get("description") if status == "failed"
                                   else None)
