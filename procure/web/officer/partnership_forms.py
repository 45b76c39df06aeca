"""Forms for the innovation partnership (issue 5, item 5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from procure import vocabulary
from procure.web.forms import DecimalOptions, SelectChoice, amount_range, strip
from procure.web.officer.criteria_forms import MultiCheckboxField
from procure.web.officer.forms import VersionedForm

MONEY: DecimalOptions = {"places": 2, "validators": [
    InputRequired(_l("Give the amount in NOK excluding VAT.")),
    NumberRange(min=0.01, message=_l("The amount must be more than 0 NOK.")),
    amount_range()]}

OWNERSHIP_CHOICES = [SelectChoice(code, name) for code, name in vocabulary.IPR_OWNERSHIP.items()]
LICENCE_CHOICES = [SelectChoice(code, name) for code, name in vocabulary.IPR_LICENCES.items()]
CANDIDATE_DECISION_CHOICES = [SelectChoice(code, name)
                              for code, name in vocabulary.CANDIDATE_DECISIONS.items()]
PHASE_DECISION_CHOICES = [SelectChoice(code, name)
                          for code, name in vocabulary.PHASE_DECISIONS.items()]
YES_NO = [SelectChoice(code, name) for code, name in vocabulary.YES_NO.items()]


class RequirementsForm(VersionedForm):
    rnd = TextAreaField(
        _l("Requirements on research and development"), filters=[strip],
        validators=[DataRequired(_l("Describe the requirements on research and development.")),
                    Length(max=10000)],
        description=_l("For example research staff, earlier development projects, test "
                       "facilities."))
    implementation = TextAreaField(
        _l("Requirements on implementing innovative solutions"), filters=[strip],
        validators=[DataRequired(_l("Describe the requirements on implementing the "
                                    "solution.")), Length(max=10000)],
        description=_l("For example delivery capacity, quality systems, references from "
                       "putting new solutions into use."))


class IprForm(VersionedForm):
    ownership = RadioField(_l("Who owns the results"), choices=OWNERSHIP_CHOICES,
                           validators=[InputRequired(_l("Choose who owns the results."))])
    licence = RadioField(_l("The municipality's rights when it does not own them"),
                         choices=LICENCE_CHOICES, validators=[Optional()])
    terms = TextAreaField(_l("Further IPR terms"), filters=[strip],
                          validators=[Length(max=10000)],
                          description=_l("For example background rights, source code, "
                                         "publication, royalties on sales to others."))


class OptionForm(VersionedForm):
    targets = TextAreaField(
        _l("Performance targets"), filters=[strip],
        validators=[DataRequired(_l("Describe the performance targets the solution must "
                                    "meet before it is bought.")), Length(max=10000)],
        description=_l("The purchase option may only be used when these targets and the "
                       "maximum cost are met."))
    max_cost = DecimalField(_l("Maximum cost of the purchase (NOK excl. VAT)"), **MONEY)


class PhaseForm(VersionedForm):
    # Named apart from the purchase option's fields: both forms are on the same page.
    phase_name = StringField(_l("Phase"), filters=[strip],
                             validators=[DataRequired(_l("Name the phase.")), Length(max=200)],
                             description=_l("For example concept, prototype or pilot."))
    interim_targets = TextAreaField(_l("Interim targets"), filters=[strip],
                                    validators=[DataRequired(_l("Describe the interim targets "
                                                                "of the phase.")),
                                                Length(max=10000)])
    phase_cost = DecimalField(_l("Maximum cost (NOK excl. VAT)"), **MONEY)


class OpenForm(VersionedForm):
    deadline = DateField(_l("Deadline for requests to participate"),
                         validators=[InputRequired(_l("Give the deadline as YYYY-MM-DD."))],
                         description=_l("At least the minimum time for requests to "
                                        "participate, shown above. Format: YYYY-MM-DD."))


class CandidateForm(VersionedForm):
    supplier_id = StringField()
    participant_id = StringField()
    registration_id = StringField()


class DecisionForm(VersionedForm):
    decision = RadioField(_l("Decision"), choices=CANDIDATE_DECISION_CHOICES,
                          validators=[InputRequired(_l("Choose whether the candidate is "
                                                       "qualified."))])
    reason = TextAreaField(_l("Justification"), filters=[strip],
                           validators=[DataRequired(_l("Give the reason for the decision.")),
                                       Length(max=5000)])


class NegotiationForm(VersionedForm):
    candidates = MultiCheckboxField(_l("Invite to negotiate"), coerce=int)
    cap = IntegerField(_l("Cap on the number of candidates"),
                       validators=[Optional(), NumberRange(min=1, max=100, message=_l(
                           "The cap is a whole number."))],
                       description=_l("Leave empty to invite every qualified candidate. A cap "
                                      "must be at least the minimum shown above."))
    reason = TextAreaField(_l("Reason for inviting fewer than the minimum"), filters=[strip],
                           validators=[Length(max=5000)],
                           description=_l("Needed when fewer than the minimum are invited; "
                                          "recorded in the protocol as a deviation."))


class RoundForm(VersionedForm):
    held_on = DateField(_l("Held on"),
                        validators=[InputRequired(_l("Give the date as YYYY-MM-DD."))],
                        description=_l("Format: YYYY-MM-DD."))
    topics = TextAreaField(_l("What was negotiated"), filters=[strip],
                           validators=[DataRequired(_l("Write what was negotiated in the "
                                                       "round.")), Length(max=10000)])
    outcome = TextAreaField(_l("Outcome"), filters=[strip], validators=[Length(max=10000)])


class PartnersForm(VersionedForm):
    partners = MultiCheckboxField(_l("Partners"), coerce=int)
    reason = TextAreaField(
        _l("Justification"), filters=[strip],
        validators=[DataRequired(_l("Give the reason for the choice.")), Length(max=10000)],
        description=_l("Award is on the best ratio between price or cost and quality."))


class PhaseDecisionForm(VersionedForm):
    decision = RadioField(_l("Decision"), choices=PHASE_DECISION_CHOICES,
                          validators=[InputRequired(_l("Choose the decision."))])
    targets_met = RadioField(_l("Were the interim targets met?"), choices=YES_NO,
                             validators=[InputRequired(_l("Say whether the targets were "
                                                          "met."))])
    leaving = MultiCheckboxField(_l("Partners that leave (when reducing)"), coerce=int)
    reason = TextAreaField(_l("Justification"), filters=[strip],
                           validators=[DataRequired(_l("Give the justification for the "
                                                       "decision.")), Length(max=10000)])
