"""Inbound beyond text from each door (control API, Python API, scenario scripts), and its bad input."""

from __future__ import annotations

import pytest

from wa_emulator.scenario import ScenarioError, load_text
from wa_emulator.testing import ControlError
from wa_emulator.testing.emulator import Emulator

from .conftest import CUSTOMER

# body -> (code, field) of the 422
REFUSED = {
    "an unknown field": ({"type": "image", "captoin": "x"}, "unknown_field", "captoin"),
    "another kind's field": ({"type": "location", "latitude": 1, "longitude": 2, "caption": "x"},
                             "unknown_field", "caption"),
    "text fields on a reaction": ({"type": "reaction", "text": "hi", "message_id": "m", "emoji": "👍"},
                                  "unknown_field", "text"),
    "a missing coordinate": ({"type": "location", "latitude": 1}, "missing_field", "longitude"),
    "a missing reply id": ({"type": "button_reply", "title": "Yes"}, "missing_field", "reply_id"),
    "a missing emoji": ({"type": "reaction", "message_id": "m"}, "missing_field", "emoji"),
    "a contact card without a phone": ({"type": "contact", "name": "Sara"}, "missing_field", "phone"),
    "an unknown type": ({"type": "sticker"}, "invalid_field", "type"),
    "a latitude off the globe": ({"type": "location", "latitude": 91, "longitude": 0}, "invalid_field", "latitude"),
    "a coordinate as text": ({"type": "location", "latitude": "45", "longitude": 0}, "invalid_field", "latitude"),
    "an image that is not an image": ({"type": "image", "mime_type": "audio/ogg"}, "invalid_field", "mime_type"),
    "a caption too long": ({"type": "image", "caption": "x" * 1025}, "invalid_field", "caption"),
    "an empty reply title": ({"type": "list_reply", "reply_id": "a", "title": " "}, "invalid_field", "title"),
}


@pytest.mark.parametrize(("body", "code", "field"), REFUSED.values(), ids=REFUSED.keys())
async def test_the_control_api_refuses_bad_fields_naming_them(emu, http, body, code, field):
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": "wazapin", "from": CUSTOMER, **body}) as response:
        answer = await response.json()
    assert response.status == 422, answer
    assert answer["error"]["code"] == code and answer["error"]["field"] == field
    assert f"'{field}'" in answer["error"]["message"]
    assert emu.world.store.get(answer.get("id", "")) is None and len(emu.world.store) == 0, "nothing was received"


async def test_text_stays_the_default_and_takes_its_old_body(emu, http):
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": "qlara", "from": CUSTOMER, "text": "Ciao"}) as response:
        message = await response.json()
    assert response.status == 201 and message["type"] == "text" and message["content"] == {"text": "Ciao"}


async def test_the_python_api_takes_the_same_type_and_fields(emu: Emulator):
    text = await emu.inbound("qlara", CUSTOMER, "Is my order on its way?")  # the text signature still works
    reply = await emu.inbound("qlara", CUSTOMER, type="list_reply", reply_id="slot_9", title="Tomorrow 9:00")
    image = await emu.inbound("wazapin", "6281234567890", type="image", caption="Receipt")
    assert text["content"] == {"text": "Is my order on its way?"}
    assert reply["type"] == "list_reply" and reply["content"] == {"reply_id": "slot_9", "title": "Tomorrow 9:00"}
    assert image["content"]["caption"] == "Receipt" and image["content"]["mime_type"] == "image/png"
    with pytest.raises(ControlError) as caught:
        await emu.inbound("wazapin", CUSTOMER, type="location", latitude=1)
    assert caught.value.status == 422 and caught.value.field == "longitude"
    with pytest.raises(ControlError) as caught:
        await emu.inbound("wazapin", CUSTOMER, type="reaction", message_id="m", emoji="👍", colour="red")
    assert caught.value.field == "colour"


SCRIPTED = """version: 1
name: customer-writes-in
script:
  - {at: 1s, inbound: {provider: qlara, from: "+393401234567", type: location, latitude: 45.46, longitude: 9.19}}
  - at: 2s
    inbound:
      provider: wazapin
      from: "+6281234567890"
      type: button_reply
      reply_id: confirm_yes
      title: "Yes, I confirm"
"""


async def test_a_scenario_scripts_any_kind(emu: Emulator):
    await emu.load_scenario(load_text(SCRIPTED, "in.yaml"))
    await emu.advance(3)
    inbound = [m for m in emu.messages(direction="inbound")]
    kinds = {m["type"]: m["content"] for m in inbound}
    assert kinds == {"location": {"latitude": 45.46, "longitude": 9.19},
                     "button_reply": {"reply_id": "confirm_yes", "title": "Yes, I confirm"}}


SCRIPT_ERRORS = {
    "a missing field": (
        SCRIPTED.replace("      reply_id: confirm_yes\n", ""),
        "in.yaml:7:7: script[1].inbound.reply_id: 'reply_id' is required for a button_reply inbound message.",
    ),
    "another kind's field": (
        SCRIPTED.replace("longitude: 9.19}", "longitude: 9.19, caption: here}"),
        "in.yaml:4:123: script[0].inbound.caption: 'caption' is not a field of a location inbound message; "
        "the location fields are: latitude, longitude, name, address.",
    ),
    "an unknown type": (
        SCRIPTED.replace("type: location", "type: poll"),
        "in.yaml:4:70: script[0].inbound.type: expected one of text, image, document, audio, location, contact, "
        "button_reply, list_reply, reaction, got 'poll'",
    ),
}


@pytest.mark.parametrize(("text", "message"), SCRIPT_ERRORS.values(), ids=SCRIPT_ERRORS.keys())
def test_a_bad_scripted_inbound_names_file_line_and_field(text: str, message: str):
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "in.yaml")
    assert str(caught.value).startswith(message)
