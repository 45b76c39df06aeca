"""Forms for the supplier register and the simplified competition (issue 5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from procure import vocabulary
from procure.web.forms import DecimalOptions, SelectChoice, amount_range, strip
from procure.web.officer.forms import VersionedForm

SIZE_CHOICES = [
    SelectChoice("micro", _l("Micro (fewer than 10 employees)")),
    SelectChoice("small", _l("Small (fewer than 50 employees)")),
    SelectChoice("medium", _l("Medium (fewer than 250 employees)")),
    SelectChoice("large", _l("Large")),
    SelectChoice("unknown", _l("Unknown")),
]
CRITERION_LABELS = vocabulary.AWARD_CRITERIA
SCORE: DecimalOptions = {"places": 2, "validators": [
    Optional(), NumberRange(min=0, max=10, message=_l("A score is a number from 0 to 10."))]}


class SupplierForm(FlaskForm):
    orgnr = StringField(_l("Organisation number"), filters=[strip],
                        validators=[DataRequired(_l("Enter the organisation number.")),
                                    Length(max=30)],
                        description=_l("9 digits, as in the Brønnøysund register."))
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Enter the supplier's name.")),
                                   Length(max=300)])
    address = StringField(_l("Street address"), filters=[strip], validators=[Length(max=300)])
    postal_code = StringField(_l("Postal code"), filters=[strip],
                              validators=[DataRequired(_l("Enter the postal code.")),
                                          Length(max=10)],
                              description=_l("The kommune is found from the postal code."))
    size_class = RadioField(_l("Size class"), choices=SIZE_CHOICES, default="unknown",
                            validators=[InputRequired(_l("Choose a size class."))])


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Enter the contact's name.")),
                                   Length(max=200)])
    role = StringField(_l("Role"), filters=[strip], validators=[Length(max=100)],
                       description=_l("For example sales manager."))
    email = EmailField(_l("E-mail"), filters=[strip],
                       validators=[Optional(), Email(_l("Enter a valid e-mail address.")),
                                   Length(max=254)],
                       description=_l("Invitations and letters go to the first contact with "
                                      "an e-mail address."))
    phone = StringField(_l("Phone"), filters=[strip], validators=[Length(max=40)])


class InviteForm(VersionedForm):
    supplier_id = StringField()
    registration_id = StringField()


class SendInvitationsForm(VersionedForm):
    deadline = DateField(_l("Deadline for offers"),
                         validators=[InputRequired(_l("Give the deadline as YYYY-MM-DD."))],
                         description=_l("Offers are due at 12:00 on this day. Format: "
                                        "YYYY-MM-DD."))
    reason = TextAreaField(_l("Why go ahead despite the warnings"), filters=[strip],
                           validators=[Length(max=5000)],
                           description=_l("Needed when there is a warning above. It is "
                                          "recorded in the protocol."))


class ConfirmSendForm(SendInvitationsForm):
    """The invitations as confirmed on the confirmation page, which lists every recipient;
    a post that has not been through it is refused."""

    confirmed = HiddenField(validators=[AnyOf(["yes"], message=_l(
        "Check the invitations and their recipients on the confirmation page first."))])


class QuestionForm(VersionedForm):
    question = TextAreaField(_l("Question as received"), filters=[strip],
                             validators=[DataRequired(_l("Write the question.")),
                                         Length(max=10000)])
    asked_by = SelectField(_l("Asked by"), validators=[Optional()],
                           description=_l("Kept for the record only; the answer never says "
                                          "who asked."))


class AnswerForm(VersionedForm):
    answer = TextAreaField(_l("Answer"), filters=[strip],
                           validators=[DataRequired(_l("Write the answer.")),
                                       Length(max=10000)])


class OfferForm(VersionedForm):
    supplier = SelectField(_l("Supplier"),
                           validators=[InputRequired(_l("Choose the supplier."))])
    price = DecimalField(_l("Price (NOK excl. VAT)"), places=2, validators=[
        InputRequired(_l("Give the price in NOK excluding VAT.")),
        NumberRange(min=0.01, message=_l("The price must be more than 0 NOK.")),
        amount_range()])
    received_on = DateField(_l("Received on"),
                            validators=[InputRequired(_l("Give the date as YYYY-MM-DD."))],
                            description=_l("Format: YYYY-MM-DD."))
    score_quality = DecimalField(_l("Quality score (0–10)"), **SCORE)
    score_climate = DecimalField(_l("Climate and environment score (0–10)"), **SCORE)
    score_other = DecimalField(_l("Score for other criteria (0–10)"), **SCORE)
    rejected_reason = TextAreaField(
        _l("Reason for rejecting the offer"), filters=[strip], validators=[Length(max=5000)],
        description=_l("Only if the offer is rejected. A rejected offer is not ranked."))
    note = TextAreaField(_l("Note on the evaluation"), filters=[strip],
                         validators=[Length(max=5000)])


class AwardForm(VersionedForm):
    winner = RadioField(_l("Award the contract to"),
                        validators=[InputRequired(_l("Choose the winning offer."))])
    justification = TextAreaField(
        _l("Justification"), filters=[strip],
        validators=[DataRequired(_l("Give the justification for the award decision.")),
                    Length(max=10000)],
        description=_l("Why this offer is the best value under the award criteria. It is "
                       "sent to every supplier and recorded in the protocol."))
