"""The controller's statistics: dashboard, drill-down, Excel export and imports.

Everything here is the controller's organisation's (issue 19): the figures, the drill-downs,
the exports, the imports and their reports. Another organisation's import is not found (404);
a controller with no organisation is refused (403)."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from procure import clock
from procure.db import get_session
from procure.domain import statistics as rules
from procure.domain.statistics import INDICATORS, Filters
from procure.errors import UserError
from procure.exports import workbook
from procure.exports.import_report import report_csv
from procure.ingest import (
    ImportFileError,
    ImportRejected,
    get_run,
    recent_runs,
    record_file_error,
    record_rejection,
)
from procure.ingest.ocds import import_ocds
from procure.ingest.rates import import_rates
from procure.ingest.reading import row_limit
from procure.ingest.spend import (
    COLUMNS,
    GROSS,
    REQUIRED,
    ChangesNeedConfirmation,
    ColumnsUnclear,
    file_header,
    header_key,
    import_spend,
    old_values,
    remember_mapping,
    remembered_mapping,
)
from procure.ingest.suppliers import import_suppliers
from procure.ingest.tenders import sync_tender_awards
from procure.models import ImportRun, Organisation, stored_id
from procure.services import audit, statistics
from procure.services.rates import excluded_from_values
from procure.vocabulary import EFORMS_CLIMATE_CODES
from procure.web import params
from procure.web.controller import bp
from procure.web.controller.charts import bar_chart, column_chart
from procure.web.controller.forms import ConfirmForm, FilterForm, UploadForm
from procure.web.controller.labels import (
    ENCODING_LABELS,
    IMPORT_KINDS,
    SPEND_COMPARED_LABELS,
    SPEND_FIELD_LABELS,
    SPEND_KEY_LABELS,
    export_labels,
    key_label,
    translate,
)
from procure.web.forms import SelectChoice

OSLO = clock.OSLO
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_KINDS = ("suppliers", "spend", "ocds", "eforms", "rates")
ACCEPT = {"suppliers": ".json,.csv,.xlsx", "spend": ".csv,.xlsx", "ocds": ".json,.jsonl,.ndjson",
          "rates": ".csv", "eforms": ".xml,.zip"}
DEFAULT_IMPORT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_EXPORT_MAX_LINES = 300_000


# --- formatting helpers (also used by the templates) ----------------------------------------


@bp.app_template_filter("stats_share")
def share_text(value: float | None) -> str:
    return "–" if value is None else format_percent(value, "#,##0.0 %")


@bp.app_template_global("stats_out_of_range")
def out_of_range() -> str:
    return rules.OUT_OF_RANGE


@bp.app_template_filter("stats_reason")
def reason_text(reason: str | None) -> str:
    """Why a figure is not given (a msgid from procure.domain.statistics), translated."""
    return _(reason) if reason else ""


@bp.app_template_filter("stats_value")
def value_text(value: float | dict[str, float] | None, unit: str) -> str:  # Figure.value
    if value is None or isinstance(value, dict):
        return "–"
    if unit == "share":
        return share_text(value)
    if unit == "nok":
        return f"{format_decimal(value, format='#,##0')} kr"
    if unit == "days":
        return _("%(days)s days", days=format_decimal(value, format="#,##0.0"))
    return format_decimal(value, format="#,##0")


@bp.app_template_filter("stats_change")
def change_text(change: float | None, unit: str) -> str:
    if change is None:
        return ""
    arrow = "▲" if change > 0 else "▼" if change < 0 else "▶"
    if unit == "share":
        points = format_decimal(change * 100, format="+#,##0.0;-#,##0.0")
        return _("%(arrow)s %(points)s percentage points", arrow=arrow, points=points)
    return f"{arrow} {format_decimal(change, format='+#,##0.#;-#,##0.#')}"


@bp.app_template_filter("stats_nok")
def nok_text(value: float | None) -> str:
    return "–" if value is None else f"{format_decimal(value, format='#,##0')} kr"


@bp.app_template_filter("stats_ore")
def ore_text(value: int | None) -> str:
    """An amount in øre as kroner to the øre (1 234,50 kr)."""
    if value is None:
        return "–"
    return f"{format_decimal(Decimal(value) / 100, format='#,##0.00')} kr"


@bp.app_template_filter("iso_day")
def iso_day(value: str | None) -> str:
    return "–" if not value else format_date(date.fromisoformat(value), "d. MMM y")


@bp.app_template_global("stats_key")
def stats_key(breakdown: str, key: str | None) -> str:
    return key_label(breakdown, key)


# --- filters --------------------------------------------------------------------------------


def _today() -> date:
    return clock.today()


def _organisation() -> Organisation:
    """The controller's organisation: whose statistics and imports these are."""
    organisation = (get_session().get(Organisation, current_user.organisation_id)
                    if current_user.organisation_id is not None else None)
    if organisation is None:
        abort(403)
    return organisation


