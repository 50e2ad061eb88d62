"""An emulator bug answers 500 in the provider's envelope and is logged once, findable by its correlation id."""

import logging
import re

import pytest

import wa_emulator.providers.mojeeb.handlers as mojeeb_handlers
import wa_emulator.providers.qlara.handlers as qlara_handlers
import wa_emulator.providers.wazapin.handlers as wazapin_handlers
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.testing.emulator import Emulator

CASES = {
    "mojeeb": (mojeeb_handlers, "message_body", "/v1/whatsapp/messages/01c45011-d803-4eb0-a762-3228a4c392f3",
               {"Authorization": f"Bearer {mojeeb.KEY_FULL}"}),
    "wazapin": (wazapin_handlers, "status_view", "/v1/messages/9f1fd66d-c37a-4b50-a8c2-b4dca523f9c8/status",
                {"X-Api-Key": wazapin.KEY_FULL}),
    "qlara": (qlara_handlers, "status_body", "/partner-gateway/v1/messages/status/your_reference_id?channel=WHATSAPP",
              {"X-Api-Key": qlara.KEY_PRODUCTION}),
}


def _broken(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a bug in the emulator")


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_an_internal_fault_is_logged_once_with_the_id_the_client_sees(http, monkeypatch, caplog, provider):
    module, name, path, headers = CASES[provider]
    monkeypatch.setattr(module, name, _broken)
    async with Emulator(scenario="sandbox") as emu:
        with caplog.at_level(logging.ERROR):
            async with http.get(emu.url(provider) + path, headers=headers) as response:
                assert response.status == 500
                text = await response.text()
        correlation_id = re.search(r"correlation id (req_[0-9A-Z]{26})", text).group(1)
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and correlation_id in errors[0].getMessage() and errors[0].exc_info
        journal = emu.world.journal.query(provider=provider)
        assert journal[-1].status == 500 and journal[-1].correlation_id == correlation_id
