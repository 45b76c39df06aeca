"""Side effects in the open (issue 17): the session hooks are registered by create_app (and
by the tests' and bench scripts' own set-up), never by importing a module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from procure.db import get_session

HOOKS_SCRIPT = """
from sqlalchemy import event
from sqlalchemy.orm import Session

import procure.ingest, procure.models, procure.outbox, procure.services.spend_summary
from procure import db

modules = (procure.models, procure.services.spend_summary, procure.outbox)
hooks = [(name, function) for module in modules for name, function in module.ORM_HOOKS]
assert len(hooks) == 5, hooks
assert not any(event.contains(Session, *hook) for hook in hooks), "registered on import"

from procure import create_app

create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite://"})
assert all(event.contains(Session, *hook) for hook in hooks), "create_app registers them"

calls = []
real_listen = db.event.listen


def counting_listen(target, *args, **kwargs):
    if target is Session:
        calls.append(args)
    return real_listen(target, *args, **kwargs)


db.event.listen = counting_listen
db.register_hooks()
create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite://"})
assert calls == [], "registered twice"
print("ok")
"""


def test_importing_registers_no_hook_and_create_app_registers_each_once():
    done = subprocess.run([sys.executable, "-c", HOOKS_SCRIPT], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_hooks_work_in_an_app_session(app, db):
    from procure.domain.purchases import search_text
    from procure.models import Organisation
    from procure.services import tenders

    with app.app_context():
        session = get_session()
        organisation = Organisation(name="Kommunen", orgnr="923456783", kommunenummer="3205")
        session.add(organisation)
        session.flush()
        tender = tenders.create_draft(session, organisation.id, "Brøyting av skolegårder",
                                      "Vinteren 2027.", actor_id=None)
        session.commit()
        # The before_flush hook keeps the search text and the public fingerprint; a draft the
        # public has never seen keeps public version 0 (issue 19, finding 12).
        assert tender.search_text and search_text("Brøyting") in tender.search_text
        assert tender.public_fingerprint and tender.public_version == 0
