"""The message history (paged, by channel and date), its export (202), and the contacts address book."""

from wa_emulator import contracts
from wa_emulator.core.timefmt import iso_ms

from .conftest import CUSTOMER, TEMPLATE

SMS = {"destination": CUSTOMER, "sender": "TechStore", "body": "Ciao"}
HISTORY = "/partner-gateway/v1/messages/history"
CONTACTS = "/partner-gateway/v1/contacts"


async def test_history_pages_one_channel_in_a_date_range(qlara, emu):
    start = iso_ms(emu.world.clock.now())
    for n in range(5):
        await qlara.call("POST", "/message-server/sms/send", json={**SMS, "messageId": f"h{n}"})
        await emu.advance(60)
    await qlara.send({**TEMPLATE, "messageId": "wa"})
    end = iso_ms(emu.world.clock.now())
    query = {"channel": "SMS", "from": start, "to": end, "limit": "2"}
    pages = [(await qlara.call("GET", HISTORY, params={**query, "page": str(page)})).body for page in range(3)]
    for page in pages:
        contracts.validate("qlara", "status-batch", page)
    assert [[item["customerMessageId"] for item in page] for page in pages] == [["h0", "h1"], ["h2", "h3"], ["h4"]]
    whatsapp = await qlara.call("GET", HISTORY, params={**query, "channel": "WHATSAPP"})
    assert [item["customerMessageId"] for item in whatsapp.body] == ["wa"]
    delivered = await qlara.call("GET", HISTORY, params={**query, "status": "DELIVERED", "limit": "20"})
    assert len(delivered.body) == 5
    backwards = await qlara.call("GET", HISTORY, params={**query, "from": end, "to": start})
    assert backwards.status == 200 and backwards.body == []


async def test_history_needs_a_channel_and_offset_date_times(qlara):
    good = {"channel": "SMS", "from": "2025-01-01T00:00:00+01:00", "to": "2025-06-15T23:59:59Z"}
    assert (await qlara.call("GET", HISTORY, params=good)).status == 200
    for field, value in (("from", "2025-01-01T00:00:00"), ("from", "2025-01-01"), ("to", None), ("channel", None),
                         ("channel", "VIBER"), ("limit", "0"), ("page", "-1"), ("status", "LOST")):
        params = {k: v for k, v in {**good, field: value}.items() if v is not None}
        answer = await qlara.call("GET", HISTORY, params=params)
        assert (answer.status, answer.body["field"]) == (400, field), (field, value)


async def test_an_export_is_accepted_with_202_and_completes_on_the_clock(qlara, emu):
    await qlara.call("POST", "/message-server/sms/send", json=SMS)
    body = {"startDateTime": iso_ms(emu.world.clock.now() - 60), "endDateTime": iso_ms(emu.world.clock.now() + 60)}
    answer = await qlara.call("POST", f"{HISTORY}/export", json=body)
    assert answer.status == 202
    contracts.validate("qlara", "export-job", answer.body)
    assert answer.body["status"] == "IN_PROGRESS" and answer.body["rowCount"] is None
    await emu.advance(10)
    [job] = (await qlara.call("GET", "/partner-gateway/v1/exports")).body
    assert job["exportId"] == answer.body["exportId"] and job["status"] == "COMPLETED" and job["rowCount"] == 1
    missing = await qlara.call("POST", f"{HISTORY}/export", json={"startDateTime": body["startDateTime"]})
    assert (missing.status, missing.body["field"]) == (400, "endDateTime")


async def test_contacts_are_created_searched_updated_and_deleted(qlara):
    created = await qlara.call("POST", CONTACTS, json={"phoneNumber": "+393331234567", "firstName": "Mario",
                                                       "lastName": "Rossi"})
    assert created.status == 201
    contracts.validate("qlara", "contact", created.body)
    assert created.body["fullName"] == "Mario Rossi"
    await qlara.call("POST", CONTACTS, json={"email": "anna@example.com", "firstName": "Anna"})
    everyone = (await qlara.call("GET", CONTACTS)).body
    contracts.validate("qlara", "contact-list", everyone)
    assert [c["fullName"] for c in everyone] == ["Anna", "Mario Rossi"]
    assert [c["fullName"] for c in (await qlara.call("GET", CONTACTS, params={"sortOrder": "desc"})).body] == [
        "Mario Rossi", "Anna"]
    assert [c["email"] for c in (await qlara.call("GET", CONTACTS, params={"search": "ANNA"})).body] == [
        "anna@example.com"]
    assert len((await qlara.call("GET", CONTACTS, params={"limit": "1", "page": "1"})).body) == 1
    path = f"{CONTACTS}/{created.body['id']}"
    updated = await qlara.call("PUT", path, json={"phoneNumber": "+393331234567", "firstName": "Marco"})
    assert updated.status == 200 and updated.body["fullName"] == "Marco"
    assert (await qlara.call("DELETE", path)).status == 204
    assert (await qlara.call("GET", path)).status == 404
    for body, field in (({"firstName": "Nobody"}, "phoneNumber"), ({"phoneNumber": "333"}, "phoneNumber"),
                        ({"email": "not-an-email"}, "email"), ({"email": "a@b.it", "gender": "X"}, "gender")):
        answer = await qlara.call("POST", CONTACTS, json=body)
        assert (answer.status, answer.body["field"]) == (400, field), body


async def test_another_accounts_contacts_are_not_visible(qlara):
    from wa_emulator.providers.qlara import sandbox

    created = await qlara.call("POST", CONTACTS, json={"email": "a@b.it"})
    assert (await qlara.call("GET", CONTACTS, key=sandbox.KEY_TRIAL)).body == []
    assert (await qlara.call("GET", f"{CONTACTS}/{created.body['id']}", key=sandbox.KEY_TRIAL)).status == 404
