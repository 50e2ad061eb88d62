"""converges(): the client's view against the emulator's truth, with readable differences."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.qlara import QlaraClient
from tests.support.wazapin import WazapinClient
from wa_emulator.testing.converge import NotConverged, converges, differences
from wa_emulator.testing.emulator import Emulator

TO, UNREACHABLE = "+15550001005", "+15550009999"


async def sent(emu: Emulator, client_type: type, *recipients: str) -> list[str]:
    async with aiohttp.ClientSession() as http:
        client = await client_type(emu, http).start()
        ids = []
        for to in recipients:
            answer = await client.send_template(to)
            assert answer.id is not None, answer.body
            ids.append(answer.id)
    await emu.advance(60)
    return ids


async def test_a_view_that_matches_converges_in_the_providers_own_words(emu: Emulator) -> None:
    emu.set_contact(UNREACHABLE, on_whatsapp=False)
    read, failed = await sent(emu, QlaraClient, TO, UNREACHABLE)
    description = "Message undeliverable (131026): ..."
    converges(emu, {read: "READ", failed: ("ERROR", description)})
    converges(emu, {read: ("read", None), failed: {"status": "failed", "reason": "code 131026"}})


async def test_each_difference_is_named_per_message(emu: Emulator) -> None:
    emu.set_contact(UNREACHABLE, on_whatsapp=False)
    read, failed, missing = await sent(emu, WazapinClient, TO, UNREACHABLE, "+15550001006")
    with pytest.raises(NotConverged) as caught:
        converges(emu, {read: "delivered", failed: ("failed", None), "made-up": "sent"})
    text = str(caught.value)
    assert text.splitlines()[0] == "4 of 4 message(s) differ between the client and the emulator:"
    assert f"{read}: status: the client says 'delivered', the emulator says 'read' " \
           "(queued -> sent -> delivered -> read)" in text
    assert f"{failed}: the client kept no failure reason; the emulator failed it with 131026" in text
    assert f"{missing}: the client does not track it (emulator: read, wazapin)" in text
    assert "made-up: the client tracks an id the emulator never sent" in text
    assert [d.what for d in caught.value.differences] == ["status", "reason", "missing", "unknown"]


async def test_a_reason_must_name_the_error_and_only_given_ids_are_compared(emu: Emulator) -> None:
    emu.set_contact(UNREACHABLE, on_whatsapp=False)
    read, failed = await sent(emu, WazapinClient, TO, UNREACHABLE)
    (found,) = differences(emu, {failed: ("failed", "something went wrong")}, only=[failed])
    assert found.what == "reason" and "names neither the error code 131026" in found.detail
    converges(emu, {read: "read"}, only=[read])
