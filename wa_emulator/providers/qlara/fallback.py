"""WhatsApp's ``fallbackRcs`` / ``fallbackSms``: a message that fails is sent again on the next channel.

https://agiletelecom.com/documentation/qlara/use-cases/UC-005-multi-channel-fallback: the chain is
WhatsApp, then RCS if given, then SMS as the last resort; ``fallbackSms`` is required with
``fallbackRcs``; the use case follows the result with ``GET /partner-gateway/v1/messages/status/
{customerMessageId}``, whose ``channel`` is mandatory. So each fallback leg is a new message on its
own channel under the same ``customerMessageId`` (and a platform ``messageId`` of its own): the
WhatsApp lookup keeps answering ERROR, ``?channel=RCS`` and ``?channel=SMS`` answer the legs, and
each leg sends its own DELIVERY events (``channel`` RCS or SMS) to the account's webhook.
A leg starts when the message before it reaches ERROR (designed: not on EXPIRED).
"""

from __future__ import annotations

from typing import Any

from ...core.models import OUTBOUND, StatusEvent
from ...core.status import Status
from ...core.tenants import Organization
from ...core.world import World
from ...web.http import ApiError
from .outbound import check_message_id, new_message, notifies, start
from .parse import CORE_CHANNEL, RCS, SMS, SendRequest, bad_request
from .rcs import MAX_TEXT, agents_of, content_type, parse_agent, parse_content, rcs_agent_id, reachable
from .sandbox import NAME
from .sms import SMS_AGENT, destination_refusal, encoding, parse_sms_fallback


def _text_of(send: SendRequest) -> str:
    """What a boolean fallback says: the free-form text, or the template's name and parameters (designed)."""
    if "body" in send.content:
        return str(send.content["body"]["text"])
    template = send.content["template"]
    return " ".join([template["name"], *template["parameters"]])


def _rcs(value: Any, org: Organization, text: str) -> dict[str, Any] | None:
    if value is None or value is False:
        return None
    if value is True:  # the older page's boolean: the account's first RCS agent sends the text
        agents = sorted(agents_of(org))
        if not agents:
            raise ApiError(403, "agent_not_allowed", "fallbackRcs: this account has no RCS agent.")
        return {"agentId": agents[0], "content": {"body": {"type": "TEXT", "text": text[:MAX_TEXT]}}}
    if not isinstance(value, dict):
        raise bad_request("'fallbackRcs' must be an object with 'agentId' and 'body'.", "fallbackRcs")
    return {"agentId": parse_agent(value, org, "fallbackRcs."), "content": parse_content(value, "fallbackRcs.")}


def parse_fallbacks(world: World, org: Organization, send: SendRequest,
                    customer_message_id: str | None) -> dict[str, Any]:
    """The WhatsApp send's fallbacks, validated, as the message keeps them: ``{fallbackRcs, fallbackSms}``.

    The custom ``messageId`` must be free on each fallback channel too (409), so a leg's lookup is unambiguous.
    """
    text = _text_of(send)
    rcs = _rcs(send.fallback_rcs, org, text)
    sms = parse_sms_fallback(send.fallback_sms, text)
    if rcs is not None:
        check_message_id(world, org.id, customer_message_id, RCS)
    if sms is not None:
        check_message_id(world, org.id, customer_message_id, SMS)
    return {"fallbackRcs": rcs, "fallbackSms": sms}


def on_status(world: World, event: StatusEvent) -> None:
    """A Qlara message reached ERROR: send its next fallback leg, if it has one."""
    message = event.message
    extra = message.extra
    if event.status is not Status.FAILED or not extra or message.direction != OUTBOUND:
        return
    rcs, sms = extra.get("fallbackRcs"), extra.get("fallbackSms")
    org = world.tenants.org(message.org_id)
    if org is None or message.custom_id is None or not (isinstance(rcs, dict) or isinstance(sms, dict)):
        return
    channel = RCS if isinstance(rcs, dict) else SMS
    if world.store.by_custom_id(NAME, org.id, message.custom_id, CORE_CHANNEL[channel]) is not None:
        return  # the client has since used this id on that channel itself: its lookup stays the client's
    common = {"enableNotification": notifies(message), "fallbackOf": message.id, "campaignId": extra.get("campaignId")}
    if isinstance(rcs, dict):
        content = rcs["content"]
        leg = new_message(world, org, channel=RCS, agent_id=rcs_agent_id(rcs["agentId"]), sender=str(rcs["agentId"]),
                          to=message.to, type=content_type(content), content=content, custom_id=message.custom_id,
                          extra={**common, "fallbackSms": sms if isinstance(sms, dict) else None})
        start(world, leg, refusal=reachable(org, message.to))
        return
    assert isinstance(sms, dict)
    leg = new_message(world, org, channel=SMS, agent_id=SMS_AGENT, sender=sms["sender"], to=message.to, type="text",
                      content={"body": sms["body"]}, custom_id=message.custom_id,
                      extra={**common, "parts": encoding(sms["body"]).parts})
    start(world, leg, refusal=destination_refusal(message.to))
