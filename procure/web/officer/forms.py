from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import HiddenInput

from procure import vocabulary
from procure.web.forms import MAX_DB_INTEGER, DecimalOptions, SelectChoice, amount_range, strip
from procure.web.officer.cpv import resolve_cpv

CONTRACT_TYPES = [SelectChoice(code, name) for code, name in vocabulary.CONTRACT_TYPES.items()]
BUYER_TYPES = [SelectChoice(code, name) for code, name in vocabulary.BUYER_TYPES.items()]
INNOVATION = [SelectChoice(code, name) for code, name in vocabulary.INNOVATION_ANSWERS.items()]
MARKET = [SelectChoice(code, name) for code, name in vocabulary.MARKET_ANSWERS.items()]
YES_NO = [SelectChoice(code, name) for code, name in vocabulary.YES_NO.items()]

MONEY: DecimalOptions = {"places": 2, "validators": [Optional(), NumberRange(min=0, message=_l(
    "The amount cannot be negative.")), amount_range()]}


class VersionedForm(FlaskForm):
    """Carries the tender version the form was opened on, for the conflict check.

    The version is required (issue 19, finding 9): a post without it, or with one that is not
    a whole number, is a bad request (400) and saves nothing. It is never taken as "no check",
    which would let a stale page overwrite a newer edit."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(
        min=0, max=MAX_DB_INTEGER)])

    def validate_on_submit(self, extra_validators=None) -> bool:
        if self.is_submitted() and not has_version(self):
            abort(400)
        return super().validate_on_submit(extra_validators)

    def rebase(self, version: int) -> None:
        """Keep what the user typed, but base the next save on the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


def has_version(form: VersionedForm) -> bool:
    """Whether the post names the version it was based on, as a whole number."""
    raw = (form.version.raw_data or [""])[0]
    return isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit()


class NewTenderForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(_l("Give the tender a title.")), Length(max=300)],
        description=_l("What is being bought, in a few words."),
    )
    description = TextAreaField(
        _l("Need and background"), validators=[Length(max=20000)],
        description=_l("Why the municipality needs this, and what it should achieve."),
    )


class NewDraftForm(NewTenderForm):
    """The first step of a new tender: there is no version yet to check against."""

    description = TextAreaField(
        _l("Need and background"), filters=[strip],
        validators=[DataRequired(_l("Describe the need.")), Length(max=20000)],
        description=_l("Describe the need and the outcome you want, not a particular product."),
    )
    cpv_code = StringField(
        _l("CPV code"), filters=[strip], validators=[Optional(), Length(max=200)],
        description=_l("For example 90911200-8 (building-cleaning services). Optional here."),
    )
    cpv_pick = StringField()  # a suggestion chosen without JavaScript (components/cpv.html)

    def validate_cpv_code(self, field: StringField) -> None:
        """CPV codes are checked by lookup: the official check digits cannot be recomputed.
        Words give matching codes to choose from (procure/web/officer/cpv.py)."""
        resolve_cpv(field, self.cpv_pick)


class NeedForm(NewDraftForm, VersionedForm):
    """The need step of an existing tender."""


class LotForm(Form):
    name = StringField(_l("Name of the lot"), filters=[strip], validators=[Length(max=200)])
    one_off = DecimalField(_l("One-off amount (NOK excl. VAT)"), **MONEY)
    monthly = DecimalField(_l("Amount per month (NOK excl. VAT)"), **MONEY)
    months = IntegerField(_l("Fixed term in months"), validators=[
        Optional(), NumberRange(min=0, max=600, message=_l("Give 0 to 600 months."))])
    indefinite = BooleanField(_l("Indefinite duration (counted as 48 months)"))
    extension_months = IntegerField(_l("Possible extensions in months"), validators=[
        Optional(), NumberRange(min=0, max=600, message=_l("Give 0 to 600 months."))])
    options = DecimalField(_l("Options (NOK excl. VAT)"), **MONEY)
    framework = BooleanField(_l("This is a framework agreement"))
    framework_max = DecimalField(_l("Maximum value of the framework agreement"), **MONEY)


class ValueForm(VersionedForm):
    lots = FieldList(FormField(LotForm), min_entries=1, max_entries=10)
    add_lot = SubmitField(_l("Add a lot"))
    save = SubmitField(_l("Save and continue"))


class ContractForm(VersionedForm):
    contract_type = RadioField(_l("Contract type"), choices=CONTRACT_TYPES,
                               validators=[InputRequired(_l("Choose the contract type."))])
    buyer_type = RadioField(_l("Type of buyer"), choices=BUYER_TYPES, default="municipality",
                            validators=[InputRequired(_l("Choose the type of buyer."))])
    planned_notice_date = DateField(
        _l("Planned date of the notice or invitation"),
        validators=[InputRequired(_l("Give the planned date as YYYY-MM-DD."))],
        description=_l("The rules in force on this date apply. Format: YYYY-MM-DD."),
    )
    tender_deadline = DateField(_l("Planned tender deadline"), validators=[Optional()],
                                description=_l("Optional. Format: YYYY-MM-DD."))


class InnovationForm(VersionedForm):
    innovation = RadioField(_l("Does the need call for something new?"), choices=INNOVATION,
                            validators=[InputRequired(_l("Choose one of the answers."))])
    market = RadioField(_l("Do you know the market?"), choices=MARKET,
                        validators=[InputRequired(_l("Choose one of the answers."))])
    needs_rnd = RadioField(_l("Is research and development needed to meet the need?"),
                           choices=YES_NO,
                           validators=[InputRequired(_l("Choose one of the answers."))])


class TrackForm(VersionedForm):
    track = RadioField(_l("Track"), validators=[InputRequired(_l("Choose a track."))])
    reason = TextAreaField(
        _l("Reason for deviating from the recommendation"), filters=[strip],
        validators=[Length(max=5000)],
        description=_l("Needed only when you choose another track than the recommended one. "
                       "It is recorded in the protocol."),
    )
