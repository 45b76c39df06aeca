"""E-mails to businesses, in the language they registered in. Every one carries a way out:
an unsubscribe link where there is a registration, and the privacy notice."""

from __future__ import annotations

from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from procure.mail import Mailer, compose
from procure.models import InterestRegistration
from procure.services.alerts import Digest
from procure.web.public.labels import feed_labels, public_url


def mailer() -> Mailer:
    return Mailer.from_config(current_app.config)


def _unsubscribe_headers(token: str) -> dict[str, str]:
    # RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe button.
    url = public_url("public.unsubscribe", token=token)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirmation(registration: InterestRegistration, token: str, *, purchase_title: str = "",
                 event_title: str = "", register_name: str = "") -> EmailMessage:
    """`register_name` is the supplier register's name for the organisation number, if known;
    a name typed into the form never goes into the mail."""
    with force_locale(registration.locale):
        labels = {c.division: c.label(registration.locale)
                  for c in current_app.extensions["procure.cpv"]
                  if c.code8.endswith("000000")}
        text = render_template(
            "email/confirm.txt", registration=registration,
            confirm_url=public_url("public.confirm", token=token),
            unsubscribe_url=public_url("public.unsubscribe",
                                       token=registration.unsubscribe_token),
            privacy_url=public_url("public.privacy"),
            divisions=[(d, labels.get(d, "")) for d in registration.divisions],
            purchase_title=purchase_title, event_title=event_title,
            register_name=register_name,
            days=current_app.config["INTEREST_CONFIRM_DAYS"])
        subject = _("Confirm your registration of interest")
    return compose(mailer().sender, registration.email, subject, text,
                   headers=_unsubscribe_headers(registration.unsubscribe_token))


def digest(item: Digest) -> EmailMessage:
    with force_locale(item.locale):
        labels = feed_labels()
        text = render_template(
            "email/digest.txt", digest=item, labels=labels,
            purchases_url=public_url("public.purchases"),
            unsubscribe_url=public_url("public.unsubscribe", token=item.unsubscribe_token),
            privacy_url=public_url("public.privacy"))
        subject = _("New and changed purchases (%(count)s)", count=len(item.items))
    return compose(mailer().sender, item.email, subject, text,
                   headers=_unsubscribe_headers(item.unsubscribe_token))


def erasure(email: str, token: str, locale: str) -> EmailMessage:
    with force_locale(locale):
        text = render_template("email/erase.txt",
                               erase_url=public_url("public.erase", token=token),
                               privacy_url=public_url("public.privacy"))
        subject = _("Delete your data")
    return compose(mailer().sender, email, subject, text)
