"""One vocabulary: every code procure stores, named once, with a translated label.

Each group maps a stable code (what the database, the rule files and the audit trail hold) to a
lazy label: an English msgid whose bokmål translation is in the message catalogue. Pages,
documents, the protocol, the history and the exports take their labels from here, and nothing
else keeps its own list of names.

- In a request the label follows the user's language. A bokmål document (the tender document,
  the protocol, the letters to suppliers) is built inside `bokmal()`, which is Flask-Babel's
  `force_locale("nb")`.
- Outside a Flask app (a service called from a script or a test with no app context) a label is
  bokmål, the default language, read from the same catalogue. So the record stays Norwegian
  wherever it is built.
- `procure/domain/` stays free of Flask: it takes codes, or labels its caller looked up here,
  never this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _flask_gettext
from flask_babel.speaklater import LazyString

CATALOGUE_DIR = Path(__file__).resolve().parent / "translations"
DEFAULT_LANGUAGE = "nb"


@cache
def _default_catalogue() -> NullTranslations:
    return Translations.load(str(CATALOGUE_DIR), [DEFAULT_LANGUAGE], domain="messages")


def translate(msgid: str, **params: object) -> str:
    """gettext that works with and without a Flask app (bokmål when there is none)."""
    if has_app_context():
        return _flask_gettext(msgid, **params)
    text = _default_catalogue().gettext(msgid)
    return text % params if params else text


def translate_to(lang: str, msgid: str, **params: object) -> str:
    """gettext for a language chosen on the command line, with no Flask app: the English
    msgid itself, or its bokmål translation."""
    text = msgid if lang == "en" else _default_catalogue().gettext(msgid)
    return text % params if params else text


def _l(msgid: str) -> LazyString:
    """A label translated when it is shown (extracted like lazy_gettext)."""
    return LazyString(translate, msgid)


@contextmanager
def bokmal() -> Iterator[None]:
    """Labels inside the block are bokmål whatever the UI language (documents, the record)."""
    if has_app_context():
        with force_locale(DEFAULT_LANGUAGE):
            yield
    else:
        yield


@contextmanager
def language(locale: str) -> Iterator[None]:
    """Labels inside the block are in `locale` (needs an app context for other than bokmål)."""
    if has_app_context():
        with force_locale(locale):
            yield
    else:
        yield


def label(group: Mapping[str, object], code: object, *, missing: str = "–",
          **params: object) -> str:
    """The label of `code` in `group` in the current language; a dash for nothing, the code
    itself when it is not in the group (never an error on old data). `params` fill a label's
    %(name)s placeholders."""
    if code is None or code == "":
        return missing
    found = group.get(str(code))
    if found is None:
        return str(code)
    return str(found) % params if params else str(found)


def lower_first(text: object) -> str:
    """A label in the middle of a sentence: 'Forenklet konkurranse' -> 'forenklet konkurranse'.
    Leaves acronyms ('FOA', 'SMB') as they are."""
    text = str(text)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


# --- tenders -----------------------------------------------------------------------------------

STATUSES = {
    "draft": _l("Draft"),
    "planned": _l("Planned"),
    "open": _l("Open"),
    "evaluation": _l("Evaluation"),
    "awarded": _l("Awarded"),
    "cancelled": _l("Cancelled"),
    "closed": _l("Closed"),
}
# The moment each status was reached (the tender's *_at stamps), as the protocol lists them.
MILESTONES = {
    "created": _l("Created"),
    "planned": _l("Announced as planned"),
    "open": _l("Opened for tenders"),
    "evaluation": _l("Evaluation"),
    "awarded": _l("Awarded"),
    "cancelled": _l("Cancelled"),
    "closed": _l("Closed"),
}
PROCEDURES = {
    "market-dialogue": _l("Market dialogue before competition"),
    "direct-award": _l("Direct award"),
    "simplified-competition": _l("Simplified competition"),
    "open-tender-competition": _l("Open tender competition (part II)"),
    "restricted-tender-competition": _l("Restricted tender competition (part II)"),
    "open-procedure": _l("Open procedure"),
    "restricted-procedure": _l("Restricted procedure"),
    "competitive-negotiation": _l("Competitive procedure with negotiation"),
    "competitive-dialogue": _l("Competitive dialogue"),
    "innovation-partnership": _l("Innovation partnership"),
}
# Imported OCDS awards carry only the OCDS procurement method, a coarser code list; it is named
# as such, never as a procedure.
OCDS_METHODS = {
    "open": _l("Open (OCDS method, procedure not stated)"),
    "selective": _l("Selective (OCDS method, procedure not stated)"),
    "limited": _l("Limited (OCDS method, procedure not stated)"),
    "direct": _l("Direct (OCDS method, procedure not stated)"),
}
REGIMES = {
    "outside": _l("Outside the procurement regulations (below the lower limit)"),
    "part-1": _l("Part I of the regulations"),
    "part-2": _l("Parts I and II of the regulations (national procedure)"),
    "part-3": _l("Parts I and III of the regulations (EEA procedure)"),
    "part-4": _l("Parts I and IV of the regulations (health and social services above the EEA "
                 "threshold)"),
}
# The same regimes, short, as the tender document's and the protocol's facts name them.
REGIMES_SHORT = {
    "outside": _l("Outside the regulations"),
    "part-1": _l("FOA part I"),
    "part-2": _l("FOA parts I and II"),
    "part-3": _l("FOA parts I and III"),
    "part-4": _l("FOA parts I and IV"),
}
# ... and as the legal basis in a sentence ("carried out as ... under ...").
REGIMES_LEGAL = {
    "outside": _l("general business principles"),
    "part-1": _l("part I of the public procurement regulations"),
    "part-2": _l("parts I and II of the public procurement regulations"),
    "part-3": _l("parts I and III of the public procurement regulations"),
    "part-4": _l("parts I and IV of the public procurement regulations"),
}
CONTRACT_TYPES = {
    "goods": _l("Goods"),
    "services": _l("Services"),
    "works": _l("Building and construction works"),
    "health-social": _l("Health and social services"),
    "special-services": _l("Other special services"),
}
BUYER_TYPES = {"municipality": _l("Municipality or county"), "state": _l("State authority")}
INNOVATION_ANSWERS = {
    "none": _l("No: known solutions cover the need"),
    "adapt": _l("Partly: existing solutions must be adapted"),
    "new": _l("Yes: the need calls for a solution that does not exist yet"),
}
MARKET_ANSWERS = {"known": _l("Yes, we know the suppliers and solutions"),
                  "unknown": _l("No, we need to learn what the market can offer")}
NOTICE_CHANNELS = {"doffin": _l("Doffin"), "ted": _l("TED (EEA)")}
OBLIGATIONS = {
    "protocol": _l("Procurement protocol"),
    "climate-environment": _l("Climate and environment (§ 7-9)"),
    "doffin-notice": _l("Notice on Doffin"),
    "ted-notice": _l("Notice in TED"),
    "espd": _l("ESPD self-declaration"),
    "standstill": _l("Standstill period"),
    "apprentices": _l("Apprentices"),
    "pay-and-conditions": _l("Pay and working conditions"),
    "minimum-deadlines": _l("Minimum deadlines"),
    "award-letter": _l("Award letter with reasons"),
    "award-notice": _l("Contract award notice"),
    "norway-model": _l("Norgesmodellen (building, construction and cleaning)"),
}
WIZARD_STEPS = {
    "need": _l("Need and background"),
    "value": _l("Estimated value"),
    "contract": _l("Contract type and dates"),
    "innovation": _l("Innovation and market"),
    "recommendation": _l("Recommendation and choice of track"),
}
TASK_STATUSES = {"to_do": _l("Not started"), "in_progress": _l("In progress"),
                 "done": _l("Completed"), "cannot_start": _l("Cannot start yet")}
VALUE_BANDS = {
    "under-500k": _l("Under NOK 500,000"),
    "500k-1.3m": _l("NOK 500,000 to 1.3 million"),
    "1.3m-5m": _l("NOK 1.3 to 5 million"),
    "5m-20m": _l("NOK 5 to 20 million"),
    "over-20m": _l("Over NOK 20 million"),
    "unknown": _l("Not estimated yet"),
}
PUBLIC_SORTS = {"deadline": _l("Deadline, soonest first"), "newest": _l("Newest first"),
                "title": _l("Title, A to Z")}
YES_NO = {"yes": _l("Yes"), "no": _l("No")}

# --- green criteria and § 7-9 ------------------------------------------------------------------

CRITERION_LEVELS = {"basis": _l("Basic"), "avansert": _l("Advanced"),
                    "spydspiss": _l("Cutting edge")}
CRITERION_LEVEL_HINTS = {
    "basis": _l("Well-proven requirements most suppliers can meet."),
    "avansert": _l("More ambitious requirements that fewer suppliers can meet today."),
    "spydspiss": _l("The most ambitious requirements; check the market first."),
}
CRITERION_TYPES = {
    "qualification": _l("Qualification requirement"),
    "specification": _l("Specification requirement"),
    "award": _l("Award criterion"),
    "contract-clause": _l("Contract clause"),
}
CLIMATE_STATUSES = {"met": _l("Met"), "not-met": _l("Not met")}
CLIMATE_BASES = {
    "criteria": _l("Climate and environment weighted at least 30 % in the award criteria"),
    "spec": _l("Climate and environment requirements in the specification"),
    "combination": _l("Requirements in the specification combined with award criteria"),
    "exemption-insignificant": _l("Exemption: insignificant climate footprint and "
                                  "environmental impact"),
    "exemption-critical-interest": _l("Exemption: essential interests of health, safety or "
                                      "preparedness"),
    "exemption-national-minimum": _l("Exemption: mandatory standardised minimum "
                                     "requirements"),
}
# The statistics count the exemptions as one basis.
CLIMATE_BASES_COUNTED = {
    "criteria": _l("Weighting in the award criteria"),
    "spec": _l("Requirements in the specification"),
    "combination": _l("Combination of criteria and requirements"),
    "exemption": _l("Justified exemption"),
}
CLIMATE_EXEMPTIONS = {
    "insignificant": _l("Insignificant climate footprint and environmental impact"),
    "critical-interest": _l("Essential interests of health, safety or preparedness"),
    "national-minimum": _l("Mandatory standardised minimum requirements for footprint or "
                           "impact"),
}
# The award criteria of a simplified competition; the tender's weight_* fields weigh them.
AWARD_CRITERIA = {"price": _l("Price"), "quality": _l("Quality"),
                  "climate": _l("Climate and environment"), "other": _l("Other criteria")}
WEIGHT_FIELDS = {"weight_price": "price", "weight_quality": "quality",
                 "weight_climate": "climate", "weight_other": "other"}
WEIGHTS = {field: AWARD_CRITERIA[code] for field, code in WEIGHT_FIELDS.items()}
# The kinds of requirement in a tender document (procure.domain.requirements.KINDS).
REQUIREMENT_KINDS = {
    "qualification": _l("Qualification requirement"),
    "spec-must": _l("Specification: must requirement"),
    "spec-should": _l("Specification: should requirement"),
    "award": _l("Award criterion"),
    "contract-clause": _l("Contract clause"),
}
# The same kinds as the headings of the lists they make.
REQUIREMENT_SECTIONS = {
    "qualification": _l("Qualification requirements"),
    "spec-must": _l("Specification: must requirements"),
    "spec-should": _l("Specification: should requirements"),
    "award": _l("Award criteria"),
    "contract-clause": _l("Contract clauses"),
}
# What an award criterion not marked as climate and environment counts as.
AWARD_GROUPS = {"price": _l("Price"), "quality": _l("Quality"), "other": _l("Other criteria")}
# Why the award weights do not add up (procure.domain.requirements.WeightProblem).
WEIGHT_PROBLEMS = {
    "no-criteria": _l("There are no award criteria yet, so the price alone decides."),
    "total": _l("The award criteria weigh %(total)s %% in all; they must add up to 100 %%."),
    "no-weight": _l("«%(title)s» has no weight."),
    "sub-criteria": _l("The sub-criteria of «%(title)s» weigh %(total)s %% in all; they must "
                       "add up to the criterion's %(weight)s %%."),
}
CRITERION_FIELDS = {
    "id": _l("Id"), "type": _l("Type"), "level": _l("Ambition level"), "title": _l("Title"),
    "title_en": _l("Title (English)"), "text": _l("Text"), "text_en": _l("Text (English)"),
    "verification": _l("Verification"), "weight_min": _l("Lowest suggested weight"),
    "weight_max": _l("Highest suggested weight"),
    "climate_environment": _l("Counts for climate and environment (§ 7-9)"),
    "source": _l("Source"),
}

# --- the konkurransegrunnlag (issue 20) ----------------------------------------------------------

# The sections of the tender document, in its order (procure/domain/document_sections.py).
DOCUMENT_SECTIONS = {
    "purchase": _l("The buyer and the purchase"),
    "rules": _l("Rules of the competition"),
    "qualification": _l("Qualification requirements"),
    "specification": _l("Specification"),
    "award": _l("Award criteria and evaluation"),
    "contract": _l("Contract terms"),
    "annexes": _l("Annexes"),
}
# What each section is for: shown to the officer beside the text, never in the document.
DOCUMENT_SECTION_HINTS = {
    "purchase": _l("Describe the scope, the lots, the quantities, the contract period and any "
                   "options. The need, the estimated value, the lots and the price form's "
                   "quantities are filled in from the tender above your text."),
    "rules": _l("How the competition is run: communication, questions, how to submit, "
                "validity, reservations, negotiation and access to documents. The procedure, "
                "the dates and the contact person are filled in above your text."),
    "qualification": _l("What a supplier must document to take part. The tender's qualification "
                        "requirements are listed under your text."),
    "specification": _l("What is to be delivered. The tender's must and should requirements are "
                        "listed under your text."),
    "award": _l("How offers are evaluated. The award criteria and their weights are listed "
                "under your text."),
    "contract": _l("The contract the supplier signs: choose the standard contract and write "
                   "any special clauses. The tender's contract clauses are listed under your "
                   "text."),
    "annexes": _l("A short introduction to the annexes. The annexes you upload and the "
                  "generated price form are listed under your text."),
}
# The standard contracts a tender can name (Statens standardavtaler and Norsk Standard).
CONTRACT_STANDARDS = {
    "ssa-k": _l("SSA-K, the purchase agreement (equipment and standard software)"),
    "ssa-l": _l("SSA-L, the agreement for ongoing purchase of services (cloud services)"),
    "ssa-d": _l("SSA-D, the operations agreement"),
    "ssa-v": _l("SSA-V, the maintenance agreement"),
    "ssa-t": _l("SSA-T, the adaptation agreement"),
    "ssa-s": _l("SSA-S, the agile development agreement"),
    "ssa-b": _l("SSA-B, the assistance agreement (consultants)"),
    "ssa-o": _l("SSA-O, the assignment agreement (consultants responsible for the result)"),
    "ns-8405": _l("NS 8405, building and construction contract"),
    "ns-8406": _l("NS 8406, simplified building and construction contract"),
    "ns-8407": _l("NS 8407, design and build contract"),
    "own": _l("The municipality's own contract terms (annexed)"),
}
PRICE_BASES = {"total": _l("A fixed total price"),
               "unit": _l("Prices per unit, in a price form")}
ANNEX_TYPES = {"pdf": _l("PDF document"), "docx": _l("Word document"),
               "xlsx": _l("Excel workbook"), "odt": _l("OpenDocument text"),
               "png": _l("PNG image"), "jpeg": _l("JPEG image")}

# --- suppliers, competitions, dialogues, partnerships ------------------------------------------

SIZE_CLASSES = {"micro": _l("Micro"), "small": _l("Small"), "medium": _l("Medium"),
                "sme": _l("SME (kind not stated)"), "large": _l("Large"),
                "unknown": _l("Unknown")}
# Where an invited supplier or a partnership candidate was found.
SUPPLIER_SOURCES = {"register": _l("the supplier register"),
                    "dialogue": _l("the market dialogue"),
                    "interest": _l("registered interest")}
# How a market-dialogue participant came in.
PARTICIPANT_SOURCES = {"manual": _l("added by the officer"),
                       "interest": _l("signed up for the dialogue conference")}
# Where the public list puts a purchase (its filter and its headings).
LIST_STATUSES = {
    "planned": _l("Planned"),
    "open": _l("Open for offers to all"),
    "invitation": _l("By invitation only"),
}
# Why a business is told about a tender (the publication and amendment recipients).
TOLD_BECAUSE = {
    "invited": _l("Invited"),
    "participant": _l("Dialogue participant"),
    "candidate": _l("Candidate in the partnership"),
    "purchase": _l("Registered for this purchase"),
    "event": _l("Registered for a dialogue conference"),
    "category": _l("Follows the category"),
}
COMPETITION_WARNINGS = {
    "too-few": _l("Fewer than three suppliers are invited."),
    "no-local-sme": _l("No local small or medium-sized business is invited."),
}
# %(minimum)s: the least number of candidates the negotiation should have.
PARTNERSHIP_WARNINGS = {
    "fewer-than-three": _l("Fewer than %(minimum)s candidates are invited to negotiate."),
}
DIALOGUE_PHASES = {"anchoring": _l("Anchoring"), "needs": _l("Needs description"),
                   "dialogue": _l("Market dialogue"), "competition": _l("Competition"),
                   "follow-up": _l("Contract follow-up")}
SHARED_KINDS = {"qa": _l("Question and answer"), "document": _l("Document")}
CANDIDATE_DECISIONS = {"qualified": _l("Qualified"), "rejected": _l("Rejected")}
PHASE_DECISIONS = {"continue": _l("Continue"), "reduce": _l("Reduce the number of partners"),
                   "stop": _l("Stop the partnership")}
PHASE_STATES = {"done": _l("Done"), "stopped": _l("Stopped"), "running": _l("Running"),
                "planned": _l("Planned"), "not-run": _l("Not run")}
IPR_OWNERSHIP = {
    "supplier": _l("The supplier owns the results"),
    "buyer": _l("The municipality owns the results"),
    "shared": _l("The municipality and the supplier own them together"),
}
# Whole sentences: the form offers them, and the protocol states the one chosen.
IPR_LICENCES = {
    "use": _l("The municipality has the right to use the solution"),
    "use-modify": _l("The municipality has the right to use and modify the solution"),
    "use-modify-share": _l("The municipality has the right to use, modify and share the "
                           "solution with other public buyers"),
}

# --- people and imports ------------------------------------------------------------------------

ROLES = {"officer": _l("Procurement officer"), "controller": _l("Controller"),
         "admin": _l("Administrator")}
IMPORT_KINDS = {"suppliers": _l("Suppliers (Brønnøysund)"), "spend": _l("Spend lines"),
                "ocds": _l("Contracts and awards (OCDS)"),
                "tenders": _l("Awards from procure's tenders"),
                "rates": _l("Exchange rates (Norges Bank)"),
                "eforms": _l("Notices in eForms (Doffin, TED)")}
# DFØ's award-criterion types for § 7-9 (nor/codelists-no/award-criterion-type.no.yaml).
EFORMS_CLIMATE_CODES = {
    "quality-nor-env-criteria": _l("Climate and environment in the award criteria"),
    "quality-nor-env-spec": _l("Climate and environment requirements in the specification"),
    "quality-nor-env-none": _l("Negligible climate footprint and environmental impact "
                               "(before 1 July 2026)"),
    "quality-nor-env-exempt-insignificant": _l("Exemption: insignificant climate footprint "
                                               "and environmental impact"),
    "quality-nor-env-exempt-critical-interest": _l("Exemption: essential interests of "
                                                   "health, safety or preparedness"),
    "quality-nor-env-exempt-national-minimum": _l("Exemption: mandatory standardised minimum "
                                                  "requirements"),
}
# The rules an eForms notice is checked against, chosen by its CustomizationID.
EFORMS_RULE_SETS = {
    "national-e": _l("EU rules with DFØ's cleanup, and DFØ's rules for national notices below "
                     "the EEA thresholds"),
    "national": _l("EU rules with DFØ's cleanup, and DFØ's rules for the older national "
                   "notices"),
    "eu": _l("EU rules with DFØ's cleanup, and DFØ's rules for EU notices sent through Doffin"),
    "sdk": _l("EU rules only: the notice does not declare a Norwegian CustomizationID"),
}

# --- statistics and imports (the controller) ----------------------------------------------------

SUPPLIER_DATA_QUALITY = {
    "invalid": _l("Missing or invalid organisation number"),
    "unmatched": _l("Not in the supplier register"),
    "unknown": _l("In the register, size unknown"),
}
SIZE_BASES = {
    "headcount": _l("Headcount"),
    "headcount+turnover": _l("Headcount and turnover"),
    "public-body": _l("Public body (never SME)"),
    "no-headcount": _l("No headcount registered"),
    "ocds-scale": _l("Stated in an award (OCDS)"),
    "demo": _l("Demo data"),
    "": _l("Not from the register"),
}
# The spend import's fields as the controller knows them (procure/ingest/spend.py).
SPEND_FIELDS = {
    "invoice_id": _l("Invoice number"),
    "voucher_id": _l("Voucher number (makes the file a ledger)"),
    "line": _l("Line number"),
    "date": _l("Date the spend counts on"),
    "voucher_date": _l("Voucher date (the year of the voucher series)"),
    "supplier_orgnr": _l("Supplier's organisation number"),
    "amount_nok": _l("Amount excluding VAT"),
    "account": _l("Account"),
    "category": _l("Category"),
    "cpv": _l("CPV code"),
    "department": _l("Department"),
}
# A stored spend line's compared columns, as a confirm page names them.
SPEND_COMPARED = {
    "invoice_date": _l("Date"),
    "supplier_orgnr": _l("Supplier"),
    "amount_ore": _l("Amount"),
    "account": _l("Account"),
    "category": _l("Category"),
    "cpv_code": _l("CPV code"),
    "department": _l("Department"),
}
SPEND_KEYS = {
    "invoice": _l("supplier, invoice number and line (an invoice file)"),
    "ledger": _l("year, voucher number and line (a ledger)"),
}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": _l("UTF-8 with byte order mark"),
             "windows-1252": "Windows-1252"}

# --- the audit trail ---------------------------------------------------------------------------

# Every kind of recorded event. The protocol and the history show these, never the code.
EVENTS = {
    "tender.created": _l("Tender created"),
    "tender.updated": _l("Details changed"),
    "tender.recommended": _l("Recommendation computed"),
    "tender.track_chosen": _l("Track chosen"),
    "tender.planned": _l("Announced as planned"),
    "tender.published_planned": _l("Published as planned"),
    "tender.open": _l("Opened for tenders"),
    "tender.evaluation": _l("Evaluation started"),
    "tender.awarded": _l("Awarded"),
    "tender.cancelled": _l("Cancelled"),
    "tender.closed": _l("Closed"),
    "tender.public_page_updated": _l("Public page and contact changed"),
    "tender.amended": _l("Amendment published and sent to the suppliers"),
    "tender.ambition_set": _l("Ambition level chosen"),
    "tender.weights_set": _l("Weights of the award criteria set"),
    "tender.climate_inputs_set": _l("Climate and environment justification saved"),
    "tender.climate_checked": _l("Climate and environment duty (§ 7-9) checked"),
    "tender.criterion_pinned": _l("Criterion added to the tender"),
    "tender.criterion_replaced": _l("Criterion replaced by a newer version"),
    "tender.criterion_unpinned": _l("Criterion removed from the tender"),
    "tender.criteria_options": _l("Weights and use of the criteria changed"),
    "tender.document_text_saved": _l("Text of the tender documents changed"),
    "tender.annex_added": _l("Annex added to the tender documents"),
    "tender.annex_deleted": _l("Annex deleted from the tender documents"),
    "tender.requirement_added": _l("Requirement added"),
    "tender.requirement_changed": _l("Requirement changed"),
    "tender.requirement_moved": _l("Requirement moved"),
    "tender.requirement_deleted": _l("Requirement deleted"),
    "tender.weights_derived": _l("Weights of price, quality and climate worked out from the "
                                 "award criteria"),
    "competition.supplier_invited": _l("Supplier put on the invitation list"),
    "competition.supplier_removed": _l("Supplier removed from the invitation list"),
    "competition.deadline_set": _l("Deadline for offers set"),
    "competition.invitations_sent": _l("Invitations sent"),
    "competition.question_received": _l("Question received"),
    "competition.answer_sent": _l("Answer sent to every invited supplier"),
    "competition.offer_recorded": _l("Offer recorded"),
    "competition.offer_changed": _l("Offer changed"),
    "competition.award_decided": _l("Award decided"),
    "competition.letters_sent": _l("Award letters sent"),
    "dialogue.anchoring_saved": _l("Anchoring saved"),
    "dialogue.needs_saved": _l("Needs description saved"),
    "dialogue.participant_added": _l("Dialogue participant added"),
    "dialogue.slots_offered": _l("One-to-one meetings offered"),
    "dialogue.minutes_saved": _l("Meeting minutes saved"),
    "dialogue.shared": _l("Shared with every participant"),
    "dialogue.pin_published": _l("Prior information notice published"),
    "dialogue.converted": _l("Dialogue converted into a competition"),
    "dialogue.follow_up_saved": _l("Contract follow-up saved"),
    "dialogue_event.created": _l("Dialogue conference created"),
    "dialogue_event.updated": _l("Dialogue conference changed"),
    "dialogue_event.deleted": _l("Dialogue conference deleted"),
    "partnership.requirements_saved": _l("Qualification requirements saved"),
    "partnership.ipr_saved": _l("IPR terms saved"),
    "partnership.option_saved": _l("Terms of the purchase option saved"),
    "partnership.phase_added": _l("Phase added"),
    "partnership.phase_changed": _l("Phase changed"),
    "partnership.phase_removed": _l("Phase removed"),
    "partnership.estimate_updated": _l("Estimated value updated from the R&D phases and the "
                                       "later purchase"),
    "partnership.requests_deadline_set": _l("Deadline for requests to participate set"),
    "partnership.candidate_added": _l("Candidate added"),
    "partnership.candidate_decided": _l("Prequalification: decision on a candidate"),
    "partnership.negotiation_invited": _l("Candidates invited to negotiate"),
    "partnership.round_recorded": _l("Negotiation round recorded"),
    "partnership.partners_selected": _l("Partners chosen"),
    "partnership.phase_decided": _l("Decision after a phase"),
    "partnership.letters_prequalification": _l("Letters after the prequalification sent"),
    "partnership.letters_partners": _l("Letters on the choice of partners sent"),
    "supplier.created": _l("Supplier added to the register"),
    "supplier.updated": _l("Supplier changed"),
    "supplier.contact_added": _l("Supplier contact added"),
    "supplier.contact_deleted": _l("Supplier contact deleted"),
    "supplier.contact_confirmed": _l("Address from a registration of interest confirmed as "
                                     "the supplier's contact"),
    "supplier.contact_erased": _l("Supplier contact deleted at the person's request"),
    "tender.address_erased": _l("An e-mail address erased at the person's request"),
    "user.created": _l("User created"),
    "user.login": _l("Signed in"),
    "user.locked": _l("User locked after failed sign-ins"),  # before migration 0016
    "user.roles_changed": _l("User roles changed"),
    "user.logout": _l("Signed out"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.unlocked": _l("Sign-in unlocked"),
    "user.password_link_sent": _l("Password link sent"),
    "user.password_changed": _l("Password changed"),
    "user.organisation_changed": _l("User moved to another organisation"),
    "organisation.created": _l("Organisation created"),
    "interest.registered": _l("Interest registered"),
    "interest.confirmed": _l("Interest confirmed"),
    "interest.alerts_stopped": _l("Alerts stopped"),
    "interest.erased": _l("Registration erased"),
    "import.suppliers": _l("Suppliers imported"),
    "import.spend": _l("Spend lines imported"),
    "import.ocds": _l("Contracts and awards imported"),
    "import.tenders": _l("Awards from procure's tenders imported"),
    "import.rates": _l("Exchange rates imported"),
    "import.eforms": _l("eForms notices imported"),
}

# The fields whose changes the trail shows, named as the pages name them.
FIELDS = {
    # the tender (the wizard, the track choice, the public page)
    "title": _l("Title"),
    "description": _l("Need and background"),
    "cpv_code": _l("CPV code"),
    "estimated_value": _l("Estimated value"),
    "value_estimate": _l("Value calculation"),
    "contract_type": _l("Contract type"),
    "buyer_type": _l("Type of buyer"),
    "planned_notice_date": _l("Planned notice date"),
    "tender_deadline": _l("Planned tender deadline"),
    "innovation": _l("Does the need call for something new?"),
    "market": _l("Do you know the market?"),
    "needs_rnd": _l("Is research and development needed to meet the need?"),
    "recommendation": _l("Recommendation"),
    "recommended_track": _l("Recommended track"),
    "rules_version": _l("Rule set"),
    "track": _l("Chosen track"),
    "procedure": _l("Procedure"),
    "track_reason": _l("Reason for deviating"),
    "track_decided_at": _l("Track decided"),
    "ambition_level": _l("Ambition level"),
    "weight_price": _l("Weight for price"),
    "weight_quality": _l("Weight for quality"),
    "weight_climate": _l("Weight for climate and environment"),
    "weight_other": _l("Weight for other criteria"),
    "climate_spec_justification": _l("Justification for the requirements in the specification"),
    "climate_exemption": _l("Exemption from the duty"),
    "climate_exemption_justification": _l("Written justification for the exemption"),
    "climate_status": _l("Result of the § 7-9 check"),
    "climate_basis": _l("How the § 7-9 duty is met"),
    "climate_code": _l("Reason for the § 7-9 result"),
    # a requirement of the tender document
    "requirement_kind": _l("Type of requirement"),
    "text": _l("Text"),
    "documentation": _l("Documentation asked for"),
    "weight": _l("Weight"),
    "award_group": _l("Counts as"),
    "climate_environment": _l("Counts for climate and environment (§ 7-9)"),
    "parent": _l("Sub-criterion of"),
    "position": _l("Place in the list"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact e-mail"),
    "value_confidential": _l("Keep the estimated value confidential"),
    "document_changed": _l("The tender document has changed"),
    "planned_at": _l("Announced as planned"),
    "opened_at": _l("Opened for tenders"),
    "evaluation_at": _l("Evaluation started"),
    "awarded_at": _l("Awarded"),
    "cancelled_at": _l("Cancelled"),
    "closed_at": _l("Closed"),
    # the market dialogue
    "anchoring": _l("Anchoring"),
    "needs_functions": _l("Functions needed"),
    "needs_outcomes": _l("Outcomes wanted"),
    "minutes": _l("Minutes"),
    "follow_up": _l("Contract follow-up"),
    # the innovation partnership
    "rnd_requirements": _l("Requirements for research and development"),
    "implementation_requirements": _l("Requirements for implementing the solution"),
    "ipr_ownership": _l("Who owns the results"),
    "ipr_licence": _l("The municipality's rights when it does not own them"),
    "ipr_terms": _l("Further IPR terms"),
    "purchase_targets": _l("Performance targets for the purchase"),
    "purchase_max_cost": _l("Maximum cost of the purchase"),
    "name": _l("Name"),
    "interim_targets": _l("Interim targets"),
    "max_cost": _l("Maximum cost"),
    "decision": _l("Decision"),
    # the konkurransegrunnlag's text (issue 20)
    "section_purchase": _l("Section: the buyer and the purchase"),
    "section_rules": _l("Section: rules of the competition"),
    "section_qualification": _l("Section: qualification requirements"),
    "section_specification": _l("Section: specification"),
    "section_award": _l("Section: award criteria and evaluation"),
    "section_contract": _l("Section: contract terms"),
    "section_annexes": _l("Section: annexes"),
    "note_purchase": _l("Internal note: the buyer and the purchase"),
    "note_rules": _l("Internal note: rules of the competition"),
    "note_qualification": _l("Internal note: qualification requirements"),
    "note_specification": _l("Internal note: specification"),
    "note_award": _l("Internal note: award criteria and evaluation"),
    "note_contract": _l("Internal note: contract terms"),
    "note_annexes": _l("Internal note: annexes"),
    "contract_standard": _l("Standard contract"),
    "price_basis": _l("How prices are given"),
    "price_lines": _l("Lines of the price form"),
    # a competition offer
    "price": _l("Price"),
    "received_on": _l("Received"),
    "scores": _l("Scores"),
    "rejected_reason": _l("Reason for rejection"),
    "note": _l("Note"),
    # a registration of interest confirmed as a supplier contact (issue 19)
    "registered_name": _l("Name given in the registration"),
    "verified_how": _l("How the address was verified"),
}

# The code groups a field's values come from, so a change reads "Simplified competition", not
# "simplified-competition".
FIELD_VALUES: dict[str, Mapping[str, object]] = {
    "track": PROCEDURES, "recommended_track": PROCEDURES, "procedure": PROCEDURES,
    "contract_type": CONTRACT_TYPES, "buyer_type": BUYER_TYPES,
    "innovation": INNOVATION_ANSWERS, "market": MARKET_ANSWERS,
    "ambition_level": CRITERION_LEVELS, "climate_status": CLIMATE_STATUSES,
    "climate_basis": CLIMATE_BASES, "climate_exemption": CLIMATE_EXEMPTIONS,
    "ipr_ownership": IPR_OWNERSHIP, "ipr_licence": IPR_LICENCES,
    "decision": CANDIDATE_DECISIONS, "requirement_kind": REQUIREMENT_KINDS,
    "award_group": AWARD_GROUPS,
    "contract_standard": CONTRACT_STANDARDS, "price_basis": PRICE_BASES,
}
MONEY_FIELDS = frozenset({"estimated_value", "max_cost", "purchase_max_cost", "price"})
PERCENT_FIELDS = frozenset(WEIGHT_FIELDS) | {"weight"}

# Every group, by name: the test walks them all for an nb and an en label.
GROUPS: dict[str, Mapping[str, object]] = {
    "statuses": STATUSES, "milestones": MILESTONES, "procedures": PROCEDURES,
    "ocds_methods": OCDS_METHODS, "regimes": REGIMES, "regimes_short": REGIMES_SHORT,
    "regimes_legal": REGIMES_LEGAL, "contract_types": CONTRACT_TYPES,
    "buyer_types": BUYER_TYPES, "innovation_answers": INNOVATION_ANSWERS,
    "market_answers": MARKET_ANSWERS, "notice_channels": NOTICE_CHANNELS,
    "obligations": OBLIGATIONS, "wizard_steps": WIZARD_STEPS, "task_statuses": TASK_STATUSES,
    "value_bands": VALUE_BANDS, "public_sorts": PUBLIC_SORTS, "yes_no": YES_NO,
    "criterion_levels": CRITERION_LEVELS, "criterion_level_hints": CRITERION_LEVEL_HINTS,
    "criterion_types": CRITERION_TYPES, "climate_statuses": CLIMATE_STATUSES,
    "climate_bases": CLIMATE_BASES, "climate_bases_counted": CLIMATE_BASES_COUNTED,
    "climate_exemptions": CLIMATE_EXEMPTIONS, "award_criteria": AWARD_CRITERIA,
    "weights": WEIGHTS, "criterion_fields": CRITERION_FIELDS,
    "requirement_kinds": REQUIREMENT_KINDS, "requirement_sections": REQUIREMENT_SECTIONS,
    "award_groups": AWARD_GROUPS, "weight_problems": WEIGHT_PROBLEMS,
    "size_classes": SIZE_CLASSES,
    "supplier_sources": SUPPLIER_SOURCES, "participant_sources": PARTICIPANT_SOURCES,
    "competition_warnings": COMPETITION_WARNINGS, "told_because": TOLD_BECAUSE,
    "list_statuses": LIST_STATUSES,
    "partnership_warnings": PARTNERSHIP_WARNINGS, "dialogue_phases": DIALOGUE_PHASES,
    "shared_kinds": SHARED_KINDS, "candidate_decisions": CANDIDATE_DECISIONS,
    "phase_decisions": PHASE_DECISIONS, "phase_states": PHASE_STATES,
    "ipr_ownership": IPR_OWNERSHIP, "ipr_licences": IPR_LICENCES,
"roles": ROLES, "import_kinds": IMPORT_KINDS, "eforms_rule_sets": EFORMS_RULE_SETS,
    "eforms_climate_codes": EFORMS_CLIMATE_CODES,
    "events": EVENTS, "fields": FIELDS, "supplier_data_quality": SUPPLIER_DATA_QUALITY,
    "size_bases": SIZE_BASES, "spend_fields": SPEND_FIELDS, "spend_compared": SPEND_COMPARED,
    "spend_keys": SPEND_KEYS, "document_sections": DOCUMENT_SECTIONS,
    "document_section_hints": DOCUMENT_SECTION_HINTS, "contract_standards": CONTRACT_STANDARDS,
    "price_bases": PRICE_BASES, "annex_types": ANNEX_TYPES,
}


def current_language() -> str:
    """'nb' or 'en': the language labels are shown in right now."""
    if not has_app_context():
        return DEFAULT_LANGUAGE
    from flask_babel import get_locale

    return "en" if str(get_locale() or "").startswith("en") else DEFAULT_LANGUAGE