def _organisation_id() -> int:
    return stored_id(_organisation())


def _default_region() -> tuple[str, ...]:
    configured = current_app.config.get("STATS_REGION")
    if configured:
        try:
            return rules.parse_region(str(configured))
        except ValueError:
            current_app.logger.warning("PROCURE_STATS_REGION is not a list of kommune numbers")
    return rules.DEFAULT_REGION


def _filters() -> tuple[FilterForm, Filters, dict]:
    """The filter form from the query string and the Filters it gives (invalid fields are
    reported on the form and left out)."""
    db = get_session()
    organisation = _organisation()
    choices = statistics.filter_choices(db, stored_id(organisation))
    form = FilterForm(params.form_data())
    everything = SelectChoice("", _("All"))
    form.year.choices = [SelectChoice("", _("This year"))] + [
        SelectChoice(str(y), str(y)) for y in choices["years"]]
    form.department.choices = [everything] + [SelectChoice(d, d) for d in choices["departments"]]
    form.category.choices = [everything] + [SelectChoice(c, c) for c in choices["categories"]]
    form.cpv.choices = [everything] + [
        SelectChoice(d, f"{d} {key_label('cpv', d)}") for d in choices["divisions"]]
    form.procedure.choices = [everything] + [
        SelectChoice(p, key_label("procedure", p)) for p in choices["procedures"]]
    valid = form.validate() if request.args else True
    errors = form.errors if not valid else {}

    def value(name: str):
        return None if name in errors else getattr(form, name).data

    year = value("year")
    quarter = value("quarter")
    start, end = rules.period_bounds(
        _today(), params.to_int(year, 1900, 2200), params.to_int(quarter, 1, 4),
        value("date_from"), value("date_to"))
    startup = value("startup_years")
    filters = Filters(
        start, end, department=value("department") or None, cpv_division=value("cpv") or None,
        category=value("category") or None, procedure=value("procedure") or None,
        home_kommune=organisation.kommunenummer or rules.HOME_KOMMUNE,
        region=rules.parse_region(value("region")) if value("region") else _default_region(),
        startup_years=startup if startup is not None else int(
            current_app.config.get("STATS_STARTUP_YEARS", rules.DEFAULT_STARTUP_YEARS)),
        organisation_id=stored_id(organisation),
    )
    return form, filters, choices


def _page() -> int:
    return params.page()


# --- dashboard ------------------------------------------------------------------------------


# The headline: the shares a controller reads first, each with coverage and trend.
HEADLINE = ("sme_share_value", "sme_share_contracts", "local_share_value", "green_share_count")
FIGURE_GROUPS = (
    ("spend", ("sme_share_value", "local_share_value", "regional_share_value",
               "startup_share_value", "unknown_size_share_value")),
    ("awards", ("sme_share_contracts", "sme_share_winners", "single_bidder_share",
                "price_only_share", "decision_days_avg", "sme_bids_share")),
    ("tenders", ("green_share_count", "innovation_count", "innovation_value")),
)
DRILL = {  # where "details" goes for each figure
    "sme_share_value": ("controller.spend", {"dim": "flag", "value": "sme"}),
    "local_share_value": ("controller.spend", {"dim": "flag", "value": "local"}),
    "regional_share_value": ("controller.spend", {"dim": "flag", "value": "regional"}),
    "startup_share_value": ("controller.spend", {"dim": "flag", "value": "startup"}),
    "unknown_size_share_value": ("controller.spend", {"dim": "flag", "value": "unknown"}),
    "sme_share_contracts": ("controller.awards", {}),
    "sme_share_winners": ("controller.awards", {}),
    "single_bidder_share": ("controller.awards", {"flag": "single"}),
    "price_only_share": ("controller.awards", {"flag": "price_only"}),
    "decision_days_avg": ("controller.awards", {}),
    "sme_bids_share": ("controller.awards", {}),
    "green_share_count": ("controller.tenders", {"flag": "green"}),
    "innovation_count": ("controller.tenders", {"flag": "innovative"}),
    "innovation_value": ("controller.tenders", {"flag": "innovative"}),
}
# The dashboard's pages after the overview (each under about 2 500 px at 1280 px wide).
SECTIONS = ("suppliers", "organisation", "cpv", "procurements", "quality")


