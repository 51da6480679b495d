"""Writing many rows at once through Core: the ORM's per-row bookkeeping costs more CPU than
SQLite spends on the write."""

from collections.abc import Mapping
from functools import cache

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update


def insert_ignoring_duplicates(session: Session | AsyncSession, table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING for the session's dialect (SQLite or PostgreSQL)."""
    return _insert_ignoring(session.get_bind().dialect.name == "postgresql", table)


@cache
def _insert_ignoring(postgres: bool, table: Table) -> Insert:
    """Built once per table (see ``_update_by_id``)."""
    if postgres:
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def update_by_id(
    session: Session, table: Table, changes: Mapping[int, Mapping[str, object]]
) -> None:
    """Apply ``{row id: {column: value}}``: one executemany per set of columns changed."""
    shapes: dict[tuple[str, ...], list[dict[str, object]]] = {}
    for row_id, values in changes.items():
        if values:
            row = {"row_id": row_id} | {f"new_{key}": value for key, value in values.items()}
            shapes.setdefault(tuple(values), []).append(row)
    for keys, rows in shapes.items():
        session.execute(_update_by_id(table, keys), rows)


@cache
def _update_by_id(table: Table, keys: tuple[str, ...]) -> Update:
    """The statement for one set of columns, built once: building it and its cache key for
    every feed's save cost more CPU than SQLite spent running it."""
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({key: bindparam(f"new_{key}") for key in keys})
    )
