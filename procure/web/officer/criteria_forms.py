"""Forms for the criteria catalogue, applying criteria to a tender and the § 7-9 duty."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from procure.domain.criteria import LEVELS, TYPES
from procure.domain.rules import CLIMATE_EXEMPTIONS
from procure.web.forms import DecimalOptions, SelectChoice, strip
from procure.web.officer.criteria_labels import EXEMPTION_LABELS, LEVEL_LABELS, TYPE_LABELS
from procure.web.officer.forms import VersionedForm

PERCENT: DecimalOptions = {"places": None, "validators": [
    Optional(), NumberRange(min=0, max=100, message=_l("Give a weight from 0 to 100 %%."))]}


class CatalogueFilterForm(FlaskForm):
    """The catalogue's filters, read from the query string (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the text"), filters=[strip], validators=[Length(max=200)])
    category = SelectField(_l("Category"), validators=[Optional()])
    cpv = StringField(_l("CPV code"), filters=[strip], validators=[Length(max=200)],
                      description=_l("A code such as 90911200-8, or words to look one up."))
    level = SelectField(_l("Ambition level"), validators=[Optional()], choices=[
        SelectChoice("", _l("All levels")),
        *(SelectChoice(level, LEVEL_LABELS[level]) for level in LEVELS)])
    type = SelectField(_l("Type"), validators=[Optional()], choices=[
        SelectChoice("", _l("All types")),
        *(SelectChoice(kind, TYPE_LABELS[kind]) for kind in TYPES)])


class AmbitionForm(VersionedForm):
    level = RadioField(_l("Ambition level for the whole tender"), validators=[
        InputRequired(_l("Choose the ambition level."))],
        choices=[SelectChoice(level, LEVEL_LABELS[level]) for level in LEVELS])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SelectionForm(FlaskForm):
    category = HiddenField()
    # The category the officer confirmed although it is not made for the tender's CPV code.
    confirm_fit = HiddenField(validators=[Length(max=60)])
    criteria = MultiCheckboxField(_l("Criteria"), validate_choice=True)


class PinActionsForm(FlaskForm):
    """Only the CSRF token: the buttons beside a pinned criterion name what they do."""


class ClimateDutyForm(VersionedForm):
    spec_justification = TextAreaField(
        _l("Justification for the requirements in the specification"), filters=[strip],
        validators=[Length(max=10000)],
        description=_l("Needed when the duty is met by climate and environment requirements in "
                       "the specification. It goes into the procurement documents."))
    exemption = RadioField(
        _l("Exemption from the duty"), validators=[Optional()],
        choices=[SelectChoice("", _l("No exemption")),
                 *(SelectChoice(e, EXEMPTION_LABELS[e]) for e in CLIMATE_EXEMPTIONS)])
    exemption_justification = TextAreaField(
        _l("Written justification for the exemption"), filters=[strip],
        validators=[Length(max=10000)],
        description=_l("It must be in the procurement documents when the notice is published."))
