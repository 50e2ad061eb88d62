"""Sends the platform accepts and then fails before WhatsApp ever sees them.

https://agiletelecom.com/documentation/qlara/api/whats-app lists the causes of ERROR: among them a
restricted WhatsApp Business account, a template Meta has not approved (see ``templates.py``) and an
invalid destination.
Each is accepted (the send's answer does not wait for Meta) and ends in ERROR without reaching SENT.
"""

from __future__ import annotations

from ...core import errors
from ...core.models import Message
from ...core.templates import fail_after_acceptance
from ...core.tenants import Organization
from ...core.world import World
from . import sandbox, templates
from .parse import SendRequest

# A refused send fails this long after it was accepted (designed).
REFUSAL_DELAY = 1.0
META_ACCOUNT_LOCKED = 131031
META_INVALID_PARAMETER = 131009


def refusal(world: World, org: Organization, send: SendRequest) -> int | None:
    """The Meta error a send ends in before WhatsApp ever sees it, or None if it goes ahead.

    A template the account does not have in that language, has not had approved, or is sent with
    the wrong number of parameters is checked against the account's templates (``templates.py``).
    """
    if sandbox.listed(org.settings, sandbox.RESTRICTED_NUMBERS, send.phone_number_id):
        return META_ACCOUNT_LOCKED
    code = templates.refusal(world, org.id, send)
    if code is not None:
        return code
    if not send.plausible_destination:
        return META_INVALID_PARAMETER
    return None


def refuse_later(world: World, message: Message, code: int) -> None:
    """Store ``message`` as accepted, then fail it with Meta's ``code`` after ``REFUSAL_DELAY``."""
    fail_after_acceptance(world, message, errors.lookup(code).code, REFUSAL_DELAY)
