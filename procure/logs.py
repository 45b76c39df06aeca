"""Structured logs: one JSON object a line on stderr, each with the request's id.

Every request gets an id (a sane incoming `X-Request-ID` from the proxy, else a new one),
returned in the `X-Request-ID` response header and put on every log line written while the
request runs, so that a user's report can be matched with the log. One access line per
request names the route pattern (`/interest/confirm/<token>`), never the path or the query
string, so tokens and search words stay out; the user is named by id only. E-mail addresses
are masked in every message and traceback as a second line of defence, and the engine hides
SQL parameters (`procure.db.make_engine`), so values typed into forms do not reach the log.

Servers' own request lines (the development server's `werkzeug` log, gunicorn's access log if
one is switched on) name the path: there, path segments that look like tokens (20 or more
URL-safe characters, as in e-mail links) become `<token>` and the query string `<query>`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

LOGGER = "procure"
REQUEST_ID_HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
EMAIL = re.compile(r"[^\s@\"'<>(),;:]+@[^\s@\"'<>(),;:]+\.[A-Za-z]{2,}")
EMAIL_MASK = "<e-mail>"


TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-%]{20,}(?=[/?#\s\"]|$)")
QUERY = re.compile(r"\?[^\s\"]*")
SERVER_LOGGERS = ("werkzeug", "gunicorn.access")


def mask(text: str) -> str:
    """The text with e-mail addresses replaced by a mask."""
    return EMAIL.sub(EMAIL_MASK, text) if "@" in text else text


def redact_request_line(text: str) -> str:
    """A server's request log line without link tokens, query strings or e-mail addresses."""
    return mask(TOKEN.sub("<token>", QUERY.sub("?<query>", text)))


class RequestLineFilter(logging.Filter):
    """Cleans the request lines that the servers themselves log (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_request_line(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class RequestContextFilter(logging.Filter):
    """Adds request_id (and the route) to records written during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extra fields."""

    FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (gunicorn and pytest both replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(level: str | int = "INFO") -> logging.Handler:
    """Send the `procure` logger (the Flask app's) to stderr as JSON lines; idempotent."""
    logger = logging.getLogger(LOGGER)
    handler = next((h for h in logger.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestContextFilter())
        logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    configure(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        if not any(isinstance(f, RequestLineFilter) for f in server_logger.filters):
            server_logger.addFilter(RequestLineFilter())
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:  # a request that failed before _start ran
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    user_id = getattr(g.get("_login_user"), "id", None)  # only if this request loaded it
    logging.getLogger(f"{LOGGER}.access").info(
        "%s %s %s", request.method, _route(), response.status_code,
        extra={"method": request.method, "route": _route(), "status": response.status_code,
               "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
               "user_id": user_id})
    return response


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "<unmatched>"
