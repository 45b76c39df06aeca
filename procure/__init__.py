"""procure: procurement support for green and innovative public purchasing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from procure.config import build_config
from procure.paths import SOURCE_ROOT, is_checkout, resource_dir


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config, database, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        instance_path=os.environ.get("PROCURE_INSTANCE_PATH") or _default_instance_path(),
    )
    test_config = dict(test_config or {})
    engine = test_config.pop("ENGINE", None)
    app.config.from_mapping(build_config(Path(app.instance_path), os.environ, test_config))

    from procure import db, outbox, reference
    from procure.cli.commands import register_cli
    from procure.eforms import set_cache_dir
    from procure.web import register_web

    db.register_hooks()  # session hooks: public versions, spend summaries, mail after commit
    db.init_app(app, engine)
    outbox.init_app(app)
    reference.init_app(app)
    set_cache_dir(app.config["EFORMS_CACHE_DIR"])
    register_web(app)
    register_cli(app)
    return app


def _default_instance_path() -> str | None:
    """`instance/` in a checkout; an installed wheel uses Flask's own default (prefix/var)."""
    return str(SOURCE_ROOT / "instance") if is_checkout() else None
