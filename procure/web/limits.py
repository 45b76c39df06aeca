"""Rate limits (Flask-Limiter) for public forms, and the proxy settings they depend on.

Storage is in memory by default, which counts per worker process; set
PROCURE_RATELIMIT_STORAGE_URI (for example redis://host:6379) to share the counts between
workers. Behind a reverse proxy, set PROCURE_PROXY_COUNT to the number of proxies so that
limits apply to the visitor's address and not the proxy's.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def interest_limit() -> str:
    return current_app.config["INTEREST_RATE_LIMIT"]


def login_limit() -> str:
    """Sign-in attempts per client address, on top of the per-account lockout."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def init_app(app: Flask) -> None:
    proxies = app.config.get("PROXY_COUNT") or 0
    if proxies:
        # Flask's documented way to add WSGI middleware, which mypy sees as replacing a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies)
    limiter.init_app(app)