@bp.app_template_filter("stats_parts")
def parts_text(figure: rules.Figure, unit: str, population: str) -> str:
    """'1 500 kr of 4 500 kr' or '3 of 5': what a share is made of."""
    if unit != "share" or figure.numerator is None or not figure.denominator:
        return ""
    if population == rules.SPEND:
        return _("%(part)s of %(whole)s", part=nok_text(figure.numerator),
                 whole=nok_text(figure.denominator))
    return _("%(part)s of %(whole)s", part=format_decimal(figure.numerator, format="#,##0"),
             whole=format_decimal(figure.denominator, format="#,##0"))


def _spend_bars(breakdown: str, rows: list[dict]) -> object:
    return bar_chart([(key_label(breakdown, row["key"]), row["amount"], nok_text(row["amount"]),
                      f"chart__bar--{row['key']}" if breakdown == "size" else "")
                      for row in rows])


def _dashboard(template: str, section: str, form: FilterForm, filters: Filters,
               **context) -> str:
    return render_template(template, form=form, filters=filters, params=filters.as_params(),
                           section=section, sections=SECTIONS, previous=filters.previous(),
                           **context)


@bp.get("/")
def index():
    form, filters, _choices = _filters()
    db = get_session()
    return _dashboard(
        "controller/index.html", "overview", form, filters,
        figures=statistics.indicator_figures(db, filters),
        before=statistics.indicator_figures(db, filters.previous()),
        indicators=rules.BY_ID, headline=HEADLINE, groups=FIGURE_GROUPS, drill=DRILL,
        change=rules.change)


@bp.get("/overview/<name>")
def section(name: str):
    if name not in SECTIONS:
        abort(404)
    form, filters, _choices = _filters()
    db = get_session()
    charts: dict[str, object] = {}
    breakdowns: dict[str, statistics.Breakdown] = {}
    quality = None
    value_excluded: dict[str, int] = {}
    if name in ("suppliers", "organisation", "cpv"):
        shown = {"suppliers": ("size", "kommune"), "organisation": ("category", "department"),
                 "cpv": ("cpv",)}[name]
        breakdowns = statistics.spend_breakdowns(
            db, filters, (*shown, "month") if name == "suppliers" else shown)
        charts = {key: _spend_bars(key, breakdowns[key].rows) for key in shown}
        if name == "suppliers":
            charts["month"] = _month_chart(breakdowns["month"].rows)
    elif name == "procurements":
        breakdowns = {"procedure": statistics.award_breakdown(db, filters),
                      **statistics.tender_breakdowns(db, filters)}
        charts["procedure"] = bar_chart(
            [(key_label("procedure", row["key"]), row["awards"],
              format_decimal(row["awards"], format="#,##0"), "") for row in
             breakdowns["procedure"].rows])
        charts["green_basis"] = bar_chart(
            [(key_label("green_basis", row["key"]), row["tenders"],
              format_decimal(row["tenders"], format="#,##0"), "chart__bar--green")
             for row in breakdowns["green_basis"].rows])
        charts["innovation_track"] = bar_chart(
            [(key_label("track", row["key"]), row["amount"], nok_text(row["amount"]), "")
             for row in breakdowns["innovation_track"].rows])
        value_excluded = excluded_from_values(db, filters)
    else:
        quality = statistics.data_quality(db, filters)
    return _dashboard("controller/section.html", name, form, filters, breakdowns=breakdowns,
                      charts=charts, quality=quality, value_excluded=value_excluded)


