"""Each world rule counts when the client met the status it ended a message in, and only then."""

from __future__ import annotations

import aiohttp

from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.testing import Emulator
from wa_emulator.testing.coverage import WORLD_RULES, Coverage, possible, snapshot_of

HEADERS = {"Authorization": f"Bearer {sandbox.KEY_FULL}"}
SENDER = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001"}
TEMPLATE = {"template": {"name": "order_shipped", "language": "en"}}


async def _send(http: aiohttp.ClientSession, emu: Emulator, to: str, body: dict) -> str:
    kind = "templates" if "template" in body else "messages"
    async with http.post(emu.url("mojeeb") + f"/v1/whatsapp/{kind}", json={**SENDER, "to": to, **body},
                         headers=HEADERS) as answer:
        assert answer.status == 202, await answer.text()
        return (await answer.json())["id"]


async def test_every_world_rule_is_met_once_the_client_polled_the_status_it_ended_in():
    async with Emulator() as emu:
        emu.set_contact("+15550009001", on_whatsapp=False)
        emu.set_contact("+15550009002", read_receipts=False)
        emu.set_contact("+15550009003", online=False)
        async with aiohttp.ClientSession() as http:
            ids = [await _send(http, emu, "+15550009001", TEMPLATE),
                   await _send(http, emu, "+15550009002", TEMPLATE),
                   await _send(http, emu, "+15550009003", TEMPLATE),
                   await _send(http, emu, "+15550009004", {"text": {"body": "hi"}})]   # never wrote in
            unpolled = await _send(http, emu, "+15550009005", {"text": {"body": "hi"}})
            await emu.advance("31d")
            for message_id in ids:
                async with http.get(emu.url("mojeeb") + f"/v1/whatsapp/messages/{message_id}",
                                    headers=HEADERS) as answer:
                    assert answer.status == 200
        coverage = Coverage()
        coverage.add(snapshot_of(emu))
    assert emu.history(unpolled)[-1] == "failed"
    mojeeb = coverage.report()["providers"]["mojeeb"]
    assert mojeeb["met"]["world_rules"] == [rule.name for rule in WORLD_RULES]
    assert mojeeb["met"]["statuses"] == ["delivered", "failed"]   # expiry reads "failed" in Mojeeb's words
    assert mojeeb["met"]["error_codes"] == ["131047", "131026"]


def test_what_is_possible_comes_from_the_provider_modules():
    from wa_emulator.providers.mojeeb import render
    from wa_emulator.providers.qlara import QlaraProvider

    qlara = possible(QlaraProvider())
    assert qlara["statuses"] == ["UNKNOWN", "SENT", "RECEIVED", "DELIVERED", "READ", "ERROR", "EXPIRED"]
    assert qlara["webhook_orderings"] == ["in order", "reordered", "duplicated", "dropped", "retried"]
    assert set(render.STATUS_WORDS.values()) == {"queued", "sent", "delivered", "read", "failed"}


async def test_a_scenario_that_fails_a_template_with_131047_is_not_taken_for_the_window_rule():
    from wa_emulator.scenario import load_text

    scripted = load_text("version: 1\nname: lookalike\ntimelines:\n  - match: {}\n    steps:\n"
                         "      - {after: 1s, status: sent}\n      - {after: 1s, status: failed, error: 131047}\n")
    async with Emulator() as emu:
        await emu.load_scenario(scripted)
        async with aiohttp.ClientSession() as http:
            message_id = await _send(http, emu, "+15550009006", TEMPLATE)
            await emu.advance(5)
            async with http.get(emu.url("mojeeb") + f"/v1/whatsapp/messages/{message_id}", headers=HEADERS) as a:
                assert (await a.json())["status"] == "failed"
        coverage = Coverage()
        coverage.add(snapshot_of(emu))
    mojeeb = coverage.report()["providers"]["mojeeb"]
    assert mojeeb["met"]["error_codes"] == ["131047"] and mojeeb["met"]["world_rules"] == []
