"""The Webhooks and Request bins views in a real browser: hold, reorder, release, drop, duplicate, watch a bin.

The receiver is the emulator's own request bin; each body it kept is checked again here with the
Standard Webhooks library and the endpoint's secret, as a client's webhook handler would check it.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from standardwebhooks import Webhook

from tests.ui.browse import base, click, no_reload, open_view, register_bin, send, wait
from wa_emulator.testing.threaded import ThreadedEmulator

HELD = "#held-list li[data-id]"


def held_on_page(chrome: Any) -> list[str]:
    """The held queue as the page orders it: each item's status (``+copy`` for a duplicate)."""
    return [li.get_attribute("data-status") + ("+copy" if li.get_attribute("data-copy") != "0" else "")
            for li in chrome.find_elements(By.CSS_SELECTOR, HELD)]


def received(emulator: ThreadedEmulator, name: str, secret: str) -> list[str]:
    """The statuses bin ``name`` received, in arrival order, each signature verified with ``secret``."""
    kept = requests.get(f"{base(emulator)}/_emulator/bin/{name}", timeout=5).json()["data"]
    assert all(r["signature"]["result"] == "valid" for r in kept), [r["signature"] for r in kept]
    return [Webhook(secret).verify(r["body"], r["headers"])["status"] for r in kept]


def test_three_held_statuses_are_released_from_the_page_in_the_order_chosen(chrome: Any,
                                                                           emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "webhooks")
    endpoint = register_bin(emulator, "ordered")
    message_id = send(emulator)
    form = chrome.find_element(By.ID, "hold-form")
    form.find_element(By.CSS_SELECTOR, 'option[value="message_id"]').click()
    form.find_element(By.NAME, "value").send_keys(message_id, Keys.ENTER)
    wait(chrome, lambda d: f"message id {message_id}" in d.find_element(By.ID, "holds-list").text)

    emulator.advance(10)  # sent, delivered and read all fall due, and are parked
    assert wait(chrome, lambda d: held_on_page(d) if len(held_on_page(d)) == 3 else None) == \
        ["sent", "delivered", "read"]
    first = wait(chrome, lambda d: d.find_element(By.CSS_SELECTOR, HELD).text)
    assert message_id in first and emulator.bin_url("ordered") in first and "held at" in first

    # By keyboard: the moved item keeps the focus, so Enter twice takes "read" to the top.
    chrome.find_element(By.CSS_SELECTOR, '#held-list li[data-status="read"] [data-act="up"]').send_keys(Keys.ENTER)
    chrome.switch_to.active_element.send_keys(Keys.ENTER)
    assert held_on_page(chrome) == ["read", "sent", "delivered"]
    assert chrome.switch_to.active_element.get_attribute("data-act") in ("up", "down")
    click(chrome, "#held-release-order")

    wait(chrome, lambda d: "Nothing held." in d.find_element(By.ID, "held-list").text)
    assert received(emulator, "ordered", endpoint["secret"]) == ["read", "sent", "delivered"]
    assert emulator.held() == []
    click(chrome, '#holds-list button[aria-label^="Stop hold"]')
    wait(chrome, lambda d: "No hold in force" in d.find_element(By.ID, "holds-list").text)
    assert requests.get(f"{base(emulator)}/_emulator/webhooks/hold", timeout=5).json()["count"] == 0
    no_reload(chrome)


def test_held_webhooks_are_dropped_and_duplicated_from_the_page(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "webhooks")
    endpoint = register_bin(emulator, "copies")
    chrome.find_element(By.CSS_SELECTOR, "#hold-form button[type=submit]").click()  # every webhook
    wait(chrome, lambda d: "every webhook" in d.find_element(By.ID, "holds-list").text)
    message_id = send(emulator)
    emulator.advance(10)
    wait(chrome, lambda d: len(held_on_page(d)) == 3)

    click(chrome, '#held-list li[data-status="sent"] [data-act="duplicate"]')
    assert wait(chrome, lambda d: held_on_page(d) if len(held_on_page(d)) == 4 else None) == \
        ["sent", "delivered", "read", "sent+copy"]
    click(chrome, '#held-list li[data-status="delivered"] [data-act="drop"]')
    wait(chrome, lambda d: held_on_page(d) == ["sent", "read", "sent+copy"])
    click(chrome, "#held-release-all")

    wait(chrome, lambda d: "Nothing held." in d.find_element(By.ID, "held-list").text)
    assert received(emulator, "copies", endpoint["secret"]) == ["sent", "read", "sent"]
    states = {(d["status"], d["copy"]): d["state"] for d in emulator.deliveries(message_id=message_id)}
    assert states == {("sent", 0): "delivered", ("sent", 1): "delivered", ("delivered", 0): "dropped",
                      ("read", 0): "delivered"}
    click(chrome, "#holds-stop")
    wait(chrome, lambda d: "No hold in force" in d.find_element(By.ID, "holds-list").text)
    no_reload(chrome)


def test_a_bin_shows_each_delivery_live_with_its_signature_result(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "bins")
    name = chrome.find_element(By.CSS_SELECTOR, '#bin-form input[name="name"]')
    name.clear()
    name.send_keys("watched", Keys.ENTER)  # the one-click helper: the emulator's own bin, named
    url = wait(chrome, lambda d: d.find_element(By.ID, "bin-url").text.endswith("/watched") and
               d.find_element(By.ID, "bin-url").text)
    assert url == emulator.bin_url("watched")
    click(chrome, "#bin-helper details summary")
    curl = chrome.find_element(By.CSS_SELECTOR, '#bin-helper [data-provider="wazapin"] pre').text
    assert "/wazapin/v1/settings/developer/webhooks/endpoints" in curl and f'"url":"{url}"' in curl
    click(chrome, 'button[data-register="wazapin"]')
    wait(chrome, lambda d: f"now sends its webhooks to {url}" in d.find_element(By.ID, "notice").text)

    message_id = send(emulator)
    emulator.advance(1)  # "sent" falls due and is delivered to the bin
    valid = '#bin-receipts details[data-signature="valid"]'
    # The list redraws live, so each look finds the element again rather than keeping a stale one.
    summary = wait(chrome, lambda d: d.find_element(By.CSS_SELECTOR, valid).text)
    assert "from wazapin" in summary and "signature valid" in summary
    click(chrome, f"{valid} summary")
    text = wait(chrome, lambda d: d.find_element(By.CSS_SELECTOR, "#bin-receipts details[open]").text)
    assert "svix-signature" in text and message_id in text and "matches the secret of endpoint" in text

    forged = {"svix-id": "msg_forged", "svix-timestamp": str(int(time.time())), "svix-signature": "v1,bm9wZQ=="}
    requests.post(url, data=json.dumps({"status": "read"}), headers=forged, timeout=5)
    wait(chrome, lambda d: d.find_elements(By.CSS_SELECTOR, '#bin-receipts details[data-signature="invalid"]'))
    wait(chrome, lambda d: "watched (2)" in d.find_element(By.ID, "bins-list").text)  # the list follows the bins

    click(chrome, "#bin-clear")
    wait(chrome, lambda d: "Nothing received yet" in d.find_element(By.ID, "bin-receipts").text)
    assert emulator.bin("watched") == []
    no_reload(chrome)
