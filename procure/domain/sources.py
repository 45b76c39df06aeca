"""A public source that a rule or a criterion cites."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A cited public source: a stable id within its file, a title and a URL."""

    id: str
    title: str
    url: str
