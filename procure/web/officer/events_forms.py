"""Forms for a tender's public page: contact, value confidentiality, dialogue conferences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from procure.web.forms import strip
from procure.web.officer.forms import VersionedForm


class PublicPageForm(VersionedForm):
    contact_name = StringField(
        _l("Contact person"), filters=[strip], validators=[Optional(), Length(max=200)],
        description=_l("Shown on the public page. Leave empty to show the municipality only."))
    contact_email = EmailField(
        _l("Contact e-mail"), filters=[strip],
        validators=[Optional(), Email(_l("Enter a valid e-mail address.")), Length(max=254)],
        description=_l("A shared mailbox is better than a personal one."))
    value_confidential = BooleanField(
        _l("Keep the estimated value confidential"),
        description=_l("The public then sees only the value band, never the amount."))


class DialogueEventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(_l("Give the dialogue conference a title.")),
                                    Length(max=200)])
    description = TextAreaField(
        _l("What the conference is about"), filters=[strip],
        validators=[Length(max=5000)],
        description=_l("Shown publicly. The same information goes to every supplier."))
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date as YYYY-MM-DD."))],
                    description=_l("Format: YYYY-MM-DD."))
    starts = TimeField(_l("Starts at"), validators=[InputRequired(_l(
        "Give the start time as HH:MM."))], description=_l("Norwegian time, HH:MM."))
    ends = TimeField(_l("Ends at"), validators=[InputRequired(_l(
        "Give the end time as HH:MM."))], description=_l("Norwegian time, HH:MM."))
    place = StringField(_l("Place"), filters=[strip], validators=[Length(max=300)],
                        description=_l("Address and room, if it is held in person."))
    link = URLField(_l("Link to the online meeting"), filters=[strip],
                    validators=[Length(max=500)],
                    description=_l("Starts with https://. Shown publicly."))
    registration_deadline = DateField(
        _l("Registration deadline"), validators=[Optional()],
        description=_l("Optional. Format: YYYY-MM-DD. Registration closes at the end of "
                       "this day."))
