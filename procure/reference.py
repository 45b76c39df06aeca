"""Reference data loaded and validated once at start-up: the app refuses to start on errors.

The loaded objects are immutable, so app instances in one process share them; a change to
any file (its size or modification time) loads afresh.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask

from procure.config import ConfigError
from procure.domain.cpv import DEFAULT_CPV_PATH, CpvList, load_cpv
from procure.domain.criteria import CriteriaError, Library, load_library
from procure.domain.rules import RuleBook, RuleError, load_rulebook


def _signature(path: Path) -> tuple:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file())


@cache
def _rulebook(path: Path, _signature: tuple) -> RuleBook:
    return load_rulebook(path)


@cache
def _library(path: Path, _signature: tuple) -> Library:
    return load_library(path)


@cache
def _cpv(path: Path, _signature: tuple) -> CpvList:
    return load_cpv(path)


def init_app(app: Flask) -> None:
    rules_dir = Path(app.config["RULES_DIR"]).resolve()
    criteria_dir = Path(app.config["CRITERIA_DIR"]).resolve()
    try:
        app.extensions["procure.rulebook"] = _rulebook(rules_dir, _signature(rules_dir))
    except RuleError as error:
        raise ConfigError("Invalid procurement rules:\n" + "\n".join(error.messages)) from None
    try:
        app.extensions["procure.criteria"] = _library(criteria_dir, _signature(criteria_dir))
    except CriteriaError as error:
        raise ConfigError("Invalid criteria files:\n" + "\n".join(error.errors)) from None
    app.extensions["procure.cpv"] = _cpv(DEFAULT_CPV_PATH, _signature(DEFAULT_CPV_PATH))
