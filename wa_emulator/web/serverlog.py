"""Server-log hygiene for ``serve``: a client's malformed HTTP is one line, not a traceback; and
one line per API call and per webhook attempt (``log_calls``; ``serve --quiet`` leaves it off).

aiohttp logs every request it cannot parse (an over-long URL or header, a broken chunked body,
a control character in a header) with a full traceback. That is the client's mistake and the
answer already says so (400), so the log keeps one line naming the client and the reason.
"""

from __future__ import annotations

import errno
import logging
import sys
import time
from collections.abc import Callable

from aiohttp.http_exceptions import HttpProcessingError

from ..core.webhooks import Attempt, Delivery
from ..core.world import World

SERVER_LOGGER = "aiohttp.server"
LOOP_LOGGER = "asyncio"
EXHAUSTED_EVERY = 10.0  # seconds between two reports that descriptors ran out


class ProtocolErrorFilter(logging.Filter):
    """Rewrite aiohttp's "Error handling request" record for an unparsable request as one line.

    >>> bad = HttpProcessingError(code=400, message="bad")
    >>> record = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "Error handling request from %s",
    ...                            ("127.0.0.1",), (HttpProcessingError, bad, None))
    >>> ProtocolErrorFilter().filter(record), record.getMessage(), record.exc_info, record.levelname
    (True, 'malformed HTTP request from 127.0.0.1 answered 400: bad', None, 'WARNING')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            remote = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            reason = (error.message or type(error).__name__).splitlines()[0]
            record.msg, record.args = "malformed HTTP request from %s answered %s: %s", (remote, error.code, reason)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class DescriptorExhaustionFilter(logging.Filter):
    """Turn asyncio's traceback for an ``accept()`` without a free file descriptor into one line, now and then.

    The loop retries the accept every second while every descriptor is taken, logging a traceback
    each time; the connections holding them close by themselves (keep-alive and header
    timeouts), so one line every ``EXHAUSTED_EVERY`` seconds says all there is.

    >>> full = OSError(errno.EMFILE, "Too many open files")
    >>> def record(): return logging.LogRecord("asyncio", logging.ERROR, __file__, 1,
    ...                                        "socket.accept() out of system resource", (), (OSError, full, None))
    >>> quiet, first = DescriptorExhaustionFilter(), record()
    >>> quiet.filter(first), first.exc_info, first.levelname, quiet.filter(record())
    (True, None, 'WARNING', False)
    """

    def __init__(self) -> None:
        super().__init__()
        self._last = float("-inf")

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, OSError) or error.errno not in (errno.EMFILE, errno.ENFILE):
            return True
        now = time.monotonic()
        if now - self._last < EXHAUSTED_EVERY:
            return False
        self._last = now
        record.msg, record.args = "out of file descriptors (%s): new connections wait until idle ones time out", (
            error.strerror,)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_protocol_errors() -> ProtocolErrorFilter:
    """Install the filters on aiohttp's and asyncio's loggers once; return the first (``removeFilter`` undoes it)."""
    logger = logging.getLogger(SERVER_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, ProtocolErrorFilter):
            return existing
    installed = ProtocolErrorFilter()
    logger.addFilter(installed)
    loop_logger = logging.getLogger(LOOP_LOGGER)
    if not any(isinstance(existing, DescriptorExhaustionFilter) for existing in loop_logger.filters):
        loop_logger.addFilter(DescriptorExhaustionFilter())
    return installed


def call_line(api: str, method: str, path: str, status: int, latency_ms: float) -> str:
    """One API call as ``serve`` logs it.

    >>> call_line("mojeeb", "POST", "/mojeeb/v1/whatsapp/templates", 201, 1.234)
    'call mojeeb POST /mojeeb/v1/whatsapp/templates 201 1.2ms'
    """
    return f"call {api} {method} {path} {status} {latency_ms:.1f}ms"


def attempt_line(delivery: Delivery, attempt: Attempt) -> str:
    """One webhook attempt as ``serve`` logs it: whether the receiver took it, and why not.

    >>> from wa_emulator.core.webhooks import RetryPolicy
    >>> delivery = Delivery("dlv_1", "evt_1", "wazapin", "org", "ep", "http://127.0.0.1:9/hook",
    ...                     "message.status_update", b"{}", RetryPolicy((0.0, 30.0), 10.0), None, 0.0)
    >>> attempt_line(delivery, Attempt(1, 0.0, 0.0, delivery.url, None, "ClientConnectorError", 0.8))
    'webhook wazapin message.status_update http://127.0.0.1:9/hook attempt 1 failed (ClientConnectorError) 0.8ms'
    >>> attempt_line(delivery, Attempt(1, 0.0, 0.0, delivery.url, 200, "counted failed", 0.8)).split(" attempt ")[1]
    '1 failed 200 (counted failed) 0.8ms'
    """
    code = attempt.status_code
    if code is not None and delivery.policy.accept(code) and attempt.error is None:
        outcome = f"delivered {code}"
    elif code is not None:
        # An accepted answer with an error: a scenario's webhook.fail_attempts counted it failed.
        outcome = f"failed {code}" + (f" ({attempt.error})" if attempt.error else "")
    else:
        outcome = f"failed ({attempt.error})"
    return (f"webhook {delivery.provider} {delivery.event_type} {attempt.url} attempt {attempt.number} {outcome} "
            f"{attempt.latency_ms:.1f}ms")


def log_calls(world: World, write: Callable[[str], object] | None = None) -> None:
    """Write one line per API call and per webhook attempt of ``world`` (to stderr unless ``write``)."""
    out = write or (lambda line: sys.stderr.write(line + "\n"))  # stderr is line-buffered: a line each
    world.call_log = lambda *call: out(call_line(*call))
    world.dispatcher.on_attempt = lambda delivery, attempt: out(attempt_line(delivery, attempt))
