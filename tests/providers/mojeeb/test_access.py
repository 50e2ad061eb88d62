"""Keys, scopes and agent restrictions: https://docs.mojeeb.app/docs/developers/authentication."""

from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.providers.mojeeb.keys import make_key

from .conftest import TEXT


async def test_every_401_case_is_invalid_api_key_with_a_message_that_tells_them_apart(mojeeb):
    cases = [
        ({}, "Missing Authorization header"),
        ({"Authorization": f"Basic {sandbox.KEY_FULL}"}, "Bearer scheme"),
        ({"Authorization": "Bearer mk_live_8aB3cDe4FgH5iJ6kLm7nOp_a1b2c3d4e5"}, "Malformed API key"),
        ({"Authorization": "Bearer sk_test_123"}, "Malformed API key"),
        ({"Authorization": f"Bearer {make_key('NobodyHasThisKey000001')}"}, "Unknown API key"),
        ({"Authorization": f"Bearer {sandbox.KEY_REVOKED}"}, "revoked"),
    ]
    for headers, message in cases:
        answer = await mojeeb.call("POST", "/v1/whatsapp/messages", key="", headers=headers, json=TEXT)
        assert answer.status == 401, headers
        error = answer.body["error"]
        assert (error["type"], error["code"]) == ("authentication_error", "invalid_api_key")
        assert message in error["message"]


async def test_key_without_whatsapp_send_gets_403_insufficient_scope_for_send_and_status(mojeeb):
    for answer in [
        await mojeeb.send(key=sandbox.KEY_NO_SEND),
        await mojeeb.get("01c45011-d803-4eb0-a762-3228a4c392f3", key=sandbox.KEY_NO_SEND),
    ]:
        assert answer.status == 403
        error = answer.body["error"]
        assert (error["type"], error["code"]) == ("permission_error", "insufficient_scope")
        assert error["required_scope"] == "whatsapp:send"


async def test_agent_restricted_key_can_send_only_from_its_agents(mojeeb):
    denied = await mojeeb.send(key=sandbox.KEY_SALES_ONLY)
    assert denied.status == 403 and denied.body["error"]["code"] == "agent_not_authorized"
    allowed = await mojeeb.send({**TEXT, "agent_id": sandbox.AGENT_SALES, "from": "+15550100003"},
                                key=sandbox.KEY_SALES_ONLY)
    assert allowed.status == 202
    assert (await mojeeb.get(allowed.body["id"], key=sandbox.KEY_SALES_ONLY)).status == 200


async def test_another_organizations_agent_is_not_usable(mojeeb):
    answer = await mojeeb.send({**TEXT, "agent_id": sandbox.AGENT_GLOBEX, "from": "+15550200001"})
    assert answer.status == 422 and answer.body["error"]["code"] == "invalid_agent_id"
