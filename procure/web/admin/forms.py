from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
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


def _listed(form: FlaskForm, field: SelectField) -> None:
    """One of the choices the view set (they depend on the organisations there are)."""
    if field.data not in [str(value) for value, *_rest in field.iter_choices()]:
        raise ValidationError(_l("Choose from the list."))


def organisation_field() -> SelectField:
    return SelectField(
        _l("Organisation"), validate_choice=False, validators=[_listed],
        description=_l("Officers and controllers see this organisation's tenders, supplier "
                       "contacts, imports and statistics, and no other's."))


class UserOrganisationForm(FlaskForm):
    organisation = organisation_field()


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Enter the organisation's name.")),
                                   Length(max=200)])
    orgnr = StringField(_l("Organisation number"), filters=[strip],
                        validators=[DataRequired(_l("Enter the organisation number.")),
                                    Length(max=20)],
                        description=_l("9 digits, for example 923 456 783."))
    kommunenummer = StringField(
        _l("Kommune number"), filters=[strip],
        validators=[DataRequired(_l("Enter the kommune number.")), Length(max=10)],
        description=_l("4 digits (the 2024 numbering), for example 3205 for Lillestrøm: the "
                       "home kommune in the organisation's statistics."))


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
    organisation = organisation_field()
