from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length

from procure.services.accounts import ROLES
from procure.web.filters import ROLE_LABELS
from procure.web.forms import SelectChoice, strip


class RolesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


class UserRolesForm(FlaskForm):
    roles = RolesField(_l("Roles"), choices=role_choices)


class NewUserForm(UserRolesForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        validators=[DataRequired(_l("Enter an e-mail address.")),
                    Email(_l("Enter a valid e-mail address.")), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password.")), Length(max=1000)],
        description=_l("At least 12 characters. Long passphrases are good."),
        render_kw={"autocomplete": "new-password"},
    )
