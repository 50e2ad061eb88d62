"""What the dashboard's browser tests share: reaching the page, waiting for it, and reading it."""

from __future__ import annotations

from typing import Any

import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from wa_emulator.testing.threaded import ThreadedEmulator

WAIT = 10  # seconds a page may take to show something; generous for a loaded CI machine, never slept


def base(emulator: ThreadedEmulator) -> str:
    return emulator.url("mojeeb").removesuffix("/mojeeb")


def example(emulator: ThreadedEmulator, provider: str) -> dict[str, Any]:
    boot = requests.get(f"{base(emulator)}/_emulator/ui/boot.json", timeout=5).json()
    return next(p["example"] for p in boot["providers"] if p["name"] == provider)


def send(emulator: ThreadedEmulator, provider: str = "wazapin") -> str:
    """Send the provider's documented example request; the new message's id."""
    request = example(emulator, provider)
    answer = requests.post(base(emulator) + request["base_path"] + request["path"], json=request["body"],
                           headers=request["headers"], timeout=5)
    assert answer.status_code < 300, answer.text
    newest = requests.get(f"{base(emulator)}/_emulator/messages?order=newest&limit=1", timeout=5).json()
    return str(newest["data"][0]["id"])


def register_bin(emulator: ThreadedEmulator, name: str) -> dict[str, Any]:
    """A Wazapin endpoint on the emulator's bin ``name`` for status updates; the endpoint with its secret."""
    headers = example(emulator, "wazapin")["headers"]
    answer = requests.post(f"{emulator.url('wazapin')}/v1/settings/developer/webhooks/endpoints", timeout=5,
                           headers=headers, json={"url": emulator.bin_url(name), "events": ["message.status_update"]})
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def open_view(chrome: Any, emulator: ThreadedEmulator, view: str) -> None:
    emulator.reset()
    chrome.get("about:blank")  # else a URL differing only in its #view is a hash change, not a fresh page
    chrome.get(f"{base(emulator)}/_emulator/ui/#{view}")
    wait(chrome, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    chrome.execute_script("window.__samePage = true;")


def wait(chrome: Any, condition: Any) -> Any:
    """Until ``condition(driver)`` is truthy; live views redraw, so an element gone stale means "look again"."""
    return WebDriverWait(chrome, WAIT, poll_frequency=0.05,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(condition)


def click(chrome: Any, selector: str) -> None:
    """Click what ``selector`` finds once it is there, finding it again if a redraw replaced it."""

    def clicked(driver: Any) -> bool:
        driver.find_element(By.CSS_SELECTOR, selector).click()
        return True

    wait(chrome, clicked)


def no_reload(chrome: Any) -> None:
    assert chrome.execute_script("return window.__samePage === true;"), "the page reloaded"


# WCAG contrast of an element's text colour on the first opaque background behind it.
CONTRAST = """
const parse = (c) => c.match(/[\\d.]+/g).map(Number);
const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
let node = e, bg = null;
const fg = parse(getComputedStyle(node).color);
while (node) {  // the nearest background that is not transparent
  const c = parse(getComputedStyle(node).backgroundColor);
  if (c.length < 4 || c[3] > 0) { bg = c; break; }
  node = node.parentElement;
}
bg = bg || [255, 255, 255];
const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
return (a + 0.05) / (b + 0.05);
"""
