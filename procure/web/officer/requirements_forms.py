"""Forms for the tender's requirements and criteria: one requirement, the award weights, and the
buttons that move a requirement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from procure import vocabulary
from procure.domain.requirements import AWARD_GROUPS, KINDS
from procure.services.requirements import TEXT_MAX, TITLE_MAX
from procure.web.forms import SelectChoice, id_range, strip
from procure.web.officer.criteria_forms import PERCENT
from procure.web.officer.forms import VersionedForm


class RequirementForm(VersionedForm):
    """One requirement: the officer's own, or (text shown, not edited) a library criterion."""

    kind = SelectField(
        _l("Type of requirement"),
        validators=[InputRequired(_l("Choose the type of requirement."))],
        choices=[SelectChoice(kind, vocabulary.REQUIREMENT_KINDS[kind]) for kind in KINDS])
    parent_id = SelectField(_l("Sub-criterion of"), validators=[Optional()], choices=[],
                            description=_l("Only for a sub-criterion: the award criterion it is "
                                           "part of."))
    title = StringField(
        _l("Title"), filters=[strip],
        validators=[DataRequired(_l("Give the requirement a title.")), Length(max=TITLE_MAX)],
        description=_l("A short name suppliers will see, such as «Battery range in winter»."))
    text = TextAreaField(
        _l("Requirement text"), filters=[strip], validators=[Length(max=TEXT_MAX)],
        description=_l("What the supplier must meet, offer or agree to, in the words suppliers "
                       "will read."))
    documentation = TextAreaField(
        _l("Documentation asked for"), filters=[strip], validators=[Length(max=TEXT_MAX)],
        description=_l("What the supplier hands in to show it: a certificate, a data sheet, "
                       "a description."))
    weight = DecimalField(
        _l("Weight (%)"), **PERCENT,
        description=_l("Award criteria and sub-criteria only. The award criteria add up to "
                       "100 %; the sub-criteria of a criterion add up to its weight."))
    award_group = RadioField(
        _l("Counts as"), validators=[Optional()],
        choices=[SelectChoice(group, vocabulary.AWARD_GROUPS[group]) for group in AWARD_GROUPS],
        description=_l("Award criteria only: what the criterion's weight counts for, unless "
                       "it is marked as climate and environment."))
    climate_environment = BooleanField(
        _l("Counts for climate and environment (FOA § 7-9)"),
        description=_l("Mark requirements and criteria that reduce the purchase's climate "
                       "footprint or environmental burden."))


def requirement_form(parents: list[SelectChoice], *, formdata: bool = True,
                     data: dict | None = None) -> RequirementForm:
    """The form with this tender's award criteria as the possible parents."""
    form = RequirementForm() if formdata else RequirementForm(formdata=None, data=data or {})
    form.parent_id.choices = [SelectChoice("", _l("None: a criterion of its own")), *parents]
    return form


class WeightRowForm(Form):
    requirement_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), id_range()])
    weight = DecimalField(_l("Weight (%)"), **PERCENT)


class WeightsForm(VersionedForm):
    """The weights of every award criterion and sub-criterion, saved together."""

    rows = FieldList(FormField(WeightRowForm), max_entries=500)


class MoveForm(VersionedForm):
    direction = StringField(validators=[InputRequired(), AnyOf(("up", "down"))])
