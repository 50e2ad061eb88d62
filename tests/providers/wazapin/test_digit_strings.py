"""Digit strings that ``str.isdigit()`` accepts but ``int()`` does not are refused, not a 500."""

import pytest

from .test_messages import TEMPLATE


@pytest.mark.parametrize("index", ["³", "9" * 5000])
async def test_button_index_int_cannot_read_is_422(wazapin, index):
    body = {**TEMPLATE}
    body["content"] = {"template": {**TEMPLATE["content"]["template"], "components": [
        {"type": "button", "sub_type": "url", "index": index, "parameters": [{"type": "text", "text": "abc"}]}]}}
    answer = await wazapin.send(body)
    assert answer.status == 422 and "index" in answer.body["detail"]


@pytest.mark.parametrize("stamp", ["³", "9" * 5000])
async def test_a_bin_reads_a_timestamp_int_cannot_read_as_invalid(emu, wazapin, stamp):
    from urllib.parse import urlsplit

    from wa_emulator.providers.wazapin.webhooks import recognize

    url = emu.bin_url("stamps")
    await wazapin.add_endpoint(url)
    verdict = recognize(emu.world, urlsplit(url).path, {"svix-id": "msg_1", "svix-timestamp": stamp}, b"{}")
    assert verdict is not None and verdict.signature == "invalid" and "whole number" in verdict.detail
