"""Pages for everyone, no login: what the municipality plans to buy and how to sell to it."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from procure.web.public import documents, views  # noqa: E402,F401
