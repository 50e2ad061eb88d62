"""The README's dashboard screenshots (docs/dashboard-*.png), taken in headless Chromium at 1280×800.

Run: ``python -m bench.screenshots`` (needs Chromium and chromedriver; see bench/browser.py).
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

from wa_emulator.testing.threaded import ThreadedEmulator

from . import browser

DOCS = Path(__file__).parent.parent / "docs"
VIEWS = ("messages", "journal", "clock", "credentials", "webhooks", "bins")


def _post(url: str, body: dict, headers: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def main() -> int:
    reason = browser.missing()
    if reason is not None:
        print(f"no screenshots: {reason}")
        return 1
    with ThreadedEmulator() as emu:
        base = emu.url("mojeeb").removesuffix("/mojeeb")
        with urllib.request.urlopen(f"{base}/_emulator/ui/boot.json", timeout=10) as answer:
            boot = json.load(answer)
        for round_ in range(3):
            for provider in boot["providers"]:
                example = provider["example"]
                _post(base + example["base_path"] + example["path"], example["body"], example["headers"])
            emu.advance(["2s", "20s", "1m"][round_])
        emu.inbound("wazapin", "+6281234567890", "Is my order on its way?")
        # Wazapin's status webhooks: the first of one message to the emulator's own bin, then the rest held.
        wazapin = next(p for p in boot["providers"] if p["name"] == "wazapin")
        hook = wazapin["webhook_registration"]
        body = json.loads(json.dumps(hook["body"]).replace("{bin_url}", emu.bin_url("demo")))
        _post(base + hook["base_path"] + hook["path"], body, hook["headers"])
        example = wazapin["example"]
        _post(base + example["base_path"] + example["path"], example["body"], example["headers"])
        emu.advance("1s")
        emu.hold_webhooks()
        emu.advance("1m")
        driver = browser.chrome()
        try:
            for view in VIEWS:
                driver.get(f"{base}/_emulator/ui/#{view}")
                time.sleep(0.6)  # let the view draw (a screenshot, not a test)
                if view == "messages":
                    driver.find_elements("css selector", "#messages-table tbody tr[data-id]")[2].click()
                    time.sleep(0.4)
                if view == "webhooks":  # the person has moved "read" to the top, to release it first
                    driver.find_element("css selector", '#held-list li[data-status="read"] [data-act="up"]').click()
                    time.sleep(0.2)
                if view == "bins":
                    driver.find_element("css selector", "#bin-receipts details summary").click()
                    time.sleep(0.2)
                driver.execute_script("window.scrollTo(0, 0); document.getElementById('notice').hidden = true;")
                path = DOCS / f"dashboard-{view}.png"
                driver.save_screenshot(str(path))
                print(f"wrote {path}")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
