"""Logs: the `govern` logger, a request id on every request, and one line per request.

Every record logged while a request runs carries its request id (an error's traceback too),
and the id goes back to the client in the X-Request-ID header, so a user's report of a
failure can be found in the logs of whichever host served it. An id sent by the proxy in
X-Request-ID (nginx: `proxy_set_header X-Request-ID $request_id`) is kept when it is a
plain token, so the proxy's log and govern's share it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request

#: The loggers whose records get the request id: the app's, and anything below it.
LOGGER = "govern"
REQUEST_LOGGER = "govern.requests"
HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (tests capture it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class RequestIdFilter(logging.Filter):
    """Put the running request's id (or "-") on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and a request
    line's fields; a traceback in "exception"."""

    FIELDS = ("method", "path", "route", "status", "duration_ms", "user_id", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = time.gmtime
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def configure_logging(app: Flask) -> None:
    """Give the `govern` logger one handler to stderr, in the configured format (LOG_FORMAT:
    "text" or "json"), at LOG_LEVEL. Done before Flask makes app.logger, so Flask adds no
    handler of its own; the same logger serves every app of a process."""
    logger = logging.getLogger(LOGGER)
    handler = next((h for h in logger.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.addFilter(RequestIdFilter())
        logger.addHandler(handler)
    json_logs = str(app.config.get("LOG_FORMAT") or "text").lower() == "json"
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter(TEXT_FORMAT))
    logger.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    logger.propagate = False


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def start_request() -> None:
    """before_request (the very first): the request's id and start time."""
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    """The logged-in account's id, if this request loaded one (never loads it now: this runs
    after errors too; and never the session's token)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


def finish_request(response: Response) -> Response:
    """after_request (the last): the id in the response and the request's log line."""
    request_id = g.get("request_id")
    if request_id is None:  # a before_request ahead of ours answered
        return response
    response.headers[HEADER] = request_id
    duration = time.perf_counter() - g.request_started
    g.request_duration = duration
    fields = {
        "method": request.method,
        "path": request.path,
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 1),
        "user_id": _user_id(),
        "remote_addr": request.remote_addr,
    }
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s %.1f ms user=%s",
        fields["method"],
        fields["path"],
        fields["status"],
        fields["duration_ms"],
        fields["user_id"] if fields["user_id"] is not None else "-",
        extra=fields,
    )
    return response


def init_request_logs(app: Flask) -> None:
    """The request id before every other before_request; the line after every after_request
    (Flask runs after_request functions last registered first, so this goes in front)."""
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request_funcs.setdefault(None, []).insert(0, finish_request)
