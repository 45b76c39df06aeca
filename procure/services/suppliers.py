"""Supplier register queries."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from procure.models import Supplier


def size_class_counts(session: Session) -> dict[str, int]:
    statement = select(Supplier.size_class, func.count()).group_by(Supplier.size_class)
    return {size: count for size, count in session.exec(statement).all()}


def local_count(session: Session, kommunenummer: str) -> int:
    statement = select(func.count()).select_from(Supplier).where(
        Supplier.kommunenummer == kommunenummer
    )
    return session.exec(statement).one()


def all_suppliers(session: Session) -> list[Supplier]:
    return list(session.exec(select(Supplier).order_by(Supplier.name)).all())
