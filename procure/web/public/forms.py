"""Public forms: registering interest, and asking for one's data to be deleted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from procure.domain.orgnr import is_valid, normalise
from procure.web.forms import SelectChoice, strip


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def valid_orgnr(_form, field) -> None:
    field.data = normalise(field.data or "")
    if not is_valid(field.data):
        raise ValidationError(_l("Enter a valid organisation number: 9 digits, as in the "
                                 "Brønnøysund register."))


class InterestForm(FlaskForm):
    orgnr = StringField(
        _l("Organisation number"), filters=[strip],
        validators=[DataRequired(_l("Enter the organisation number.")), Length(max=20),
                    valid_orgnr],
        description=_l("9 digits, for example 923 456 783."),
        render_kw={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"},
    )
    business_name = StringField(
        _l("Name of the business"), filters=[strip], validators=[Optional(), Length(max=300)],
        description=_l("We fill it in from our supplier register when we know the "
                       "organisation number."),
        render_kw={"autocomplete": "organization"},
    )
    email = EmailField(
        _l("Contact e-mail"), filters=[strip],
        validators=[DataRequired(_l("Enter an e-mail address.")),
                    Email(_l("Enter a valid e-mail address.")), Length(max=254)],
        description=_l("We send a link to confirm it. Alerts and invitations go here."),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    divisions = CheckboxesField(_l("Categories you deliver in (CPV divisions)"), choices=[],
                                validate_choice=False)
    alerts = BooleanField(_l("E-mail me about new and changed purchases in these categories "
                             "and in what I register for"), default=True)
    consent = BooleanField(
        _l("I have read the privacy notice and agree that the municipality keeps these "
           "details to tell me about purchases"),
        validators=[DataRequired(_l("You must agree to the privacy notice to register."))],
    )
    purchase = HiddenField()
    event = HiddenField()
    started = HiddenField()
    # Honeypot: hidden from people (CSS), tempting to bots. Anything in it drops the request.
    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField(_l("Register interest"))

    def set_divisions(self, entries) -> None:
        self.divisions.choices = [SelectChoice(entry.division, f"{entry.division} – {label}")
                                  for entry, label in entries]

    def validate_divisions(self, field) -> None:
        allowed = {choice.value for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choose categories from the list."))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm"))


class UnsubscribeForm(FlaskForm):
    stop = SubmitField(_l("Stop all alerts"))
    erase = SubmitField(_l("Delete all my data"))


class EraseRequestForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), filters=[strip],
        validators=[DataRequired(_l("Enter an e-mail address.")),
                    Email(_l("Enter a valid e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Send me a deletion link"))


class EraseForm(FlaskForm):
    submit = SubmitField(_l("Delete all my data"))
