"""Headless Chromium for the dashboard's tests and benchmark: Debian's ``chromium`` and ``chromedriver``, via Selenium.

``missing()`` says in one line why none can start here (no Chromium, no driver, no Selenium);
the tests skip with that line unless ``WA_REQUIRE_BROWSER=1`` (CI) makes it a failure.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

REQUIRE = "WA_REQUIRE_BROWSER"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)


def missing() -> str | None:
    """Why no browser can be started here, in one line; None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the browser tests need Selenium (pip install -e '.[test]')"
    if _which(CHROMIUM_NAMES) is None:
        return "the browser tests need Chromium (apt-get install -y chromium chromium-driver)"
    if _which(DRIVER_NAMES) is None:
        return "the browser tests need chromedriver (apt-get install -y chromium-driver)"
    return None


def required() -> bool:
    return os.environ.get(REQUIRE, "") not in ("", "0")


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def chrome(width: int = 1280, height: int = 800) -> Any:
    """A headless Chromium at ``width`` × ``height``, offline apart from loopback (call ``quit()`` after)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _which(CHROMIUM_NAMES) or ""
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--no-first-run", "--disable-extensions",
                     # Nothing beyond this machine: the page must work offline.
                     "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1;localhost"):
        options.add_argument(argument)
    service = Service(executable_path=_which(DRIVER_NAMES))  # Debian's driver, never a downloaded one
    return webdriver.Chrome(options=options, service=service)
