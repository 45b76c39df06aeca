"""Forms shared across audiences."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange

# The largest amount any form takes, in NOK: 1 000 billion. Every money column
# (NUMERIC(16, 2) holds less than 10^14) keeps it with room for sums of several amounts, and
# 1e400, Infinity or 26 digits get this message instead of an overflow in the database.
MAX_AMOUNT = Decimal(10) ** 12
# Ids and counts in forms stay inside PostgreSQL's INTEGER.
MAX_DB_INTEGER = 2**31 - 1


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def amount_range() -> NumberRange:
    """At most MAX_AMOUNT NOK (NumberRange also refuses NaN; the lower bound is the form's)."""
    return NumberRange(max=MAX_AMOUNT, message=_l(
        "The amount can be at most 1 000 000 000 000 NOK."))


def id_range() -> NumberRange:
    """A database id posted back by a form: a positive whole number that fits the column."""
    return NumberRange(min=1, max=MAX_DB_INTEGER, message=_l("Choose from the list."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your e-mail address.")), Email(_l("Enter a valid "
                    "e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice (the one-time password link)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password.")), Length(max=1000)],
        description=_l("At least 12 characters. Long passphrases are good."),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_l("Repeat the password.")),
                    EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
