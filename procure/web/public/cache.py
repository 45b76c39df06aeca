"""A small in-process cache for rendered public pages and feeds.

Entries are keyed on the public data version (the latest public change and the highest
tender id, both read from indexes in one tiny query), so any change a visitor could see
makes a new key at once; the old entries simply age out. A time limit (PUBLIC_CACHE_SECONDS)
bounds what the version cannot see: a renamed organisation, a deleted tender, the clock.
Only content that is the same for every visitor in one language is cached: never a form
with a CSRF token, never anything from the session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


class RenderCache:
    def __init__(self, max_entries: int = 512, max_age: float = 60.0) -> None:
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: tuple, render: Callable[[], T]) -> T:
        if self.max_age <= 0:
            return render()
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.max_age:
                self._entries.move_to_end(key)
                # The entry was stored by this method for the same key, so it is a T; the
                # dict cannot say so because one cache holds the values of many renderers.
                return found[1]  # type: ignore[return-value]
        value = render()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> RenderCache:
    app = current_app
    found = app.extensions.get("procure.public_cache")
    if found is None:
        found = app.extensions.setdefault("procure.public_cache", RenderCache(
            max_age=float(app.config.get("PUBLIC_CACHE_SECONDS", 60))))
    return found


# A per-process placeholder for the CSRF token in cached pages (never guessable from outside).
CSRF_PLACEHOLDER = "csrf-" + __import__("secrets").token_hex(16)


def anonymous_page(key: tuple, render: Callable[..., str]) -> str:
    """A whole public page for a visitor who is not signed in and has no messages waiting:
    rendered once per data version with a placeholder for the CSRF token of the language
    form, then given this visitor's own token. Anyone else gets a fresh rendering."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    # Flask-Login keeps the signed-in user's id in the session; without it the visitor is
    # anonymous (cheaper to ask than loading current_user on every cached hit).
    if "_user_id" in session or session.get("_flashes"):
        return render()
    html = cache().get_or_render(("page", *key),
                                 lambda: render(csrf_token=lambda: CSRF_PLACEHOLDER))
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())
