"""Registering interest, confirming it by e-mail, unsubscribing and erasing one's data.

Spam guard without a third-party CAPTCHA: a honeypot field, a signed form-start time (a
form sent faster than a person can fill it is refused), per-address limits in the service
and per-client rate limits here. Answers never reveal whether an address is registered.
"""

from __future__ import annotations

from typing import cast

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from procure import clock
from procure.db import get_session
from procure.mail import queue
from procure.outbox import KEEP_SENT_DAYS
from procure.services import interest as interest_service
from procure.services import public as public_service
from procure.services.tenders import default_organisation
from procure.web import params
from procure.web.limits import interest_limit, limiter
from procure.web.public import bp
from procure.web.public.emails import confirmation, erasure
from procure.web.public.forms import (
    ConfirmForm,
    EraseForm,
    EraseRequestForm,
    InterestForm,
    UnsubscribeForm,
)
from procure.web.public.labels import divisions, lang
from procure.web.security import csrf

FORM_MAX_AGE = 24 * 60 * 60


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="interest-form")


def _too_fast(started: str | None) -> bool:
    """True when the form came back sooner than a person can fill it, or its start stamp is
    missing, forged or older than a day."""
    try:
        _value, signed_at = _signer().loads(started or "", max_age=FORM_MAX_AGE,
                                            return_timestamp=True)
    except BadSignature:
        return True
    elapsed = (clock.now() - signed_at).total_seconds()
    return elapsed < current_app.config["INTEREST_MIN_FILL_SECONDS"]


def _int(value: str | None) -> int | None:
    return params.to_int(value, 1, params.DB_INTEGER_MAX)


def _targets(form: InterestForm):
    session = get_session()
    event = purchase = None
    event_id = _int(form.event.data)
    if event_id is not None:
        event = public_service.get_event(session, event_id)
    purchase_id = event.tender_id if event else _int(form.purchase.data)
    if purchase_id is not None:
        purchase = public_service.get_purchase(session, purchase_id)
    return purchase, event


@bp.route("/interest", methods=["GET", "POST"])
@limiter.limit(interest_limit, methods=["POST"])
def interest():
    form = InterestForm()
    form.set_divisions([(c, c.label(lang())) for c in divisions()])
    if request.method == "GET":
        form.purchase.data = params.text("purchase", max_length=12)
        form.event.data = params.text("event", max_length=12)
    purchase, event = _targets(form)
    form.purchase.data = str(purchase.id) if purchase else ""
    form.event.data = str(event.id) if event else ""
    if request.method == "GET" and purchase and purchase.division and not form.divisions.data:
        form.divisions.data = [purchase.division]
    if form.validate_on_submit():
        if form.website.data:  # the honeypot: act as if all went well, do nothing
            return redirect(url_for("public.interest_sent"))
        if _too_fast(form.started.data):
            form.form_errors.append(_("Check your answers and send the form again."))
        else:
            response = _register(form, purchase, event)
            if response is not None:
                return response
    form.started.data = _signer().dumps("interest")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("public/interest.html", form=form, purchase=purchase,
                           event=event), status


def _register(form: InterestForm, purchase, event):
    session = get_session()
    try:
        registered = interest_service.register(
            session, orgnr=cast(str, form.orgnr.data), email=cast(str, form.email.data),  # required
            business_name=form.business_name.data or "",
            divisions=form.divisions.data or [],
            known_divisions=[c.division for c in divisions()], alerts=form.alerts.data,
            tender_id=purchase.id if purchase else None,
            event_id=event.id if event else None, locale=lang(),
            confirm_days=current_app.config["INTEREST_CONFIRM_DAYS"])
        queue(session, confirmation(registered.registration, registered.token,
                                    purchase_title=purchase.title if purchase else "",
                                    event_title=event.title if event else "",
                                    register_name=interest_service.supplier_name(
                                        session, registered.registration.orgnr) or ""))
        session.commit()  # the confirmation goes out after this, not while the visitor waits
    except interest_service.InterestError as error:
        session.rollback()
        form.form_errors.append(_(error.msgid, **error.params))
        return None
    return redirect(url_for("public.interest_sent"))


