"""Forms for publishing as planned and for amendments after publication."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from procure.web.forms import strip
from procure.web.officer.forms import VersionedForm


class PublishConfirmForm(VersionedForm):
    """The confirmation: the version of the tender the officer saw on the confirmation page
    (a tender changed since is shown again, not published)."""


class AmendmentForm(VersionedForm):
    note = TextAreaField(
        _l("What is changed, and why"), filters=[strip],
        validators=[DataRequired(_l("Describe the change for the suppliers.")),
                    Length(max=5000)],
        description=_l("Sent to every invited and interested business, and shown on the "
                       "public page with the amendment's number."))
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(_l("Give the tender a title.")),
                                    Length(max=300)])
    description = TextAreaField(
        _l("Need and background"), filters=[strip],
        validators=[DataRequired(_l("Describe the need.")), Length(max=20000)])
    tender_deadline = DateField(
        _l("Deadline for offers"), validators=[Optional()],
        description=_l("Offers are due at 12:00 on this day. Format: YYYY-MM-DD. A moved "
                       "deadline is shown with the old and the new date."))
    document_changed = BooleanField(_l("The tender document has changed"))
