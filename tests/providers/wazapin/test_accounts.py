"""Wazapin accounts: sign-in sessions as Bearer tokens, and API keys created, listed and deleted with permissions."""

from __future__ import annotations

import pytest

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox
from wa_emulator.scenario import ScenarioError, load_text
from wa_emulator.testing import Emulator

from .conftest import TEXT, Wazapin, open_window

KEYS = "/v1/api-keys"


async def sign_in(wazapin: Wazapin, email: str = sandbox.USER_ADMIN, password: str = sandbox.PASSWORD) -> str:
    answer = await wazapin.call("POST", "/v1/auth/login", key="", json={"email": email, "password": password})
    assert answer.status == 200, answer.body
    contracts.validate("wazapin", "login", answer.body)
    return answer.body["data"]["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_key(wazapin: Wazapin, permissions: list[str], **kw) -> dict:
    answer = await wazapin.call("POST", KEYS, json={"name": "ci", "permissions": permissions}, **kw)
    assert answer.status == 201, answer.body
    contracts.validate("wazapin", "api-key-created", answer.body)
    return answer.body["data"]


async def test_a_session_token_works_as_bearer_with_the_users_permissions(wazapin: Wazapin, emu: Emulator) -> None:
    open_window(emu)
    admin = await sign_in(wazapin)
    assert (await wazapin.send(headers=bearer(admin))).status == 201
    viewer = await sign_in(wazapin, sandbox.USER_VIEWER)
    assert (await wazapin.call("GET", "/v1/messages", headers=bearer(viewer))).status == 200
    refused = await wazapin.send(headers=bearer(viewer))
    assert refused.status == 403
    assert refused.body == {"title": "Forbidden", "status": 403,
                            "detail": "API key lacks the messages:send permission"}


@pytest.mark.parametrize(("email", "password"), [(sandbox.USER_ADMIN, "wrong"), ("nobody@acme.test", sandbox.PASSWORD)])
async def test_bad_credentials_are_one_401_whichever_part_is_wrong(wazapin: Wazapin, email: str, password: str) -> None:
    answer = await wazapin.call("POST", "/v1/auth/login", key="", json={"email": email, "password": password})
    assert answer.status == 401
    assert answer.body == {"title": "Unauthorized", "status": 401, "detail": "invalid email or password"}


async def test_login_without_a_password_names_the_field(wazapin: Wazapin) -> None:
    answer = await wazapin.call("POST", "/v1/auth/login", key="", json={"email": sandbox.USER_ADMIN})
    assert (answer.status, answer.body["detail"]) == (400, "password is required")


async def test_a_session_expires_after_a_day_and_is_no_api_key(wazapin: Wazapin, emu: Emulator) -> None:
    token = await sign_in(wazapin)
    in_key_header = await wazapin.call("GET", "/v1/channels", key=token)
    assert in_key_header.status == 401
    assert "Authorization: Bearer" in in_key_header.body["detail"]
    await emu.advance("24h")
    expired = await wazapin.call("GET", "/v1/channels", headers=bearer(token))
    assert (expired.status, expired.body["detail"]) == (401, "session has expired: sign in again with "
                                                              "POST /v1/auth/login")


async def test_a_key_is_shown_once_then_only_by_prefix_and_last_four(wazapin: Wazapin, emu: Emulator) -> None:
    made = await create_key(wazapin, [sandbox.READ])
    secret = made["key"]
    assert secret.startswith("wzp_") and made["prefix"] == secret[:8] and made["last_four"] == secret[-4:]
    listing = await wazapin.call("GET", KEYS)
    contracts.validate("wazapin", "api-key-list", listing.body)
    assert secret not in str(listing.body)
    mine = next(k for k in listing.body["data"] if k["id"] == made["id"])
    assert (mine["prefix"], mine["last_four"], mine["permissions"]) == (secret[:8], secret[-4:], [sandbox.READ])
    # The new key works, within its permissions.
    assert (await wazapin.call("GET", "/v1/messages", key=secret)).status == 200
    assert (await wazapin.send(key=secret)).status == 403
    # The control API's credentials list it (with the secret: it is the user's own sandbox).
    acme = next(o for o in emu.credentials("wazapin")["organizations"] if o["id"] == sandbox.ORG_ACME)
    shown = next(k for k in acme["keys"] if k["secret"] == secret)
    assert shown["id"] == made["id"]
    assert {u["email"] for u in acme["users"]} == {sandbox.USER_ADMIN, sandbox.USER_VIEWER}


async def test_a_deleted_key_answers_401_revoked_and_cannot_be_deleted_twice(wazapin: Wazapin) -> None:
    made = await create_key(wazapin, ["*"])
    assert (await wazapin.call("DELETE", f"{KEYS}/{made['id']}")).status == 204
    revoked = await wazapin.call("GET", "/v1/channels", key=made["key"])
    assert (revoked.status, revoked.body["detail"]) == (401, "API key has been revoked")
    assert made["id"] not in str((await wazapin.call("GET", KEYS)).body)
    again = await wazapin.call("DELETE", f"{KEYS}/{made['id']}")
    assert (again.status, again.body["detail"]) == (404, "API key not found")


async def test_another_organizations_key_cannot_be_seen_or_deleted(wazapin: Wazapin) -> None:
    made = await create_key(wazapin, [sandbox.CHANNELS])
    assert made["id"] not in str((await wazapin.call("GET", KEYS, key=sandbox.KEY_GLOBEX)).body)
    assert (await wazapin.call("DELETE", f"{KEYS}/{made['id']}", key=sandbox.KEY_GLOBEX)).status == 404
    assert (await wazapin.call("GET", "/v1/channels", key=made["key"])).status == 200


async def test_managing_keys_needs_the_permission_and_grants_no_more_than_the_caller_has(wazapin: Wazapin) -> None:
    listing = await wazapin.call("GET", KEYS, key=sandbox.KEY_READ_ONLY)
    assert (listing.status, listing.body["detail"]) == (403, "API key lacks the api_keys:manage permission")
    manager = await create_key(wazapin, [sandbox.API_KEYS, sandbox.READ])
    beyond = await wazapin.call("POST", KEYS, key=manager["key"], json={"name": "x", "permissions": [sandbox.SEND]})
    assert (beyond.status, beyond.body["detail"]) == (403, "cannot grant messages:send: the caller lacks that "
                                                           "permission")
    assert (await create_key(wazapin, [sandbox.READ], key=manager["key"]))["created_by"] == manager["name"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"permissions": ["*"]}, 400, "name"),
    ({"name": "x"}, 400, "permissions"),
    ({"name": "x", "permissions": "messages:send"}, 400, "permissions"),
    ({"name": "x", "permissions": []}, 422, "permissions"),
    ({"name": "x", "permissions": ["messages:delete"]}, 422, "permissions"),
    ({"name": "x", "permissions": ["*"], "expires_at": "tomorrow"}, 422, "expires_at"),
    ({"name": "x", "permissions": ["*"], "expires_at": "2000-01-01T00:00:00Z"}, 422, "expires_at"),
    ({"name": " ", "permissions": ["*"]}, 422, "name"),
])
async def test_a_bad_key_request_is_refused_naming_the_field(wazapin: Wazapin, body: dict, status: int,
                                                             field: str) -> None:
    answer = await wazapin.call("POST", KEYS, json=body)
    assert answer.status == status, answer.body
    assert answer.body["detail"].startswith(field)


