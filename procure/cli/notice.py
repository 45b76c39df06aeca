"""`procure notice validate FILE`: an eForms notice checked offline against the XSD, the EU
Schematron for its subtype and DFØ's Norwegian rules. Exit 0 when valid, 1 when not, 2 when
the file cannot be read as a notice."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from procure import clock
from procure.errors import N_
from procure.vocabulary import EFORMS_RULE_SETS, label, translate_to

VALID, INVALID, UNREADABLE = 0, 1, 2
LANGUAGES = ("nb", "en")


@click.group("notice")
def notice_group() -> None:
    """eForms notices for Doffin and TED."""


def _unreadable(lang: str, msgid: str, **params: object) -> None:
    message = translate_to(lang, msgid, **params)
    click.echo(translate_to(lang, N_("Error: %(message)s"), message=message), err=True)
    sys.exit(UNREADABLE)


@notice_group.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv ett JSON-objekt.")
@click.option("--today", "today_text", default=None,
              help="Dagens dato for reglene som sammenligner med den, YYYY-MM-DD.")
@click.option("--lang", default="nb", show_default=True, help=", ".join(LANGUAGES))
@with_appcontext
def validate_command(file: Path, as_json: bool, today_text: str | None, lang: str) -> None:
    """Check FILE (eForms XML) against the XSD, the EU Schematron for its subtype and DFØ's
    Norwegian rules. Exit 0 valid, 1 invalid, 2 unreadable."""
    from procure.eforms import NoticeUnreadable, validate

    if lang not in LANGUAGES:
        click.echo(f"Feil: --lang {lang!r}: bruk nb eller en / Error: use nb or en", err=True)
        sys.exit(UNREADABLE)
    today = clock.today()
    if today_text is not None:
        try:
            today = date.fromisoformat(today_text)
        except ValueError:
            _unreadable(lang, N_("--today %(value)s is not a date (YYYY-MM-DD)."),
                        value=today_text)
    try:
        data = file.read_bytes()
    except OSError as error:
        _unreadable(lang, N_("%(file)s cannot be read: %(reason)s"), file=str(file),
                    reason=error.strerror or str(error))

    def progress(msgid: str, **params: object) -> None:
        click.echo(translate_to(lang, msgid, **params), err=True)

    try:
        report = validate(data, today=today, progress=progress)
    except NoticeUnreadable as error:
        _unreadable(lang, error.msgid, **(error.params or {}))
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False))
    else:
        with current_app.test_request_context(), force_locale(lang):
            click.echo(_summary(file, report, lang))
    sys.exit(VALID if report.valid else INVALID)


def _summary(file: Path, report, lang: str) -> str:
    lines = [_("%(file)s: valid eForms notice, subtype %(subtype)s.", file=file.name,
               subtype=report.subtype) if report.valid else
             _("%(file)s: not valid, subtype %(subtype)s.", file=file.name,
               subtype=report.subtype),
             _("Checked against: %(rules)s.", rules=label(EFORMS_RULE_SETS, report.kind))]
    for heading, findings in ((_("Errors (%(count)d)", count=len(report.errors)),
                               report.errors),
                              (_("Warnings (%(count)d)", count=len(report.warnings)),
                               report.warnings)):
        if not findings:
            continue
        lines.append(heading)
        for finding in findings:
            where = f" {finding.field}" if finding.field else ""
            lines.append(f"  {finding.rule}{where}: {finding.message(lang)}")
            lines.append(f"    {finding.location}")
    return "\n".join(lines)
