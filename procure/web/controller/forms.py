"""Controller forms: the dashboard filters (GET, no CSRF) and the import uploads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from procure.domain.statistics import parse_region
from procure.web.forms import SelectChoice
from procure.web.params import to_int

# The years a filter may name: well inside what dates and the period arithmetic can hold.
FIRST_YEAR, LAST_YEAR = 1900, 2200


class FilterForm(FlaskForm):
    """Read from the query string; every field may be left empty."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), choices=[], validate_choice=False, validators=[Optional()])
    quarter = SelectField(_l("Quarter"), choices=[
        SelectChoice("", _l("Whole year")), *(SelectChoice(str(q), str(q)) for q in range(1, 5))],
        validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()],
                          description=_l("From and to win over year and quarter."))
    date_to = DateField(_l("To"), validators=[Optional()])
    department = SelectField(_l("Department"), choices=[], validate_choice=False)
    cpv = SelectField(_l("CPV division or category"), choices=[], validate_choice=False)
    category = SelectField(_l("Spend category"), choices=[], validate_choice=False)
    procedure = SelectField(_l("Procedure"), choices=[], validate_choice=False)
    region = StringField(_l("Region (kommunenummer)"), validators=[Optional()],
                         description=_l("Four-digit kommune numbers separated by commas."))
    startup_years = IntegerField(_l("Start-up age (years)"),
                                 validators=[Optional(), NumberRange(0, 100)])

    def validate_year(self, field) -> None:
        if field.data and to_int(field.data, FIRST_YEAR, LAST_YEAR) is None:
            raise ValidationError(_l("Choose a year."))

    def validate_date_from(self, field) -> None:
        if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            raise ValidationError(_l("Give a date between %(first)s and %(last)s.",
                                     first=FIRST_YEAR, last=LAST_YEAR))

    def validate_region(self, field) -> None:
        if field.data:
            try:
                parse_region(field.data)
            except ValueError as error:
                raise ValidationError(_l("%(code)s is not a four-digit kommune number.",
                                         code=str(error))) from None

    def validate_date_to(self, field) -> None:
        self.validate_date_from(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The period ends before it starts."))


class UploadForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to import."))])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token."""
