"""Server-log hygiene for ``serve``: a client's malformed HTTP is one line, not a traceback.

aiohttp logs every request it cannot parse (an over-long URL or header, a broken chunked body,
a control character in a header) with a full traceback. That is the client's mistake and the
answer already says so (400), so the log keeps one line naming the client and the reason.
"""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError

SERVER_LOGGER = "aiohttp.server"


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


def quiet_protocol_errors() -> ProtocolErrorFilter:
    """Install the filter on aiohttp's server logger once; return it (``removeFilter`` undoes it)."""
    logger = logging.getLogger(SERVER_LOGGER)
    for existing in logger.filters:
        if isinstance(existing, ProtocolErrorFilter):
            return existing
    installed = ProtocolErrorFilter()
    logger.addFilter(installed)
    return installed
