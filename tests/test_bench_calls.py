"""What the benchmarks send is accepted: every provider's template and text send, and its status lookup."""

from __future__ import annotations

import aiohttp
import pytest

from bench.calls import CALLS
from wa_emulator.testing.emulator import Emulator


@pytest.mark.parametrize("name", list(CALLS))
async def test_each_send_is_accepted_and_its_status_is_a_ranked_word(
    emu: Emulator, http: aiohttp.ClientSession, name: str
) -> None:
    calls, base = CALLS[name], emu.url(name)
    await emu.inbound(name, "+15550008888", "hi")  # opens the 24-hour window for the text
    sent = [await calls.send_template(http, base, "+15550008888"), await calls.send_text(http, base, "+15550008888")]
    await emu.advance(10)
    assert [emu.message(message_id)["type"] for message_id in sent] == ["template", "text"]
    words = [await calls.poll(http, base, message_id) for message_id in sent]
    assert [word.lower() for word in words] == ["read", "read"] and all(word in calls.ranks for word in words)

def test_the_mount_order_is_the_emulators():
    assert list(CALLS) == ["mojeeb", "wazapin", "qlara"]
