from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class NewTenderForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the tender a title.")), Length(max=300)],
        description=_l("What is being bought, in a few words."),
    )
    description = TextAreaField(
        _l("Need and background"), validators=[Length(max=20000)],
        description=_l("Why the municipality needs this, and what it should achieve."),
    )
