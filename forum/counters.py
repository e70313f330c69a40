"""Counters kept in SQL, in the caller's write transaction: a row's counts raised by an
UPDATE of their own column (reply_count = reply_count + 1), and counts kept per key made or
raised by one INSERT ... ON CONFLICT. Never read into Python and written back: across worker
processes that loses updates silently."""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Insert, Select, Table, Update, bindparam, update
from sqlalchemy.sql.elements import ClauseElement

from forum.database import dialect_insert
from forum.extensions import db


def update_row(model, row_id: int, *, add: dict | None = None, **assigned) -> None:
    """UPDATE one row in SQL, in the caller's transaction: each column of `add` raised by its
    amount (reply_count = reply_count + 1), each of `assigned` set to its value.

    Counters are never read into Python and written back: across worker processes that loses
    updates. A plain UPDATE of the table, not the ORM's bulk update (which cost a third of a
    reply): the session's copies are not synchronised; the commit that follows expires them.
    The statement is built once for each table and set of columns, with the values bound: a
    reply makes four, and building them took nearly a tenth of it. An amount or value that is
    itself SQL (a subquery) is written into a statement built for the call.
    """
    table = model.__table__
    add = add or {}
    if any(isinstance(value, ClauseElement) for value in (*add.values(), *assigned.values())):
        changes = {column: table.c[column] + amount for column, amount in add.items()}
        statement = update(table).where(table.c.id == row_id).values({**changes, **assigned})
        db.session.execute(statement)
        return
    parameters = {f"add_{column}": amount for column, amount in add.items()}
    parameters.update({f"set_{column}": value for column, value in assigned.items()})
    parameters["row_id"] = row_id
    db.session.execute(_row_update(table, tuple(add), tuple(assigned)), parameters)


@lru_cache(maxsize=64)
def _row_update(
    table: Table, added: tuple[str, ...], assigned: tuple[str, ...], prefix: str = ""
) -> Update:
    changes = {
        column: table.c[column] + bindparam(f"{prefix}add_{column}", type_=table.c[column].type)
        for column in added
    }
    changes.update(
        {
            column: bindparam(f"{prefix}set_{column}", type_=table.c[column].type)
            for column in assigned
        }
    )
    return update(table).where(table.c.id == bindparam(f"{prefix}row_id")).values(changes)


@dataclass(frozen=True)
class RowUpdate:
    """One row's change for update_rows(), as update_row() takes it: the columns of `add`
    raised by their amounts, those of `assigned` set to their values (plain values, not SQL)."""

    model: type
    row_id: int
    add: dict = field(default_factory=dict)
    assigned: dict = field(default_factory=dict)


def update_rows(*updates: RowUpdate) -> None:
    """update_row() of several rows, in the caller's transaction and in the order given.

    On PostgreSQL one statement: the first UPDATE, with the others in its WITH clause (each runs
    once whether or not anything reads it), where a reply's four were four round trips, each
    costing the app more than its statement costs the server. PostgreSQL runs them after the
    main one, the last of the WITH clause first (it keeps them in a list it prepends to), so
    they are written there in reverse: the rows are locked in the order given, as separate
    statements would lock them (tests/test_counters.py holds PostgreSQL to it).
    Elsewhere one statement each (SQLite has no UPDATE in WITH, and no round trips). No two may
    change the same row: the parts of one statement read one snapshot, and PostgreSQL would
    keep only one of the two changes.
    """
    rows = [(change.model.__table__, change.row_id) for change in updates]
    if len(set(rows)) != len(rows):
        raise ValueError("update_rows() changes a row once")
    if len(updates) == 1 or db.session.get_bind().dialect.name != "postgresql":
        for change in updates:
            update_row(change.model, change.row_id, add=change.add, **change.assigned)
        return
    parameters = {}
    for number, change in enumerate(updates):
        prefix = f"u{number}_"
        parameters[f"{prefix}row_id"] = change.row_id
        parameters.update({f"{prefix}add_{column}": v for column, v in change.add.items()})
        parameters.update({f"{prefix}set_{column}": v for column, v in change.assigned.items()})
    shape = tuple(
        (change.model.__table__, tuple(change.add), tuple(change.assigned)) for change in updates
    )
    db.session.execute(_rows_update(shape), parameters)


@lru_cache(maxsize=64)
def _rows_update(shape: tuple) -> Update:
    first, *others = (
        _row_update(table, added, assigned, prefix=f"u{number}_")
        for number, (table, added, assigned) in enumerate(shape)
    )
    parts = [statement.cte(f"row_update_{number}") for number, statement in enumerate(others, 1)]
    return first.add_cte(*reversed(parts))


def adding_insert(
    dialect: str, table: Table, columns: tuple, rows: Select, *, keys: list, added: tuple
) -> Insert:
    """INSERT ... SELECT that, where a row with the same keys exists, adds the new row's `added`
    columns to it (ON CONFLICT DO UPDATE, which both backends have): a count's first change
    makes its row, and two transactions never both make it."""
    statement = dialect_insert(dialect)(table).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in added},
    )


def add_counted(statement: Insert, *, removed: bool, sign: int, **parameters) -> None:
    """Run an adding_insert() whose rows take :shown (the change of what members see) and
    :removed (of what only moderators see), for a thing counted (sign 1) or taken off (-1)."""
    shown_change, removed_change = (0, sign) if removed else (sign, 0)
    db.session.execute(statement, {**parameters, "shown": shown_change, "removed": removed_change})
