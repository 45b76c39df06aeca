"""Forms of the tender documents' editor: the sections' text and internal notes, the standard
contract, the price form, and the annex upload."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from procure import vocabulary
from procure.domain.document_sections import MAX_NOTE_LENGTH, MAX_SECTION_LENGTH
from procure.ingest.annexes import ACCEPT
from procure.services.tender_documents import MAX_PRICE_LINES, MAX_QUANTITY
from procure.web.forms import SelectChoice, strip
from procure.web.officer.forms import VersionedForm

CONTRACT_STANDARDS = [SelectChoice("", _l("Not chosen yet")), *(
    SelectChoice(code, name) for code, name in vocabulary.CONTRACT_STANDARDS.items())]
PRICE_BASES = [SelectChoice(code, name) for code, name in vocabulary.PRICE_BASES.items()]


class SectionForm(Form):
    text = TextAreaField(
        _l("Text for the suppliers"),
        validators=[Length(max=MAX_SECTION_LENGTH, message=_l(
            "The text is too long: at most %(max)d characters."))],
        description=_l("Markdown: a blank line starts a new paragraph, # starts a heading, "
                       "- starts a list item, **bold**, [link](https://…)."))
    note = TextAreaField(
        _l("Internal note (never in the document)"),
        validators=[Length(max=MAX_NOTE_LENGTH, message=_l(
            "The note is too long: at most %(max)d characters."))],
        description=_l("For you and your colleagues: it is shown here and in the protocol, "
                       "never to the suppliers."))
    reset = BooleanField(_l("Go back to the default text"))


class QuantityField(DecimalField):
    """A number as people in Norway write it: 12,5 or 1 200 as well as 12.5 and 1200."""

    def process_formdata(self, valuelist: list) -> None:
        if valuelist:
            text = str(valuelist[0]).strip()
            for space in (" ", "\u00a0", "\u202f"):
                text = text.replace(space, "")
            valuelist = [text.replace(",", ".")]
        super().process_formdata(valuelist)


class PriceLineForm(Form):
    lot = SelectField(_l("Lot"), choices=[], validate_choice=False)  # the service checks it
    item = StringField(_l("What is priced"), filters=[strip], validators=[Length(max=200)])
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=30)],
                       description=_l("For example: piece, hour, month."))
    quantity = QuantityField(_l("Estimated quantity"), places=None, validators=[
        Optional(), NumberRange(min=0, max=float(MAX_QUANTITY), message=_l(
            "Give a quantity from 0 to 1 000 000 000."))])

    def is_blank(self) -> bool:
        return not (self.item.data or self.unit.data or self.quantity.data is not None)


class DocumentTextForm(VersionedForm):
    purchase = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["purchase"])
    rules = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["rules"])
    qualification = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["qualification"])
    specification = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["specification"])
    award = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["award"])
    contract = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["contract"])
    annexes = FormField(SectionForm, label=vocabulary.DOCUMENT_SECTIONS["annexes"])
    contract_standard = SelectField(_l("Standard contract"), choices=CONTRACT_STANDARDS,
                                    description=_l("The contract the supplier will sign. "
                                                   "Annex your own terms if you choose them."))
    price_basis = RadioField(_l("How are prices given?"), choices=PRICE_BASES,
                             default="total")
    price_lines = FieldList(FormField(PriceLineForm), min_entries=1,
                            max_entries=MAX_PRICE_LINES)
    add_line = SubmitField(_l("Add a line"))
    save = SubmitField(_l("Save the tender documents"))


class AnnexForm(VersionedForm):
    file = FileField(_l("File"), render_kw={"accept": ACCEPT}, description=_l(
        "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG or JPEG."))
    upload = SubmitField(_l("Add the annex"))
