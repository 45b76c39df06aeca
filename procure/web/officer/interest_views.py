"""Registrations of interest on the tracks' pages (issue 19, finding 1).

The simplified competition, the market dialogue and the innovation partnership each list the
businesses that registered interest. Each is shown with its standing in the supplier register
(services/supplier_identity.py): confirmed when its address is the business's contact there,
otherwise plainly unconfirmed, with the reason and a form to confirm it. The confirm step is
the same on the three tracks: `confirm_step` declares it for a track's page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from procure.db import get_session
from procure.errors import UserError
from procure.models import InterestRegistration, Supplier, Tender
from procure.services import supplier_identity
from procure.web.forms import strip
from procure.web.officer.forms import VersionedForm
from procure.web.officer.steps import Done, Refusal, Step, StepCall, Track

NOTE_REQUIRED = _l("Write how you verified that the address belongs to the supplier.")


class ConfirmContactForm(VersionedForm):
    note = TextAreaField(
        _l("How did you verify that the address belongs to the supplier?"), filters=[strip],
        validators=[DataRequired(NOTE_REQUIRED), Length(max=1000)],
        description=_l("For example: called the supplier's switchboard and spoke to Kari "
                       "Hansen, who confirmed the address. The note goes into the tender's "
                       "history."))


def context(tender: Tender, registrations: Sequence[InterestRegistration],
            forms: Mapping[str, Any]) -> dict[str, Any]:
    """What a page listing registrations of interest needs for them."""
    return {"standings": supplier_identity.standings(get_session(), tender, registrations),
            "confirm_form": ConfirmContactForm(formdata=None),
            "confirm_draft": forms.get("confirm_draft")}


def confirm_step(page: str, track: Callable[[], Track], error: type[UserError],
                 anchor: str) -> Step:
    """The step that confirms a registration's address as the supplier's contact, on `page`
    of the track (given late: the track is declared with its steps). `error` is the track's
    own, so the runner shows a refusal on the page."""

    def save(call: StepCall) -> Done:
        contact = supplier_identity.confirm_contact(
            call.session, call.tender, call.item, call.form.note.data or "",
            actor_id=call.actor_id, error=error)
        supplier = call.session.get(Supplier, contact.supplier_id)
        return Done(_("%(email)s is now a contact of %(name)s in the supplier register.",
                      email=contact.email, name=supplier.name if supplier else ""),
                    f"#interest-{call.item.id}")

    def refused(refusal: Refusal):
        """Shown again under its registration, with what was typed and why."""
        form = refusal.form
        message = refusal.message or " ".join(str(e) for e in form.note.errors) or _(
            "The form has expired. Try again.")
        return track().render(page, refusal.tender, refusal.status, {"confirm_draft": {
            "id": refusal.item.id, "text": form.note.data or "", "error": message}})

    return Step("confirm-contact", page, ConfirmContactForm, save, anchor=anchor,
                item=supplier_identity.interested_registration, refused=refused)
