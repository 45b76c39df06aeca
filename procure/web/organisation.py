"""The signed-in user's organisation, for the page header of the officer, controller and
admin areas (issue 19: with several organisations, each sees its own name there). The public
pages keep the site's name: they are cached for every visitor."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from procure.db import get_session
from procure.models import Organisation


def own_organisation_name() -> str:
    """The name of the signed-in user's organisation, or "" (anonymous, or none)."""
    if not current_user.is_authenticated or current_user.organisation_id is None:
        return ""
    organisation = get_session().get(Organisation, current_user.organisation_id)
    return organisation.name if organisation is not None else ""


def init_app(app: Flask) -> None:
    app.add_template_global(own_organisation_name)
