"""The dashboard in a real browser (headless Chromium): what a person watching the sandbox sees and does.

Every test drives the page only as a person would (clicks, keys, typing) and checks the outcome
both on the page and through the control API. The page is loaded once per test and never reloads:
a marker set on ``window`` at the start must still be there at the end.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.ui.browse import CONTRAST, base, click, no_reload, open_view, register_bin, send, wait
from wa_emulator.testing.threaded import ThreadedEmulator


def row_status(chrome: Any, message_id: str) -> str | None:
    rows = chrome.find_elements(By.CSS_SELECTOR, f'#messages-table tr[data-id="{message_id}"] .status')
    return rows[0].text if rows else None


def test_a_sent_message_appears_live_and_the_clock_moves_it_from_the_page(chrome: Any,
                                                                         emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "messages")
    message_id = send(emulator)
    assert wait(chrome, lambda d: row_status(d, message_id)) == "queued"

    click(chrome, f'#messages-table tr[data-id="{message_id}"]')
    wait(chrome, lambda d: message_id in d.find_element(By.ID, "message-detail").text)
    chrome.find_element(By.CSS_SELECTOR, 'a[data-tab="clock"]').click()
    chrome.find_element(By.CSS_SELECTOR, 'button[data-advance="1m"]').click()
    wait(chrome, lambda d: "Advanced 1m" in d.find_element(By.ID, "notice").text)
    chrome.find_element(By.CSS_SELECTOR, 'a[data-tab="messages"]').click()

    assert wait(chrome, lambda d: row_status(d, message_id) == "read")
    steps = "#message-detail .timeline li"
    timeline = wait(chrome, lambda d: [li.text for li in d.find_elements(By.CSS_SELECTOR, steps)]
                    if len(d.find_elements(By.CSS_SELECTOR, steps)) == 4 else None)
    assert [line.split()[0] for line in timeline] == ["queued", "sent", "delivered", "read"]
    history = emulator.message(message_id)["history"]
    assert [re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)[0] for line in timeline] == \
        [h["at"][:19].replace("T", " ") for h in history]  # on the emulated clock
    no_reload(chrome)


def test_filters_and_pages_narrow_the_list(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "messages")
    ids = [send(emulator, provider) for provider in ("mojeeb", "wazapin", "qlara")]
    wait(chrome, lambda d: all(row_status(d, i) for i in ids))
    chrome.find_element(By.CSS_SELECTOR, '#message-filters select[name="provider"] option[value="qlara"]').click()
    rows = "#messages-table tbody tr"
    wait(chrome, lambda d: [r.get_attribute("data-id") for r in d.find_elements(By.CSS_SELECTOR, rows)] == [ids[2]])
    assert chrome.find_element(By.ID, "messages-range").text == "1–1 of 1"
    no_reload(chrome)


def test_the_journal_shows_each_call_with_its_bodies_and_correlation_id(chrome: Any,
                                                                       emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "journal")
    message_id = send(emulator)
    entry = emulator.journal(provider="wazapin")[-1]
    entry_selector = f'#journal-list details[data-seq="{entry["seq"]}"]'
    click(chrome, f"{entry_selector} summary")
    text = wait(chrome, lambda d: d.find_element(By.CSS_SELECTOR, f"{entry_selector}[open]").text)
    assert entry["correlation_id"] in text
    assert '"channel_id"' in text and message_id in text  # the request body, and the answer naming the message
    no_reload(chrome)


def test_the_clock_is_driven_by_keyboard_alone(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "clock")
    before = emulator.call(lambda: emulator.world.clock.now())
    reached = []
    body = chrome.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(40):  # skip link, tabs, then the view's controls
        focused = chrome.switch_to.active_element
        reached.append(focused.text or focused.get_attribute("name") or "")
        if focused.text == "+1 h":
            focused.send_keys(Keys.ENTER)
            break
        focused.send_keys(Keys.TAB)
    else:
        pytest.fail(f"+1 h was never reached by Tab; reached {reached}")
    wait(chrome, lambda d: emulator.call(lambda: emulator.world.clock.now()) == before + 3600)
    field = chrome.find_element(By.CSS_SELECTOR, '#advance-form input[name="seconds"]')
    field.send_keys("90s", Keys.ENTER)
    wait(chrome, lambda d: emulator.call(lambda: emulator.world.clock.now()) == before + 3690)
    now = requests.get(f"{base(emulator)}/_emulator/clock", timeout=5).json()["now"]
    wait(chrome, lambda d: d.find_element(By.ID, "clock-now").text == now[:19].replace("T", " "))
    no_reload(chrome)


def test_the_clock_mode_switches_from_the_page(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "clock")
    chrome.find_element(By.CSS_SELECTOR, '#mode-form option[value="scaled"]').click()
    chrome.find_element(By.CSS_SELECTOR, '#mode-form input[name="factor"]').send_keys("60")
    chrome.find_element(By.CSS_SELECTOR, "#mode-form button").click()
    wait(chrome, lambda d: "scaled" in d.find_element(By.ID, "clock-mode").text)
    clock = requests.get(f"{base(emulator)}/_emulator/clock", timeout=5).json()
    assert (clock["mode"], clock["factor"]) == ("scaled", 60.0)
    requests.post(f"{base(emulator)}/_emulator/clock/mode", json={"mode": "manual"}, timeout=5)
    wait(chrome, lambda d: d.find_element(By.ID, "clock-mode").text == "manual")  # another client's change, live


def test_contacts_are_set_and_a_customer_writes_in(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "contacts")
    form = chrome.find_element(By.ID, "contact-form")
    form.find_element(By.NAME, "phone").send_keys("+15550009999")
    form.find_element(By.NAME, "online").click()  # off
    form.find_element(By.TAG_NAME, "button").click()
    wait(chrome, lambda d: d.find_elements(By.CSS_SELECTOR, 'input[aria-label="online for +15550009999"]'))
    contact = _contact(emulator, "+15550009999")
    assert (contact["online"], contact["read_receipts"], contact["on_whatsapp"]) == (False, True, True)

    chrome.find_element(By.CSS_SELECTOR, 'input[aria-label="read receipts for +15550009999"]').click()
    wait(chrome, lambda d: not _contact(emulator, "+15550009999")["read_receipts"])

    inbound = chrome.find_element(By.ID, "inbound-form")
    inbound.find_element(By.CSS_SELECTOR, 'option[value="mojeeb"]').click()
    inbound.find_element(By.NAME, "from").send_keys("+15550009999")
    inbound.find_element(By.TAG_NAME, "button").click()
    wait(chrome, lambda d: _contact(emulator, "+15550009999")["last_inbound"] is not None)
    assert emulator.messages(direction="inbound")[0]["from"] == "+15550009999"
    no_reload(chrome)


def _contact(emulator: ThreadedEmulator, phone: str) -> dict[str, Any]:
    contacts = requests.get(f"{base(emulator)}/_emulator/contacts", timeout=5).json()["data"]
    return next(c for c in contacts if c["phone"] == phone)


def test_faults_are_added_and_removed_from_the_page(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "faults")
    form = chrome.find_element(By.ID, "fault-form")
    form.find_element(By.CSS_SELECTOR, 'option[value="wazapin"]').click()
    form.find_element(By.NAME, "path").send_keys("/v1/messages")
    form.find_element(By.NAME, "status").send_keys("503")
    form.find_element(By.TAG_NAME, "button").click()
    wait(chrome, lambda d: d.find_elements(By.CSS_SELECTOR, "#faults-list button"))
    faults = requests.get(f"{base(emulator)}/_emulator/faults", timeout=5).json()["data"]
    assert [(f["provider"], f["path"], f["status"]) for f in faults] == [("wazapin", "/v1/messages", 503)]
    click(chrome, "#faults-list button")  # found again: the list may have redrawn meanwhile
    wait(chrome, lambda d: "No faults in force." in d.find_element(By.ID, "faults-list").text)
    assert requests.get(f"{base(emulator)}/_emulator/faults", timeout=5).json()["data"] == []


def test_a_bundled_scenario_is_loaded_from_the_page(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "scenarios")
    try:
        click(chrome, 'button[aria-label="Load scenario read-before-delivered"]')
        wait(chrome, lambda d: d.find_element(By.ID, "scenario-name").text == "read-before-delivered")
        assert requests.get(f"{base(emulator)}/_emulator/scenario", timeout=5).json()["name"] == "read-before-delivered"
    finally:
        emulator.call(lambda: emulator.world.__setattr__("scenario", None))
        emulator.reset()


def test_credentials_give_a_curl_line_that_sends(chrome: Any, emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "credentials")
    block = wait(chrome, lambda d: d.find_elements(By.CSS_SELECTOR, 'details[data-provider="qlara"] pre'))[0]
    line = block.text
    assert line.startswith(f"curl -s {base(emulator)}/qlara/api/")
    # The line as a person would paste it: its URL, headers and body send a message.
    url = line.split()[2]
    headers = dict(h.split(": ", 1) for h in re.findall(r"-H '([^']+)'", line))
    body = re.search(r"-d '(.+)'$", line, re.S)[1]
    answer = requests.post(url, data=body.encode(), headers=headers, timeout=5)
    assert answer.status_code == 200 and answer.json()["results"]["whatsapp"]["accepted"] is True


def test_text_is_readable_and_a_narrow_window_needs_no_sideways_scroll(chrome: Any,
                                                                       emulator: ThreadedEmulator) -> None:
    open_view(chrome, emulator, "messages")
    # Something in every view: a message, a delivery kept by a bin, two webhooks held.
    register_bin(emulator, "demo")
    send(emulator)
    emulator.advance(1)
    emulator.hold_webhooks()
    emulator.advance(10)
    drawn = {"messages": "#messages-table tbody tr[data-id]", "webhooks": "#held-list li[data-id]",
             "bins": "#bin-receipts details", "faults": "#faults-list p", "credentials": "#credentials-list details"}
    views = [tab.get_attribute("data-tab") for tab in chrome.find_elements(By.CSS_SELECTOR, ".tabs a")]
    assert {"webhooks", "bins"} <= set(views) and len(views) == 9
    for view in views:
        show(chrome, view, drawn.get(view))
        for selector in READABLE:
            ratios = chrome.execute_script(
                f"return [...document.querySelectorAll('section[data-view=\"{view}\"] {selector}, .top {selector}, "
                f".tabs {selector}')].filter((e) => e.offsetParent).slice(0, 4).map((e) => {{{CONTRAST}}});")
            assert not ratios or min(ratios) >= 4.5, f"{view}: {selector} has contrast {min(ratios):.2f}:1"
    try:
        chrome.set_window_size(400, 800)
        for view in views:
            show(chrome, view, drawn.get(view))
            width = chrome.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
            assert width[0] <= width[1], f"{view} is {width[0]}px wide in a {width[1]}px window"
    finally:
        chrome.set_window_size(1280, 800)


READABLE = ("h1", "h2", "a", "button", ".hint", ".status", ".sig", "label", "summary", "dt", "code", "td")


def show(chrome: Any, view: str, drawn: str | None) -> None:
    """Open ``view`` from its tab and wait until it shows (and, given ``drawn``, has drawn that)."""
    chrome.find_element(By.CSS_SELECTOR, f'a[data-tab="{view}"]').click()
    section = f'section[data-view="{view}"]'
    wait(chrome, lambda d: d.find_element(By.CSS_SELECTOR, section).is_displayed())
    if drawn is not None:
        wait(chrome, lambda d: d.find_elements(By.CSS_SELECTOR, f"{section} {drawn}"))
