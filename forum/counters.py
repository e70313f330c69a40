"""Counters kept in SQL, in the caller's write transaction: a row's counts raised by an
UPDATE of their own column (reply_count = reply_count + 1), and counts kept per key made or
raised by one INSERT ... ON CONFLICT. Never read into Python and written back: across worker
processes that loses updates silently."""

from functools import lru_cache

from sqlalchemy import Insert, Select, Table, Update, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ClauseElement

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
def _row_update(table: Table, added: tuple[str, ...], assigned: tuple[str, ...]) -> Update:
    changes = {
        column: table.c[column] + bindparam(f"add_{column}", type_=table.c[column].type)
        for column in added
    }
    changes.update(
        {column: bindparam(f"set_{column}", type_=table.c[column].type) for column in assigned}
    )
    return update(table).where(table.c.id == bindparam("row_id")).values(changes)


def adding_insert(
    dialect: str, table: Table, columns: tuple, rows: Select, *, keys: list, added: tuple
) -> Insert:
    """INSERT ... SELECT that, where a row with the same keys exists, adds the new row's `added`
    columns to it (ON CONFLICT DO UPDATE, which both backends have): a count's first change
    makes its row, and two transactions never both make it."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(table).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in added},
    )


def add_counted(statement: Insert, *, removed: bool, sign: int, **parameters) -> None:
    """Run an adding_insert() whose rows take :shown (the change of what members see) and
    :removed (of what only moderators see), for a thing counted (sign 1) or taken off (-1)."""
    shown_change, removed_change = (0, sign) if removed else (sign, 0)
    db.session.execute(statement, {**parameters, "shown": shown_change, "removed": removed_change})
