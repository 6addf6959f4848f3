"""Drive headless Chromium from tests: open a local page, run JavaScript in it, take screenshots, and list
every network request it made.

The DevTools protocol (CDP) is spoken over `--remote-debugging-pipe` (JSON messages separated by NUL bytes on
file descriptors 3 and 4), so only the standard library is needed: no websocket client, no Selenium.

    with Browser() as browser:
        page = browser.open(path)            # waits for the load event
        page.evaluate("document.title")
        png = page.screenshot()
        assert page.requests == [path.as_uri()]   # nothing but the page itself was requested
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import IN_CI

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT = 60.0


def require_chromium() -> str:
    """Path of a Chromium binary: skip without it locally, fail without it in CI (as conftest.require_dot)."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path is not None:
            return path
    if IN_CI:
        pytest.fail("Chromium is not installed, and CI requires it (.ci/run installs Debian's `chromium`)")
    pytest.skip("Chromium is not installed")


class Browser:
    """One headless Chromium process with a fresh profile, spoken to over the DevTools pipe."""

    def __init__(self, width: int = 1400, height: int = 900) -> None:
        self.binary = require_chromium()
        self.profile = tempfile.mkdtemp(prefix="tinygrad_lr_chromium_")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # the child reads commands on fd 3 and writes replies on fd 4: move our pipe ends there
        self.process = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=_dup_to(to_browser_read, from_browser_write),
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.width, self.height = width, height

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - already gone: just make sure the process ends
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result; events that arrive meanwhile are kept in `events`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first event `method` of `session` not seen before (blocks until it comes)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session and not event.get("_seen"):
                    event["_seen"] = True
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {timeout} s")
            self.events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it crash?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, path: Path | str, fragment: str = "") -> Page:
        """Open a local file in a new tab, with network events on, and wait until it has loaded."""
        url = Path(path).resolve().as_uri() + fragment
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Network.enable", session=session)
        self.send("Page.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, url)


class Page:
    """One open tab."""

    def __init__(self, browser: Browser, session: str, url: str) -> None:
        self.browser = browser
        self.session = session
        self.url = url

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serializable values only); a Promise is awaited."""
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        """A PNG of the viewport."""
        data = self.browser.send("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"]
        return base64.b64decode(data)

    @property
    def requests(self) -> list[str]:
        """Every URL this tab asked for (the page itself included), in order."""
        return [
            event["params"]["request"]["url"]
            for event in self.browser.events
            if event["method"] == "Network.requestWillBeSent" and event.get("sessionId") == self.session
        ]

    @property
    def console_errors(self) -> list[str]:
        return [
            str(event["params"])
            for event in self.browser.events
            if event.get("sessionId") == self.session
            and event["method"] in ("Runtime.exceptionThrown", "Log.entryAdded")
        ]


def _dup_to(read_end: int, write_end: int) -> Any:
    def move() -> None:
        # through fds >= 10 first, so neither end is overwritten before it is moved
        read_high, write_high = fcntl.fcntl(read_end, fcntl.F_DUPFD, 10), fcntl.fcntl(write_end, fcntl.F_DUPFD, 10)
        os.dup2(read_high, 3)
        os.dup2(write_high, 4)

    return move


def assert_offline(page: Page) -> None:
    """The page asked for nothing but itself (data: URLs are inline, not network)."""
    itself = page.url.split("#")[0]
    others = [url for url in page.requests if url.split("#")[0] != itself and not url.startswith("data:")]
    assert others == [], f"the page made network requests: {others}"
