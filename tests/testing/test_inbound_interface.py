"""Inbound beyond text through the one control interface: in-process, remote and against the CLI alike."""

from __future__ import annotations

import pytest

from wa_emulator.testing import ControlError


def test_every_interface_sends_a_typed_inbound_and_refuses_a_wrong_field(control):
    reply = control.inbound("wazapin", "+6281234567890", type="button_reply", reply_id="yes", title="Yes")
    assert reply["type"] == "button_reply" and reply["content"] == {"reply_id": "yes", "title": "Yes"}
    text = control.inbound("qlara", "+393401234567", "Ciao")
    assert text["type"] == "text" and text["content"] == {"text": "Ciao"}
    with pytest.raises(ControlError) as caught:
        control.inbound("qlara", "+393401234567", type="location", latitude=1)
    assert caught.value.status == 422 and caught.value.field == "longitude"
