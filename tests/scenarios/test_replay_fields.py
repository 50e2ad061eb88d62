"""The scenario fields a replayed webhook schedule needs: webhook.fail_attempts, a scripted send by another
sender on the account, and match.nth for two messages to one recipient."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.sinks import running_sink
from tests.support.wazapin import WazapinClient
from wa_emulator.scenario import ScenarioError, install, load_text
from wa_emulator.testing.emulator import Emulator

CUSTOMER = "+15550001000"
OTHER = "+15550180001"

SCENARIO = f"""version: 1
name: replay-fields
clock: {{mode: manual}}
timelines:
  - match: {{to: "{CUSTOMER}", nth: 1}}
    steps:
      - {{after: 1s, status: sent, webhook: {{fail_attempts: 1}}}}
  - match: {{to: "{CUSTOMER}", nth: 2}}
    steps:
      - {{after: 2s, status: sent}}
      - {{after: 1s, status: failed, error: 131026}}
  - match: {{to: "{OTHER}"}}
    steps:
      - {{after: 1s, status: sent}}
      - {{after: 1s, status: delivered}}
script:
  - {{at: 0s, send: {{provider: wazapin, to: "{OTHER}", template: order_shipped}}}}
"""


async def test_fail_attempts_nth_and_another_sender_s_message_reach_the_subscribed_receiver() -> None:
    async with Emulator() as emu, running_sink() as sink, aiohttp.ClientSession() as http:
        await emu.load_scenario(load_text(SCENARIO, "replay-fields.yaml"))
        client = await WazapinClient(emu, http, sink).start()
        first, second = (await client.send_template(CUSTOMER)).id, (await client.send_template(CUSTOMER)).id
        await emu.advance("10m")
        other = next(m["id"] for m in emu.messages() if m["to"] == OTHER)
        got = [(body["message_id"], body["status"]) for body in sink.bodies()]
        # The first message's sent webhook came twice: its first attempt was counted failed, then retried
        # after Wazapin's 5 s; the second message followed its own (nth: 2) timeline; the other sender's
        # message reached the same endpoint.
        assert got == [(first, "sent"), (other, "sent"), (second, "sent"), (other, "delivered"),
                       (second, "failed"), (first, "sent")]
        [retried] = [d for d in emu.world.dispatcher.deliveries(message_id=first)]
        assert [a.status_code for a in retried.attempts] == [200, 200] and retried.state == "delivered"
        assert "fail_attempts" in (retried.attempts[0].error or "")


def test_a_scripted_send_from_a_number_no_sender_owns_is_refused_at_its_line() -> None:
    text = 'version: 1\nname: bad-send\nscript:\n  - {at: 0s, send: {provider: wazapin, from: "+15559999999", ' \
           f'to: "{OTHER}"}}}}\n'
    emu = Emulator()  # its world holds the sandbox tenants the sender is checked against
    with pytest.raises(ScenarioError) as caught:
        install(emu.world, load_text(text, "bad-send.yaml"))
    error = caught.value
    assert (error.line, error.field) == (4, "script[0].send.from")
    assert str(error).startswith("bad-send.yaml:4:") and "no wazapin sender owns +15559999999" in str(error)