@bp.get("/interest/sent")
def interest_sent():
    return render_template("public/interest_sent.html")


@bp.route("/interest/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def confirm(token: str):
    session = get_session()
    form = ConfirmForm()
    try:
        registration = interest_service.pending_for_token(session, token)
    except interest_service.TokenError:
        return render_template("public/link_invalid.html"), 404
    if form.validate_on_submit():
        try:
            interest_service.confirm(session, token)
            session.commit()
        except (interest_service.TokenError, IntegrityError):
            session.rollback()
            return render_template("public/link_invalid.html"), 404
        flash(_("Thank you. Your interest is registered."), "success")
        return redirect(url_for("public.interest_confirmed"))
    purchase = (public_service.get_purchase(session, registration.tender_id)
                if registration.tender_id else None)
    event = (public_service.get_event(session, registration.dialogue_event_id)
             if registration.dialogue_event_id else None)
    labels = {c.division: c.label(lang()) for c in divisions()}
    return render_template("public/confirm.html", form=form, registration=registration,
                           purchase=purchase, event=event,
                           division_labels=[(d, labels.get(d, "")) for d in
                                            registration.divisions])


@bp.get("/interest/confirmed")
def interest_confirmed():
    return render_template("public/interest_confirmed.html")


@bp.route("/interest/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the token in the link is the credential; RFC 8058 one-click posts have no form
@limiter.limit("30 per minute")
def unsubscribe(token: str):
    session = get_session()
    registration = interest_service.by_unsubscribe_token(session, token)
    if registration is None:
        return render_template("public/link_invalid.html"), 404
    form = UnsubscribeForm(meta={"csrf": False})
    if request.method == "POST":
        if request.form.get("erase"):
            interest_service.erase_by_unsubscribe_token(session, token)
            session.commit()
            return redirect(url_for("public.erased"))
        interest_service.stop_alerts(session, token)
        session.commit()
        if request.form.get("List-Unsubscribe") == "One-Click":
            return "", 204
        flash(_("You will not get any more alerts."), "success")
        return redirect(url_for("public.unsubscribed"))
    return render_template("public/unsubscribe.html", form=form)


@bp.get("/interest/unsubscribed")
def unsubscribed():
    return render_template("public/unsubscribed.html")


@bp.route("/privacy", methods=["GET", "POST"])
@limiter.limit(interest_limit, methods=["POST"])
def privacy():
    form = EraseRequestForm()
    if form.validate_on_submit():
        session = get_session()
        token = interest_service.request_erasure(session, form.email.data)
        if token is not None:  # None only past the mailbox's daily cap, known or not
            # Queued, not sent: the answer does not wait on the mail server, and the same mail
            # goes to every address (issue 19, finding 7).
            queue(session, erasure(interest_service.normalise_email(form.email.data), token,
                                   lang()))
            session.commit()
        # The same answer, and the same work, whether or not we know the address.
        return redirect(url_for("public.erase_sent"))
    buyer = default_organisation(get_session())
    return render_template("public/privacy.html", form=form,
                           confirm_days=current_app.config["INTEREST_CONFIRM_DAYS"],
                           sent_days=KEEP_SENT_DAYS,
                           buyer_name=buyer.name if buyer else _("Lillestrøm municipality"),
                           buyer_orgnr=buyer.orgnr if buyer else "–"), \
        400 if form.errors else 200


@bp.get("/privacy/erase-sent")
def erase_sent():
    return render_template("public/erase_sent.html")


@bp.route("/privacy/erase/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def erase(token: str):
    session = get_session()
    try:
        interest_service.erase_email_for_token(session, token)
    except interest_service.TokenError:
        return render_template("public/link_invalid.html"), 404
    form = EraseForm()
    if form.validate_on_submit():
        interest_service.erase_with_token(session, token)
        session.commit()
        return redirect(url_for("public.erased"))
    return render_template("public/erase.html", form=form)


@bp.get("/privacy/erased")
def erased():
    return render_template("public/erased.html")
