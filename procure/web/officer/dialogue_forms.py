"""Forms for the LUP-style market dialogue (issue 5, item 4)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from procure.web.forms import SelectChoice, strip
from procure.web.officer.forms import VersionedForm


class AnchoringForm(VersionedForm):
    anchoring = TextAreaField(
        _l("Anchoring"), filters=[strip],
        validators=[DataRequired(_l("Describe how the purchase is anchored: who decided it, "
                                    "and with what goal.")), Length(max=10000)],
        description=_l("Who in the organisation owns the need, who decided to run a market "
                       "dialogue, and the goal it serves."))


class NeedsForm(VersionedForm):
    functions = TextAreaField(
        _l("Functions needed"), filters=[strip],
        validators=[DataRequired(_l("Describe the functions needed.")), Length(max=10000)],
        description=_l("What must be possible, not how. Do not name products, brands or "
                       "technologies."))
    outcomes = TextAreaField(
        _l("Outcomes wanted"), filters=[strip],
        validators=[DataRequired(_l("Describe the outcomes wanted.")), Length(max=10000)],
        description=_l("The effects you want to achieve, preferably measurable."))


class ParticipantForm(VersionedForm):
    orgnr = StringField(_l("Organisation number"), filters=[strip],
                        validators=[DataRequired(_l("Enter the organisation number.")),
                                    Length(max=30)])
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Enter the business's name.")),
                                   Length(max=300)])
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[DataRequired(_l("Enter a valid e-mail address.")),
                                   Length(max=254)])


SLOT_CHOICES = [SelectChoice(str(m), _l("%(minutes)s minutes", minutes=m))
                for m in (30, 45, 60, 90)]


class SlotsForm(VersionedForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date as YYYY-MM-DD."))],
                    description=_l("Format: YYYY-MM-DD."))
    starts = TimeField(_l("First meeting starts at"), validators=[InputRequired(_l(
        "Give the start time as HH:MM."))], description=_l("Norwegian time, HH:MM."))
    minutes = SelectField(_l("Length of each meeting"), choices=SLOT_CHOICES, default="60",
                          validators=[InputRequired(_l("Choose a meeting length."))])
    pause = IntegerField(_l("Break between meetings (minutes)"), default=15,
                         validators=[Optional(), NumberRange(min=0, max=120, message=_l(
                             "The break is from 0 to 120 minutes."))])


class MinutesForm(VersionedForm):
    minutes = TextAreaField(_l("Minutes"), filters=[strip],
                            validators=[DataRequired(_l("Write the minutes of the meeting.")),
                                        Length(max=20000)])


SHARE_CHOICES = [SelectChoice("qa", _l("Question and answer")),
                 SelectChoice("document", _l("Document"))]


class ShareForm(VersionedForm):
    kind = RadioField(_l("What are you sharing?"), choices=SHARE_CHOICES, default="qa",
                      validators=[InputRequired(_l("Choose what you are sharing."))])
    title = StringField(_l("Question, or the document's title"), filters=[strip],
                        validators=[DataRequired(_l("Write the question or the title.")),
                                    Length(max=300)])
    body = TextAreaField(_l("Answer, or the document's text"), filters=[strip],
                         validators=[DataRequired(_l("Write the answer or the text.")),
                                     Length(max=20000)],
                         description=_l("Never include a supplier's trade secrets."))
    link = URLField(_l("Link to the document"), filters=[strip],
                    validators=[Optional(), Length(max=500)],
                    description=_l("Optional. Starts with https://."))


TARGET_CHOICES = [
    SelectChoice("competitive-negotiation", _l("Competitive procedure with negotiation")),
    SelectChoice("innovation-partnership", _l("Innovation partnership")),
]


class ConvertForm(VersionedForm):
    target = RadioField(_l("Continue as"), choices=TARGET_CHOICES,
                        validators=[InputRequired(_l("Choose the competition to convert "
                                                     "to."))])


class FollowUpForm(VersionedForm):
    follow_up = TextAreaField(
        _l("Contract follow-up"), filters=[strip],
        validators=[DataRequired(_l("Describe how the contract is followed up.")),
                    Length(max=10000)],
        description=_l("How the outcomes from the needs description are measured during the "
                       "contract."))
