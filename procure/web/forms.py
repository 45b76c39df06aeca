"""Forms shared across audiences."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange

if TYPE_CHECKING:
    # WTForms 3.3 added SelectChoice; the types-wtforms 3.2.1 stubs lack it and type a choice
    # as a (value, label) tuple, which is what SelectChoice stands for (it iterates as one).
    class SelectChoice(tuple[Any, str]):
        def __new__(cls, value: Any, label: str) -> SelectChoice: ...
else:
    from wtforms import SelectChoice  # noqa: F401  (imported from here by the forms and views)

# The largest amount any form takes, in NOK: 1 000 billion. Every money column
# (NUMERIC(16, 2) holds less than 10^14) keeps it with room for sums of several amounts, and
# 1e400, Infinity or 26 digits get this message instead of an overflow in the database.
MAX_AMOUNT = Decimal(10) ** 12
# Ids and counts in forms stay inside PostgreSQL's INTEGER.
MAX_DB_INTEGER = 2**31 - 1


class DecimalOptions(TypedDict):
    """Keyword arguments shared by several DecimalFields (`DecimalField(label, **OPTIONS)`)."""

    places: int | None
    validators: list[Any]


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
