"""One skeleton for the tracks (simplified competition, market dialogue, innovation
partnership): a track declares its pages and its steps, and one runner saves a step.

- A `Page` is one page of a track: its endpoint, its template, what completes it (the tick in
  the track's navigation) and the context its template needs.
- A `Step` is one form posted on a page: its slug, its form, the service call that saves it,
  and where the officer lands afterwards.
- `run_step` saves a step the same way on every track: the tender and the row the route names,
  the form, the version check (optimistic locking: a post without a version is a 400, a stale
  one a 409 that keeps what was typed), the service call, the audit trail (every event the step
  records carries the version it made), one commit, the flash and the redirect. A refused step
  shows its page again with the form and the reason.

Adding a step to a track is one `Step(...)` in the track's declaration, its form (a
VersionedForm) and its service function; see docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session

from procure import clock
from procure.db import get_session
from procure.errors import UserError
from procure.mail import Outbox
from procure.models import Tender
from procure.services import audit, tenders
from procure.web.officer.forms import VersionedForm
from procure.web.officer.journey import next_action
from procure.web.officer.views import _tender


@dataclass(frozen=True)
class StepCall:
    """What a step's service call is given: the session, the tender, the valid form, the row
    the route names (a question, a meeting, a phase; None when it names none), who acts and
    when."""

    session: Session
    tender: Tender
    form: Any
    item: Any
    actor_id: int
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(clock.OSLO).date()

    @property
    def mailer(self) -> Outbox:
        return Outbox.from_config(self.session, current_app.config)  # sent after the commit

    @property
    def rulebook(self) -> Any:
        return current_app.extensions["procure.rulebook"]


@dataclass(frozen=True)
class Done:
    """What a save returns when the landing place depends on what it saved."""

    message: str
    anchor: str = ""


@dataclass(frozen=True)
class Refusal:
    """A step that was not saved, as its page shows it again."""

    tender: Tender
    form: Any
    item: Any
    message: str | None  # why, when the service refused it (the form's own errors aside)
    status: int


@dataclass(frozen=True)
class Step:
    """One form posted on a track's page, and what saves it.

    - `form`: the form class, or a function (tender, item) -> form for forms whose choices
      depend on the tender;
    - `save`: calls the service with a StepCall and returns the message flashed on success,
      or a Done with the message and the anchor to land on (the row it made: "#q-3");
    - `anchor`: where on the page to land afterwards ("#invited");
    - `then`: the page to go to afterwards, when not the step's own page;
    - `form_key`: the name the page's template gives the form;
    - `item`: looks up the row the route names (None: a 404);
    - `invalid_aborts`: a form of hidden fields only (a button): an invalid post is a 400;
    - `errors_flash`: a refusal is flashed on the page it came from rather than shown in the
      form (buttons, again);
    - `refused`: shows the page again in a way of its own (a form inside a list, say).
    """

    slug: str
    page: str
    form: Callable[..., Any]
    save: Callable[[StepCall], str | Done]
    anchor: str = ""
    then: str | None = None
    form_key: str = "form"
    item: Callable[[Session, Tender, int], Any] | None = None
    invalid_aborts: bool = False
    errors_flash: bool = False
    refused: Callable[[Refusal], ResponseReturnValue] | None = None


@dataclass(frozen=True)
class Page:
    """One page of a track: its endpoint, template, what completes it, and the context its
    template needs (given the tender and the forms to show in place of fresh ones)."""

    slug: str
    endpoint: str
    template: str
    context: Callable[[Tender, Mapping[str, Any]], dict[str, Any]]
    done: Callable[[Session, Tender], bool] | None = None
    in_nav: bool = True  # False: a page reached from another (editing one row, say)


@dataclass(frozen=True)
class Track:
    """A track's declaration: whether a tender is on it, the errors its services raise, its
    pages (in the order of the navigation) and its steps."""

    name: str
    applies: Callable[[Session, Tender], bool]
    not_here: Callable[[], str]  # the message for a tender on another track
    errors: tuple[type[UserError], ...]
    pages: tuple[Page, ...]
    steps: tuple[Step, ...] = ()
    context: Callable[[Tender], dict[str, Any]] = field(default=lambda row: {})

    def page(self, slug: str) -> Page:
        return next(p for p in self.pages if p.slug == slug)

    def step(self, slug: str) -> Step:
        return next(s for s in self.steps if s.slug == slug)

    def progress(self, session: Session, tender: Tender) -> dict[str, bool]:
        """Per page with a completion: whether it is done."""
        return {p.slug: p.done(session, tender) for p in self.pages if p.done is not None}

    def url(self, page: str, tender: Tender, anchor: str = "") -> str:
        return url_for(self.page(page).endpoint, tender_id=tender.id) + anchor

    def tender(self, tender_id: int) -> Tender | None:
        """The tender, or None (with a message) when it is not on this track."""
        row = _tender(tender_id)
        if not self.applies(get_session(), row):
            flash(self.not_here(), "warning")
            return None
        return row

    def render(self, page: str, tender: Tender, status: int = 200,
               forms: Mapping[str, Any] | None = None, **extra: Any) -> ResponseReturnValue:
        """Show a page; `forms` replace the page's fresh forms (a refused post's, with what
        was typed). Every other form on the page carries the tender's current version; a posted
        one keeps the version it was based on (the runner rebases it after a conflict)."""
        declared = self.page(page)
        forms = forms or {}
        context = {**self.context(tender), **declared.context(tender, forms), **extra}
        posted = {id(form) for form in forms.values()}
        for value in context.values():
            if isinstance(value, VersionedForm) and id(value) not in posted:
                value.rebase(tender.version)
        return render_template(declared.template, tender=tender, page=page,
                               pages=tuple(p.slug for p in self.pages if p.in_nav),
                               endpoints={p.slug: p.endpoint for p in self.pages},
                               steps=self.progress(get_session(), tender),
                               next_action=next_action(get_session(), tender),
                               **context), status


def run_step(track: Track, slug: str, tender_id: int, item_id: int | None = None
             ) -> ResponseReturnValue:
    """Save one step of a track from the posted form, or show its page again saying why not."""
    step = track.step(slug)
    row = track.tender(tender_id)
    if row is None:
        return redirect(url_for("officer.tender", tender_id=tender_id))
    session = get_session()
    item = None
    if step.item is not None:
        item = step.item(session, row, item_id or 0)
        if item is None:
            abort(404)
    form = step.form(row, item) if not isinstance(step.form, type) else step.form()
    if not isinstance(form, VersionedForm):  # a declaration error, not the user's
        raise TypeError(f"{track.name}.{slug}: a step's form must be a VersionedForm")
    if not form.validate_on_submit():  # a post without a version is a 400 here
        if step.invalid_aborts:
            abort(400)
        return _refuse(track, step, Refusal(row, form, item, None, 400))
    if form.version.data is None:  # validate_on_submit has refused a post without one
        abort(400)
    call = StepCall(session, row, form, item, current_user.id, clock.now())
    try:
        tenders.claim_version(session, row, form.version.data)
        with audit.stamped(session, version=row.version):
            done = step.save(call)
    except tenders.TenderConflict as conflict:
        session.rollback()
        session.refresh(row)
        form.rebase(row.version)
        return _refuse(track, step, Refusal(row, form, item, _(conflict.msgid), 409))
    except track.errors as error:
        session.rollback()
        session.refresh(row)
        text = _(error.msgid, **error.params)
        if step.errors_flash:
            flash(text, "danger")
            return redirect(track.url(step.page, row, step.anchor))
        return _refuse(track, step, Refusal(row, form, item, text, 400))
    session.commit()
    if not isinstance(done, Done):
        done = Done(done, step.anchor)
    flash(done.message, "success")
    return redirect(track.url(step.then or step.page, row, done.anchor or step.anchor))


def _refuse(track: Track, step: Step, refusal: Refusal) -> ResponseReturnValue:
    if step.refused is not None:
        return step.refused(refusal)
    if refusal.message:
        refusal.form.form_errors.append(refusal.message)
    return track.render(step.page, refusal.tender, refusal.status,
                        {step.form_key: refusal.form})


def plain_form() -> VersionedForm:
    """The form behind a button: the CSRF token and the version, nothing else."""
    return VersionedForm()