def _month_chart(month_rows: list[dict]) -> object:
    several_years = len({row["key"][:4] for row in month_rows}) > 1
    return column_chart(
        [(row["key"][2:] if several_years else row["key"][5:],
          [(row["sme_amount"], "chart__bar--sme"),
           (row["amount"] - row["sme_amount"], "chart__bar--rest")])
         for row in month_rows], nok_text)


@bp.get("/definitions")
def definitions():
    return render_template("controller/definitions.html", indicators=INDICATORS)


@bp.get("/spend")
def spend():
    form, filters, _choices = _filters()
    dimension = params.text("dim", max_length=20) or None
    value = params.text("value", max_length=100)
    if dimension is not None and dimension not in statistics.SPEND_DIMENSIONS:
        abort(404)
    if dimension == "flag" and value not in statistics.FLAGS:
        abort(404)
    page = statistics.drill_suppliers(get_session(), filters, dimension, value, _page())
    return render_template("controller/spend.html", form=form, filters=filters, page=page,
                           dimension=dimension, value=value, params=filters.as_params(),
                           heading=_drill_heading(dimension, value))


def _drill_heading(dimension: str | None, value: str) -> str:
    if dimension is None:
        return _("All suppliers")
    if dimension == "flag":
        return {
            "sme": _("Suppliers that are SMEs"), "large": _("Large suppliers"),
            "unknown": _("Suppliers of unknown size"), "local": _("Local suppliers"),
            "regional": _("Suppliers in the region"), "startup": _("Start-ups"),
            "invalid": _("Lines with a missing or invalid organisation number"),
            "unmatched": _("Organisation numbers not in the supplier register"),
        }[value]
    names = {"size": _("Size class"), "kommune": _("Kommune"), "category": _("Category"),
             "department": _("Department"), "cpv": _("CPV division"), "month": _("Month")}
    breakdown = "size" if dimension == "size" else dimension
    return f"{names[dimension]}: {key_label(breakdown, value)}"


@bp.get("/spend/<orgnr>")
def supplier_lines(orgnr: str):
    form, filters, _choices = _filters()
    dimension = params.text("dim", max_length=20) or None
    value = params.text("value", max_length=100)
    if dimension is not None and (dimension not in statistics.SPEND_DIMENSIONS or (
            dimension == "flag" and value not in statistics.FLAGS)):
        abort(404)
    orgnr = "" if orgnr == "-" else orgnr[:20]
    page = statistics.drill_lines(get_session(), filters, orgnr, dimension, value,
                                  _page())
    return render_template("controller/lines.html", filters=filters, page=page,
                           orgnr=orgnr or "-",
                           params=filters.as_params(), dimension=dimension, value=value)


@bp.get("/awards")
def awards():
    form, filters, _choices = _filters()
    flag = params.text("flag", max_length=20) or None
    if flag not in (None, "single", "price_only"):
        abort(404)
    page = statistics.drill_awards(get_session(), filters, flag=flag, page=_page())
    return render_template("controller/awards.html", filters=filters, page=page, flag=flag,
                           params=filters.as_params())


@bp.get("/tenders")
def tenders():
    form, filters, _choices = _filters()
    flag = params.text("flag", max_length=20) or None
    if flag not in (None, "green", "not-green", "unchecked", "innovative",
                    *rules.CLIMATE_BASES):
        abort(404)
    page = statistics.drill_tenders(get_session(), filters, flag=flag, page=_page())
    return render_template("controller/tenders.html", filters=filters, page=page, flag=flag,
                           params=filters.as_params())


