"""Everything HTTP: extensions, blueprints per audience, errors, headers, template helpers."""

from __future__ import annotations

from flask import Flask

from procure import logs
from procure.web import auth, clean_input, errors, filters, i18n, limits, organisation, security
from procure.web.admin import bp as admin_bp
from procure.web.controller import bp as controller_bp
from procure.web.officer import bp as officer_bp
from procure.web.public import bp as public_bp
from procure.web.public import labels as public_labels


def register_web(app: Flask) -> None:
    logs.init_app(app)
    clean_input.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    filters.init_app(app)
    organisation.init_app(app)
    public_labels.init_app(app)
    errors.init_app(app)
    for blueprint in (public_bp, auth.bp, officer_bp, controller_bp, admin_bp):
        app.register_blueprint(blueprint)
