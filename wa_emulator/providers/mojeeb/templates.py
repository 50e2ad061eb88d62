"""Mojeeb's templates: the sandbox's set, and the check a template send goes through.

Mojeeb answers a template send 202 ``queued`` before handing it to Meta ("queued: accepted by
Mojeeb, not yet handed to Meta", https://docs.mojeeb.app/docs/developers/whatsapp/message-status),
and it is Meta that knows the approved templates. So a send of a template the organization does
not have in that language, one that is not approved, or one whose ``parameters``,
``header_parameters``, ``header_media_url`` or ``buttons`` do not fit the template is accepted and
then ends ``failed`` (``failed_at`` set; the Meta code is kept and shown by the control API).
Names: https://docs.mojeeb.app/docs/developers/whatsapp/send-template shows ``order_shipped`` with
``customer_name`` and ``tracking_url``, and ``arabic_signup_message`` in ``ar`` without parameters.
"""

from __future__ import annotations

from typing import Any

from ...core.templates import TEMPLATES, TemplateUse, seeder
from ...core.world import World
from . import sandbox
from .parse import SendRequest

SANDBOX_TEMPLATES: tuple[dict[str, Any], ...] = (
    # What the README's and docs/testing.md's examples send: no placeholders.
    {"name": "order_shipped", "language": "en", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Your order has shipped."}]},
    {"name": "hello_world", "language": "en", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hello World"}]},
    {"name": "arabic_signup_message", "language": "ar", "category": "MARKETING", "components": [
        {"type": "BODY", "text": "مرحبا بك! شكرا لتسجيلك."}]},
    # Mojeeb's documented parameters, in a template of their own so the plain order_shipped stays plain.
    {"name": "order_tracking", "language": "en", "category": "UTILITY", "components": [
        {"type": "BODY", "text": "Hi {{customer_name}}, your order is on its way: {{tracking_url}}"}]},
    # Every part Mojeeb's send can fill: a media header, a text header, a URL button.
    {"name": "order_receipt", "language": "en", "category": "UTILITY", "components": [
        {"type": "HEADER", "format": "DOCUMENT"},
        {"type": "BODY", "text": "Hi {{customer_name}}, your receipt is attached."},
        {"type": "BUTTONS", "buttons": [
            {"type": "URL", "text": "View order", "url": "https://example.com/orders/{{order_id}}"},
            {"type": "QUICK_REPLY", "text": "Thanks"}]}]},
    {"name": "appointment_reminder", "language": "en", "category": "UTILITY", "components": [
        {"type": "HEADER", "format": "TEXT", "text": "Appointment on {{date}}"},
        {"type": "BODY", "text": "See you at {{time}}."}]},
    # One per review state, so a client's handling of each can be tried.
    {"name": "promo_rejected", "language": "en", "category": "MARKETING", "status": "rejected", "components": [
        {"type": "BODY", "text": "Half price, today only!"}]},
    {"name": "promo_pending", "language": "en", "category": "MARKETING", "status": "pending", "components": [
        {"type": "BODY", "text": "Our new collection is coming."}]},
    {"name": "promo_paused", "language": "en", "category": "MARKETING", "status": "paused", "components": [
        {"type": "BODY", "text": "A special offer for you."}]},
)


seed = seeder(sandbox.NAME, SANDBOX_TEMPLATES)
"""Gives every sandbox organization the sandbox's templates (a world seeder)."""


def refusal(world: World, org_id: str, send: SendRequest) -> int | None:
    """The Meta error a template send ends in (None: it goes through)."""
    use = TemplateUse(
        send.template_name or "", send.template_language or "",
        body=send.template_parameters or {},
        header=send.header_parameters or {},
        header_media=send.header_media_url is not None,
        buttons={button.index: button.parameters for button in send.buttons or ()},
    )
    return world.state(TEMPLATES).check(org_id, use)
