from __future__ import annotations

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
    SelectChoice,
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

from procure.web.forms import MAX_DB_INTEGER, amount_range, strip
from procure.web.officer.cpv import resolve_cpv

CONTRACT_TYPES = [
    SelectChoice("goods", _l("Goods")),
    SelectChoice("services", _l("Services")),
    SelectChoice("works", _l("Building and construction works")),
    SelectChoice("health-social", _l("Health and social services")),
    SelectChoice("special-services", _l("Other special services")),
]
BUYER_TYPES = [SelectChoice("municipality", _l("Municipality or county")),
               SelectChoice("state", _l("State authority"))]
INNOVATION = [
    SelectChoice("none", _l("No: known solutions cover the need")),
    SelectChoice("adapt", _l("Partly: existing solutions must be adapted")),
    SelectChoice("new", _l("Yes: the need calls for a solution that does not exist yet")),
]
MARKET = [SelectChoice("known", _l("Yes, we know the suppliers and solutions")),
          SelectChoice("unknown", _l("No, we need to learn what the market can offer"))]
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]

MONEY = {"places": 2, "validators": [Optional(), NumberRange(min=0, message=_l(
    "The amount cannot be negative.")), amount_range()]}


class VersionedForm(FlaskForm):
    """Carries the tender version the form was opened on, for the conflict check."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(
        min=0, max=MAX_DB_INTEGER)])

    def rebase(self, version: int) -> None:
        """Keep what the user typed, but base the next save on the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


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


class NeedForm(NewTenderForm, VersionedForm):
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