@bp.get("/export.xlsx")
def export():
    form, filters, _choices = _filters()
    db = get_session()
    report = statistics.report(db, filters)
    lines = None
    if params.text("lines"):
        limit = int(current_app.config.get("STATS_EXPORT_MAX_LINES", DEFAULT_EXPORT_MAX_LINES))
        count = report.breakdowns["size"].rows and sum(
            row["lines"] for row in report.breakdowns["size"].rows)
        if count and count > limit:
            flash(_("The period has %(count)s lines, more than %(limit)s for a download here. "
                    "Narrow the filters to a shorter period or one department.",
                    count=format_decimal(count), limit=format_decimal(limit)), "warning")
            return redirect(url_for("controller.section", name="quality",
                                    **filters.as_params()))
        lines = statistics.iter_lines(db, filters)
    data = workbook.statistics_workbook(report, export_labels(), lines,
                                        organisation=_organisation().name)
    name = f"procure-statistics-{filters.date_from}-{filters.date_to}.xlsx"
    return Response(data, mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- imports --------------------------------------------------------------------------------


@bp.get("/imports")
def imports():
    db = get_session()
    return render_template("controller/imports.html", runs=recent_runs(db, _organisation_id()),
                           kinds=IMPORT_KINDS,
                           upload_kinds=UPLOAD_KINDS, accept=ACCEPT, form=UploadForm(),
                           sync_form=ConfirmForm(),
                           max_mb=_import_max_bytes() // (1024 * 1024))


def _import_max_bytes() -> int:
    """The upload limit: PROCURE_STATS_IMPORT_MAX_BYTES, never above the app's own limit
    (the request body is read before this view runs)."""
    app_limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or DEFAULT_IMPORT_MAX_BYTES)
    return min(app_limit, int(current_app.config.get("STATS_IMPORT_MAX_BYTES", app_limit)))


@bp.post("/imports/<kind>")
def upload(kind: str):
    if kind == "tenders":
        return _sync_tenders()
    if kind not in UPLOAD_KINDS:
        abort(404)
    if (request.content_length or 0) > _import_max_bytes():
        abort(413)
    form = UploadForm()
    if not form.validate_on_submit():
        for message in form.file.errors or [_("Choose a file to import.")]:
            flash(str(message), "danger")
        return redirect(url_for("controller.imports"))
    upload = form.file.data
    filename = (upload.filename or "upload")[:255]
    db = get_session()
    owner = _organisation_id()
    try:
        with row_limit(int(current_app.config["IMPORT_MAX_ROWS"])):
            if kind == "suppliers":
                run = import_suppliers(db, upload.stream, filename, organisation_id=owner,
                                       actor_id=current_user.id,
                                       eur_nok=float(current_app.config.get("STATS_EUR_NOK",
                                                                            11.5)))
            elif kind == "spend":
                run = import_spend(db, upload.stream, filename, organisation_id=owner,
                                   actor_id=current_user.id)
            elif kind == "rates":
                run = import_rates(db, upload.stream, filename, organisation_id=owner,
                                   actor_id=current_user.id)
            elif kind == "eforms":
                from procure.ingest.eforms import import_eforms, read_upload

                run = import_eforms(db, read_upload(upload.stream, filename), filename,
                                    organisation_id=owner, actor_id=current_user.id)
            else:
                run = import_ocds(db, upload.stream, filename, organisation_id=owner,
                                  actor_id=current_user.id)
    except (ColumnsUnclear, ChangesNeedConfirmation) as question:
        db.rollback()
        upload.stream.seek(0)
        token = _keep_pending(upload.stream, filename)
        return _ask(db, token, question, {})
    except ImportRejected as rejected:
        db.rollback()
        if kind == "spend" and (asked := _ask_again(db, upload.stream, filename)):
            return asked
        run = record_rejection(db, rejected, current_user.id, organisation_id=owner)
        flash(_(rejected.msgid, **rejected.params), "danger")
    except UserError as error:
        db.rollback()
        if (kind == "spend" and isinstance(error, ImportFileError)
                and (asked := _ask_again(db, upload.stream, filename))):
            return asked
        run = record_file_error(db, kind, filename, error, current_user.id,
                                organisation_id=owner)
        flash(_(error.msgid, **error.params), "danger")
    else:
        flash(_("Imported: %(inserted)d new, %(updated)d changed, %(unchanged)d unchanged.",
                inserted=run.inserted, updated=run.updated, unchanged=run.unchanged), "success")
    audit.record(db, f"import.{kind}", actor_id=current_user.id, object_type="import_run",
                 object_id=run.id, status=run.status, filename=filename)
    db.commit()
    return redirect(url_for("controller.import_run", run_id=run.id))


# --- spend files that need a choice: which columns, or whether to replace changed lines ------
#
# The file waits on disk (the instance folder) under a random token, for the user who sent it
# and the organisation it is for, with what is to be asked (a .json beside it); a day later it
# is deleted.

PENDING_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}")


