"""The e-mail with an administrator's one-time password link."""

from __future__ import annotations

from email.message import EmailMessage

from flask import render_template
from flask_babel import gettext as _

from procure.mail import compose
from procure.models import User
from procure.web.public.emails import mailer
from procure.web.public.labels import public_url


def password_link(user: User, token: str, minutes: int) -> EmailMessage:
    text = render_template("email/password_link.txt", user=user, minutes=minutes,
                           link=public_url("auth.password_link", token=token),
                           login_url=public_url("auth.login"))
    return compose(mailer().sender, user.email, _("Choose a new password"), text)
