"""Qlara's bodies as a client reads them: each rendered dict, encoded by json_response, parsed back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wa_emulator import contracts
from wa_emulator.core.models import INBOUND, Message, Payload
from wa_emulator.core.status import Status
from wa_emulator.providers.qlara import render
from wa_emulator.providers.qlara.inbound import inbound_event
from wa_emulator.providers.qlara.operations import API
from wa_emulator.providers.qlara.webhooks import Endpoint
from wa_emulator.web.http import ApiError, json_response

from .conftest import CUSTOMER

CREATED = 1_700_000_000.25  # 2023-11-14T22:13:20.250Z
CREATED_ISO = "2023-11-14T22:13:20.250Z"
STATUS_KEYS = {"messageId", "customerMessageId", "channel", "destination", "deliveryStatus",
               "deliveryStatusDescription", "errorCode", "createdAt", "updatedAt"}


def wire(data: Any) -> Any:
    """What a client parses out of the answer ``data`` is rendered into."""
    response = json_response(data)
    assert response.content_type == "application/json"
    return json.loads(response.body)


def message(status: Status = Status.QUEUED, *, error: int | None = None, custom_id: str = "order-42") -> Message:
    sent = Message("9c3e7a52-0f1d-4b8e-a2c4-5d6e7f8a9b0c", "qlara", "qlara-company-1001", "qlara-phone-5",
                   "+390212345005", CUSTOMER, "template", CREATED, custom_id=custom_id)
    sent.status, sent.error = status, error
    return sent


@pytest.mark.parametrize("simulation", [False, True])
def test_the_send_answer(simulation):
    body = wire(render.send_body("order-42", simulation=simulation))
    contracts.validate("qlara", "send-response", body)
    assert body == {"messageId": "order-42", "simulation": simulation,
                    "results": {"whatsapp": {"accepted": True, "reasons": []}}}


def test_a_new_message_is_unknown_with_no_error_code():
    body = wire(render.status_body(message()))
    contracts.validate("qlara", "status", body)
    assert set(body) == STATUS_KEYS
    assert body == {
        "messageId": "9c3e7a52-0f1d-4b8e-a2c4-5d6e7f8a9b0c", "customerMessageId": "order-42", "channel": "WHATSAPP",
        "destination": CUSTOMER, "deliveryStatus": "UNKNOWN",
        "deliveryStatusDescription": "No status information is available from WhatsApp yet", "errorCode": None,
        "createdAt": CREATED_ISO, "updatedAt": CREATED_ISO,
    }


@pytest.mark.parametrize(("status", "word"), [(Status.SENT, "SENT"), (Status.RECEIVED, "RECEIVED"),
                                              (Status.DELIVERED, "DELIVERED"), (Status.READ, "READ"),
                                              (Status.EXPIRED, "EXPIRED")])
def test_each_status_has_its_word_and_no_error_code(status, word):
    body = wire(render.status_body(message(status, error=131026)))
    contracts.validate("qlara", "status", body)
    assert body["deliveryStatus"] == word and body["errorCode"] is None
    assert body["deliveryStatusDescription"] == render.DESCRIPTIONS[status].format(to="WhatsApp")


def test_an_error_carries_the_meta_code_and_says_why():
    body = wire(render.status_body(message(Status.FAILED, error=131047)))
    contracts.validate("qlara", "status", body)
    assert body["deliveryStatus"] == "ERROR" and body["errorCode"] == 131047
    assert body["deliveryStatusDescription"].startswith("Re-engagement message (131047): ")


def test_odd_customer_ids_come_back_exactly():
    odd = 'Ordine "42" \\ C:\\x\ttab è 日本 😀'
    assert wire(render.status_body(message(custom_id=odd)))["customerMessageId"] == odd
    assert wire(render.send_body(odd, simulation=False))["messageId"] == odd


def test_the_batch_answer_is_a_list_of_status_bodies():
    body = wire([render.status_body(message(custom_id="a")), render.status_body(message(custom_id="b"))])
    contracts.validate("qlara", "status-batch", body)
    assert [item["customerMessageId"] for item in body] == ["a", "b"]
    assert wire([]) == []


def test_delivery_and_read_events():
    delivered = wire(render.delivery_event(message(Status.DELIVERED), CREATED))
    contracts.validate("qlara", "event-delivery", delivered)
    assert delivered == {"eventType": "DELIVERY", "messageId": "9c3e7a52-0f1d-4b8e-a2c4-5d6e7f8a9b0c",
                         "customerMessageId": "order-42", "destination": CUSTOMER, "statusCode": 3,
                         "description": "Message delivered", "channel": "WHATSAPP", "timestamp": CREATED_ISO}
    read = wire(render.read_event(message(Status.READ), CREATED + 1))
    contracts.validate("qlara", "event-read", read)
    assert read == {"eventType": "READ", "messageId": "9c3e7a52-0f1d-4b8e-a2c4-5d6e7f8a9b0c",
                    "destination": CUSTOMER, "channel": "WHATSAPP", "timestamp": "2023-11-14T22:13:21.250Z"}


def test_an_error_event_carries_status_code_5_and_the_reason():
    event = wire(render.delivery_event(message(Status.FAILED, error=131031), CREATED))
    contracts.validate("qlara", "event-delivery", event)
    assert event["statusCode"] == 6 and "131031" in event["description"]


def test_an_inbound_event():
    inbound = Message("in-1", "qlara", "qlara-company-1001", "qlara-phone-5", CUSTOMER, "+390212345005", "text",
                      CREATED, content=Payload.of({"text": "Is my order on its way?"}), direction=INBOUND)
    event = wire(inbound_event(inbound))
    contracts.validate("qlara", "event-inbound", event)
    assert event == {"eventType": "INBOUND", "source": CUSTOMER, "destination": "+390212345005",
                     "text": "Is my order on its way?", "channel": "WHATSAPP", "messageType": "TEXT",
                     "timestamp": CREATED_ISO}


def test_the_webhook_configuration():
    body = wire(render.webhook_body(Endpoint("wh-0a1b2c3d", "https://hooks.example.test/q", CREATED)))
    contracts.validate("qlara", "webhook", body)
    assert body == {"id": "wh-0a1b2c3d", "callbackUrl": "https://hooks.example.test/q", "status": "ACTIVE",
                    "createdAt": CREATED_ISO}


def test_the_documented_429_body():
    body = wire(render.error_body(ApiError(429, "rate_limited", "Rate limit exceeded.", retry_after=12),
                                  "/qlara/api/x", CREATED))
    contracts.validate("qlara", "rate-limit-error", body)
    assert body == {"status": 429, "error": "Too Many Requests",
                    "message": "Rate limit exceeded. Please retry after 12 seconds.", "retryAfter": 12}


def test_other_errors_name_the_path_the_time_and_a_bad_field():
    path = "/qlara/api/message-server/whatsapp/send"
    bad = wire(render.error_body(ApiError(400, "validation_error", "'destination' is required.",
                                          field="destination"), path, CREATED))
    contracts.validate("qlara", "error", bad)
    assert bad == {"status": 400, "error": "Bad Request", "message": "'destination' is required.", "path": path,
                   "timestamp": CREATED_ISO, "field": "destination"}
    odd = wire(render.error_body(ApiError(599, "injected", "Injected fault."), path, CREATED))
    contracts.validate("qlara", "error", odd)
    assert odd["status"] == 599 and odd["error"] == "Error" and "field" not in odd


@pytest.mark.parametrize("operation", [op for op in API.operations if op.example is not None],
                         ids=lambda op: op.operation_id)
def test_each_example_request_follows_its_contract(operation):
    assert isinstance(operation.request, str)
    contracts.validate("qlara", operation.request, dict(operation.example))