def _pending_dir() -> Path:
    directory = Path(current_app.instance_path) / "import-pending"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _keep_pending(stream, filename: str) -> str:
    directory = _pending_dir()
    cutoff = time.time() - PENDING_HOURS * 3600
    for old in directory.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    with (directory / f"{token}.upload").open("wb") as handle:
        shutil.copyfileobj(stream, handle)
    _write_meta(token, {"filename": filename, "user_id": current_user.id,
                        "organisation_id": _organisation_id()})
    return token


def _write_meta(token: str, meta: dict) -> None:
    (_pending_dir() / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")


def _pending(token: str) -> dict:
    if not _TOKEN.fullmatch(token):
        abort(404)
    path = _pending_dir() / f"{token}.json"
    if not path.exists() or not (_pending_dir() / f"{token}.upload").exists():
        flash(_("That file is no longer waiting; upload it again."), "warning")
        abort(redirect(url_for("controller.imports")))
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("user_id") != current_user.id or meta.get("organisation_id") != _organisation_id():
        abort(404)
    return meta


def _drop_pending(token: str) -> None:
    for suffix in (".upload", ".json"):
        (_pending_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def _ask_again(db, stream, filename: str):
    """A file refused with the columns remembered for its headings: the choice may be what was
    wrong, so the column page comes back with it chosen (None when nothing was remembered)."""
    stream.seek(0)
    try:
        header = file_header(stream, filename)
    except UserError:
        return None
    remembered = remembered_mapping(db, header, _organisation_id())
    if not remembered:
        return None
    stream.seek(0)
    token = _keep_pending(stream, filename)
    meta = _pending(token)
    meta.update(state="columns", header=header, choices={}, guess={}, mapping=remembered,
                gross=[name for name in header if header_key(name) in GROSS], retry=True)
    _write_meta(token, meta)
    return redirect(url_for("controller.spend_pending", token=token))


def _ask(db, token: str, question: ColumnsUnclear | ChangesNeedConfirmation,
         mapping: dict[str, str]):
    """Keep what is to be asked about the pending file, and go and ask it."""
    meta = _pending(token)
    meta["mapping"] = mapping
    if isinstance(question, ColumnsUnclear):
        meta.update(state="columns", header=question.header, choices=question.choices,
                    guess=question.guess, gross=question.gross)
    else:
        meta.update(state="confirm", count=question.count,
                    changes=old_values(db, question.changes, _organisation_id()),
                    columns=question.layout,
                    duplicates=question.duplicates, duplicate_count=question.duplicate_count)
    _write_meta(token, meta)
    return redirect(url_for("controller.spend_pending", token=token))


@bp.get("/imports/spend/pending/<token>")
def spend_pending(token: str):
    meta = _pending(token)
    if meta["state"] == "columns":
        return render_template("controller/import_columns.html", meta=meta, token=token,
                               fields=SPEND_FIELD_LABELS, required=REQUIRED,
                               selected=meta["mapping"] or meta["guess"])
    return render_template("controller/import_confirm.html", meta=meta, token=token,
                           fields=SPEND_FIELD_LABELS, compared=SPEND_COMPARED_LABELS)


@bp.post("/imports/spend/pending/<token>")
def spend_pending_answer(token: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    meta = _pending(token)
    action = request.form.get("action")
    if action == "cancel":
        _drop_pending(token)
        flash(_("Nothing was imported."), "info")
        return redirect(url_for("controller.imports"))
    mapping = dict(meta.get("mapping") or {})
    replace = keep_both = False
    if action == "columns" and meta["state"] == "columns":
        header = set(meta["header"])
        mapping = {}
        for field in COLUMNS:
            value = request.form.get(f"column-{field}")
            if value is None:
                continue
            if value and value not in header:
                abort(400)
            mapping[field] = value
    elif action == "replace" and meta["state"] == "confirm":
        replace = True
    elif action == "keep_both" and meta["state"] == "confirm" and meta.get("duplicate_count"):
        replace = keep_both = True  # the changed lines listed beside them were confirmed too
    else:
        abort(400)
    db = get_session()
    filename = meta["filename"]
    owner = _organisation_id()
    with (_pending_dir() / f"{token}.upload").open("rb") as stream:
        try:
            with row_limit(int(current_app.config["IMPORT_MAX_ROWS"])):
                run = import_spend(db, stream, filename, organisation_id=owner,
                                   actor_id=current_user.id, mapping=mapping, replace=replace,
                                   keep_both=keep_both)
        except (ColumnsUnclear, ChangesNeedConfirmation) as question:
            db.rollback()
            if isinstance(question, ChangesNeedConfirmation):  # the columns were good
                _remember(db, meta, mapping)
                db.commit()
            return _ask(db, token, question, mapping)
        except ImportRejected as rejected:
            db.rollback()
            run = record_rejection(db, rejected, current_user.id, organisation_id=owner)
            flash(_(rejected.msgid, **rejected.params), "danger")
        except UserError as error:
            db.rollback()
            run = record_file_error(db, "spend", filename, error, current_user.id,
                                    organisation_id=owner)
            flash(_(error.msgid, **error.params), "danger")
        else:
            flash(_("Imported: %(inserted)d new, %(updated)d changed, %(unchanged)d "
                    "unchanged.", inserted=run.inserted, updated=run.updated,
                    unchanged=run.unchanged), "success")
            _remember(db, meta, mapping)  # only a choice that worked comes back
    audit.record(db, "import.spend", actor_id=current_user.id, object_type="import_run",
                 object_id=run.id, status=run.status, filename=filename)
    db.commit()
    _drop_pending(token)
    return redirect(url_for("controller.import_run", run_id=run.id))


def _remember(db, meta: dict, mapping: dict[str, str]) -> None:
    """The columns chosen on the page, for the next file with these headers."""
    if mapping and meta.get("header"):
        remember_mapping(db, meta["header"], mapping, current_user.id,
                         organisation_id=_organisation_id())


def _sync_tenders():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    run = sync_tender_awards(db, organisation_id=_organisation_id(), actor_id=current_user.id)
    audit.record(db, "import.tenders", actor_id=current_user.id, object_type="import_run",
                 object_id=run.id, status=run.status)
    db.commit()
    flash(_("Imported: %(inserted)d new, %(updated)d changed, %(unchanged)d unchanged.",
            inserted=run.inserted, updated=run.updated, unchanged=run.unchanged), "success")
    return redirect(url_for("controller.import_run", run_id=run.id))


def _run(run_id: int) -> ImportRun:
    """The import, if it is the controller's organisation's (another's is not found)."""
    run = get_run(get_session(), run_id, _organisation_id())
    if run is None:
        abort(404)
    return run


@bp.get("/imports/<int:run_id>")
def import_run(run_id: int):
    run = _run(run_id)
    shown = [(row, field, _(msgid, **(params or {})))
             for row, field, msgid, params in run.errors[:500]]
    currencies = {currency: {**used, **{key: date.fromisoformat(used[key])
                                        for key in ("from", "to") if key in used}}
                  for currency, used in (run.notes.get("currencies") or {}).items()}
    return render_template("controller/import_run.html", run=run, errors=shown,
                           kinds=IMPORT_KINDS, currencies=currencies,
                           encodings=ENCODING_LABELS,
                           key_labels=SPEND_KEY_LABELS, fields=SPEND_FIELD_LABELS,
                           climate_codes=EFORMS_CLIMATE_CODES)


@bp.get("/imports/<int:run_id>/report.csv")
def import_report(run_id: int):
    run = _run(run_id)
    data = report_csv(run.errors, translate, (_("Row"), _("Field"), _("Reason")))
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="import-{run.id}-report.csv"'})
