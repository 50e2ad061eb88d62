"""Mojeeb's message object in every status a message can be in, encoded as the server encodes it."""

import json

import pytest

from wa_emulator import contracts
from wa_emulator.core.models import Message
from wa_emulator.core.status import Status
from wa_emulator.providers.mojeeb.render import message_body
from wa_emulator.web.http import dumps

CREATED = 1_700_000_000.25
# Each status a message can be in, with the path it took to get there (times a few seconds apart).
PATHS = {
    Status.QUEUED: [],
    Status.SENT: [Status.SENT],
    Status.RECEIVED: [Status.SENT, Status.RECEIVED],
    Status.DELIVERED: [Status.SENT, Status.DELIVERED],
    Status.READ: [Status.SENT, Status.RECEIVED, Status.DELIVERED, Status.READ],
    Status.FAILED: [Status.FAILED],
    Status.EXPIRED: [Status.SENT, Status.EXPIRED],
}


def _message(path: list[Status], **fields: str) -> Message:
    values = {"id": "01c45011-d803-4eb0-a762-3228a4c392f3", "agent_id": "5b0e3f2a-8c1d-4e6f-9a7b-2c3d4e5f6a7b",
              "to": "+15551234567", "type": "template", **fields}
    message = Message(values["id"], "mojeeb", "org_1", values["agent_id"], "+15550100001", values["to"],
                      values["type"], CREATED)
    message.history.record(Status.QUEUED, CREATED)
    for step, status in enumerate(path, start=1):
        message.history.record(status, CREATED + 7.6 * step)
        message.status = status
        message.wamid = "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI="
    return message


def test_every_status_is_covered():
    assert set(PATHS) == set(Status)


@pytest.mark.parametrize("echo_to", [True, False])
@pytest.mark.parametrize("status", list(PATHS), ids=str)
def test_the_body_follows_the_contract_in_every_status(status, echo_to):
    message = _message(PATHS[status])
    assert message.status is status
    body = json.loads(dumps(message_body(message, echo_to=echo_to)))
    contracts.validate("mojeeb", "message", body)
    assert body["to"] == ("+15551234567" if echo_to else "")


@pytest.mark.parametrize("echo_to", [True, False])
def test_quotes_backslashes_control_and_non_ascii_characters_survive_encoding(echo_to):
    odd = 'Sa"ra\\ \u0645\u062c\u064a\u0628 \n\t\x01 \U0001f600'
    message = _message([Status.SENT, Status.DELIVERED], id=odd, agent_id=odd, to=odd, type=odd)
    assert json.loads(dumps(message_body(message, echo_to=echo_to)))["agent_id"] == odd


def test_a_message_without_a_wamid_past_queued_says_null():
    message = _message([Status.FAILED])
    message.wamid = None
    assert json.loads(dumps(message_body(message, echo_to=True)))["platform_message_id"] is None
