"""Friendly error pages: a user never sees a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _database_unavailable(error: OperationalError):
    """The database is down or unreachable: say so, and ask the client to come back."""
    from flask import current_app

    current_app.logger.error("Database unavailable: %s", error.orig)
    return render_template("errors/503.html"), 503, {"Retry-After": "30"}


def _csrf_error(error: CSRFError):
    return render_template("errors/csrf.html"), 400


def _http_error(error: HTTPException):
    code = error.code or 500
    template = f"errors/{code}.html" if code in (403, 404, 413, 429) else "errors/generic.html"
    return render_template(template, error=error), code


def _unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error")
    return render_template("errors/500.html"), 500