async def test_a_key_with_an_expiry_stops_working_then(wazapin: Wazapin, emu: Emulator) -> None:
    later = emu.world.clock.now() + 3600
    from wa_emulator.core.timefmt import iso

    answer = await wazapin.call("POST", KEYS, json={"name": "short", "permissions": ["*"], "expires_at": iso(later)})
    assert answer.status == 201, answer.body
    key = answer.body["data"]["key"]
    assert (await wazapin.call("GET", "/v1/channels", key=key)).status == 200
    await emu.advance("1h")
    assert (await wazapin.call("GET", "/v1/channels", key=key)).body["detail"] == "API key has expired"


SCENARIO = """version: 1
name: wazapin-accounts
tenants:
  wazapin:
    - id: org_acme01
      keys:
        - {secret: wzp_scenario_sender_000000001, name: sender, scopes: [messages:send]}
      users:
        - {email: ops@acme.test, password: s3cret, name: Ops, scopes: [messages:read, channels:read]}
"""


async def test_scenario_users_sign_in_and_scenario_keys_hold_their_permissions(wazapin: Wazapin, emu: Emulator) -> None:
    await emu.load_scenario(load_text(SCENARIO))
    token = await sign_in(wazapin, "ops@acme.test", "s3cret")
    assert (await wazapin.call("GET", "/v1/channels", headers=bearer(token))).status == 200
    assert (await wazapin.call("GET", KEYS, headers=bearer(token))).status == 403
    open_window(emu)
    assert (await wazapin.send(TEXT, key="wzp_scenario_sender_000000001")).status == 201
    assert (await wazapin.call("GET", "/v1/channels", key="wzp_scenario_sender_000000001")).status == 403


@pytest.mark.parametrize(("entry", "field"), [
    ("keys:\n        - {secret: wzp_x_000000000001, name: k, scopes: [messages:write]}", "keys[0].scopes[0]"),
    ("users:\n        - {email: ops@acme.test, password: s, scopes: [everything]}", "users[0].scopes[0]"),
    ("users:\n        - {email: not-an-email, password: s}", "users[0].email"),
    ("users:\n        - {email: ops@acme.test}", "users[0]"),
])
def test_a_bad_wazapin_key_or_user_in_a_scenario_names_file_line_and_field(entry: str, field: str) -> None:
    text = f"version: 1\nname: bad\ntenants:\n  wazapin:\n    - id: org_acme01\n      {entry}\n"
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "bad.yaml")
    assert caught.value.file == "bad.yaml" and caught.value.line == 7
    assert field in caught.value.field


def test_the_scenario_schema_knows_every_wazapin_permission() -> None:
    schema = contracts.load("", "scenario.schema")
    assert schema["$defs"]["wazapinPermission"]["enum"] == [*sandbox.PERMISSIONS, "*"]
