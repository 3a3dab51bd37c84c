"""Reads whose SQL the ORM builds once per process and shape, then runs with each call's ids.

Building a queryset and compiling it costs the ORM about a millisecond for a card's row with
its joins; running it on an index costs the database a tenth of that. A read made on every
change (the answer to a move, a live page's request for a changed card) is therefore built
once per shape, with placeholder ids, and run afterwards with the ids of each call: the same
SQL, the same parameters around the ids, the same converters, so the same rows.

`key` names everything the queryset is built from except those ids (the scope, the filters,
the sort, the user's companies): a key that left an input out would answer with another
shape's rows. So with `settings.PREPARED_READS_CHECK` (on in the tests), every run also
builds the queryset again with the real ids and refuses any difference of SQL or parameters:
an input missing from a key fails a test instead of showing a wrong row.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache
from types import CodeType
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query

# Placeholder ids: negative, so no row has one, and inside every backend's integer range,
# so that the ORM passes them through as they are (out of range, it would drop the lookup).
_FIRST_SLOT, _SECOND_SLOT = -2_000_000_000, -2_100_000_000
_SMALLEST_ID, _LARGEST_ID = -(2**63), 2**63 - 1
# Past this many ids a read is built each time: such reads are rare (a whole page's cards),
# their rows cost more than their compilation, and each count would be another shape.
MAX_SLOTS = 32
# Shapes kept: a page's filters and searches make new ones as users type.
MAX_SHAPES = 512

type Builder = Callable[[list[int]], QuerySet[Any, Any]]


class PreparedReadMismatch(AssertionError):
    """A prepared read's SQL differs from the one its builder gives: its key misses an input."""


@dataclass(frozen=True)
class _Prepared:
    sql: str
    params: tuple[Any, ...]
    # For each parameter, the index of the id it takes, or None when it is the shape's own.
    slots: tuple[int | None, ...]
    query: Query
    # What each column of a row is: its converters come from them, for the connection the
    # read runs on (a thread's own; an ASGI server gives each request a thread).
    fields: tuple[Any, ...]
    # Columns the database returns past those asked for (an ORDER BY's), cut off.
    col_count: int
    has_extra_select: bool
    # The columns of the rows, in order (a `values()` read's keys).
    names: tuple[str, ...]
    # Kept to be run again (a shape), rather than built for one call.
    kept: bool

    def params_for(self, ids: Sequence[int]) -> tuple[Any, ...]:
        return tuple(
            param if slot is None else ids[slot]
            for param, slot in zip(self.params, self.slots, strict=True)
        )


# Per process, shared by its threads: by database alias, key and number of ids.
_SHAPES: OrderedDict[Hashable, _Prepared | None] = OrderedDict()
_SHAPES_LOCK = threading.Lock()


def _storable(pk: int) -> bool:
    """An id a database column can hold; a read of another one is left to the ORM, built
    for that call, to answer as it would without preparing."""
    if type(pk) is not int:
        raise TypeError(f"A prepared read takes int ids, not {type(pk).__name__}.")
    return _SMALLEST_ID <= pk <= _LARGEST_ID


def _names(queryset: QuerySet[Any]) -> tuple[str, ...]:
    """The columns of a `values()` or `values_list()` read, in the order of its rows."""
    if queryset._iterable_class not in (ValuesIterable, ValuesListIterable):
        raise TypeError("A prepared read is a values() or values_list() read.")
    query = queryset.query
    if query.selected:
        return tuple(query.selected)
    return (*query.extra_select, *query.values_select, *query.annotation_select)


def _compiled(queryset: QuerySet[Any], using: str) -> tuple[SQLCompiler, str, tuple[Any, ...]]:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _from(queryset: QuerySet[Any], using: str) -> _Prepared | None:
    """The read of `queryset`, built with its real ids; None when it can return no row."""
    try:
        compiled = _compiled(queryset, using)
    except EmptyResultSet:
        return None
    return _made(queryset, compiled, (None,) * len(compiled[2]), kept=False)


def _made(
    queryset: QuerySet[Any],
    compiled: tuple[SQLCompiler, str, tuple[Any, ...]],
    slots: tuple[int | None, ...],
    *,
    kept: bool,
) -> _Prepared:
    compiler, sql, params = compiled
    return _Prepared(
        sql=sql,
        params=params,
        slots=slots,
        query=compiler.query,
        fields=tuple(column[0] for column in compiler.select[: compiler.col_count]),
        col_count=compiler.col_count or 0,
        has_extra_select=compiler.has_extra_select,
        names=_names(queryset),
        kept=kept,
    )


def _prepare(build: Builder, count: int, using: str) -> _Prepared | None:
    """The read built with placeholder ids. Built twice, with two sets of placeholders: a
    parameter that changes is an id's, one that doesn't is the shape's own, even when a
    caller's value happens to equal a placeholder."""
    first, second = (
        [base - index for index in range(count)] for base in (_FIRST_SLOT, _SECOND_SLOT)
    )
    builds: list[tuple[QuerySet[Any], tuple[SQLCompiler, str, tuple[Any, ...]] | None]] = []
    for ids in (first, second):
        queryset = build(ids)
        try:
            builds.append((queryset, _compiled(queryset, using)))
        except EmptyResultSet:
            builds.append((queryset, None))
    (queryset, compiled), (_other, other) = builds
    if compiled is None or other is None:
        if compiled is not other:
            raise ValueError("A prepared read's SQL must not depend on the values of its ids.")
        return None
    (_compiler, sql, params), (_compiler_2, other_sql, other_params) = compiled, other
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError("A prepared read's SQL must not depend on the values of its ids.")
    slots = tuple(
        None if one == two else first.index(one) if one in first else -1
        for one, two in zip(params, other_params, strict=True)
    )
    if -1 in slots or {slot for slot in slots if slot is not None} != set(range(count)):
        raise ValueError("A prepared read must use each id it is given as a parameter.")
    return _made(queryset, compiled, slots, kept=True)


def _lookup(key: Hashable, build: Builder, count: int, using: str) -> _Prepared | None:
    full_key = (using, key, count)
    with _SHAPES_LOCK:
        if full_key in _SHAPES:
            _SHAPES.move_to_end(full_key)
            return _SHAPES[full_key]
    prepared = _prepare(build, count, using)
    with _SHAPES_LOCK:
        _SHAPES[full_key] = prepared
        if len(_SHAPES) > MAX_SHAPES:
            _SHAPES.popitem(last=False)
    return prepared


def _check(prepared: _Prepared | None, build: Builder, ids: list[int], using: str) -> None:
    queryset = build(ids)
    try:
        _compiler, sql, params = _compiled(queryset, using)
    except EmptyResultSet:
        sql, params = "", ()
    expected = ("", ()) if prepared is None else (prepared.sql, prepared.params_for(ids))
    if (sql, params) != expected:
        raise PreparedReadMismatch(
            f"The prepared read differs from its builder's: {expected} against {(sql, params)}."
        )


@cache
def _server_prepared() -> type[Any]:
    """psycopg's cursor that has the server bind parameters, preparing each statement."""
    from psycopg import Cursor

    class ServerPrepared(Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, **{**options, "prepare": True})

    return ServerPrepared


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor for a prepared read. On PostgreSQL, its statement is prepared on the server
    too, once per connection (a pooled one keeps it): planning a card's read with its joins
    cost the database several times what running it does. Django's cursors bind parameters
    in the client, where nothing can be prepared; this one has the server bind them."""
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        # SQLite, or PostgreSQL told not to prepare.
        return connection.cursor()
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = _server_prepared()(connection.connection)
        # As Django's own cursors: times read in the connection's time zone.
        timestamptz = connection.connection.adapters.types["timestamptz"].oid
        loader = connection.connection.adapters.get_loader(timestamptz, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        # Wrapped as Django wraps its own: logged when queries are (in the tests' counts).
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return connection.make_debug_cursor(cursor)
        return connection.make_cursor(cursor)


def _fetched(
    connection: BaseDatabaseWrapper, prepared: _Prepared, ids: list[int], *, planned: bool
) -> list[Any]:
    with _cursor(connection) if planned else connection.cursor() as cursor:
        cursor.execute(prepared.sql, prepared.params_for(ids))
        return list(cursor.fetchall())


def _stale_plan(error: NotSupportedError) -> bool:
    """Whether PostgreSQL refused a prepared statement whose tables changed since it was
    planned (a column's type, by a migration run from another process)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "0A000" and "cached plan" in str(cause)


def _forget_plans(connection: BaseDatabaseWrapper) -> None:
    """Drops the statements prepared on the connection; psycopg, seeing the command, drops
    its own list of them and prepares each again when next run."""
    with connection.wrap_database_errors:
        connection.connection.execute("DEALLOCATE ALL")


def _run(
    key: Hashable | None,
    ids: Sequence[int],
    build: Builder,
    using: str,
    code: CodeType | None = None,
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    ids = list(dict.fromkeys(ids))
    if key is None or len(ids) > MAX_SLOTS or not all(map(_storable, ids)):
        prepared = _from(build(ids), using)
    else:
        # The builder's code tells apart two reads that their callers gave the same key.
        prepared = _lookup((code or build.__code__, key), build, len(ids), using)
        if settings.PREPARED_READS_CHECK:
            _check(prepared, build, ids, using)
    if prepared is None:
        return (), []
    connection = connections[using]
    # Only a shape read again is planned once by PostgreSQL: one built each time isn't.
    # Nor is a read inside a transaction, where a stale plan couldn't be run again.
    planned = prepared.kept and not connection.in_atomic_block
    try:
        rows = _fetched(connection, prepared, ids, planned=planned)
    except NotSupportedError as error:
        if not (planned and _stale_plan(error)):
            raise
        # A migration changed a table under a plan the server kept: forget them all, once.
        _forget_plans(connection)
        rows = _fetched(connection, prepared, ids, planned=planned)
    if prepared.has_extra_select:
        rows = [row[: prepared.col_count] for row in rows]
    compiler = prepared.query.get_compiler(connection=connection)
    converters = compiler.get_converters(prepared.fields)
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    return prepared.names, [tuple(row) for row in rows]


def prepared_rows(
    key: Hashable | None, ids: Sequence[int], build: Builder, *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of `build(ids)`, a `values_list` read, built once per `key` and number of ids.

    `build` must use each id it is given, and nothing that `key` doesn't name besides them.
    A key of None says the read can't be prepared (it reads the time): it is built each call.
    """
    return _run(key, ids, build, using)[1]


def prepared_dicts(
    key: Hashable | None, ids: Sequence[int], build: Builder, *, using: str = "default"
) -> list[dict[str, Any]]:
    """As `prepared_rows`, for a `values()` read: each row as a dict of its columns."""
    names, rows = _run(key, ids, build, using)
    return [dict(zip(names, row, strict=True)) for row in rows]


@cache
def _columns(
    model: type[Model], related: tuple[str, ...]
) -> tuple[tuple[str, type[Model], list[str]], ...]:
    """(path, model, its columns) of `model` and of each foreign key on `related`'s paths,
    parents first; worked out once per model and paths, not on every read."""
    paths = [""]
    for path in related:
        parts = path.split("__")
        paths += ["__".join(parts[: depth + 1]) for depth in range(len(parts))]
    found = []
    for path in dict.fromkeys(paths):
        current = model
        for name in path.split("__") if path else ():
            target = current._meta.get_field(name).related_model
            assert isinstance(target, type)
            assert issubclass(target, Model)
            current = target
        found.append((path, current, [field.attname for field in current._meta.concrete_fields]))
    return tuple(found)


def prepared_objects[M: Model](
    key: Hashable | None,
    ids: Sequence[int],
    model: type[M],
    build: Callable[[list[int]], QuerySet[M]],
    *,
    related: Sequence[str] = (),
    using: str = "default",
) -> list[M]:
    """The objects of `build(ids)`, read as `prepared_rows` reads, with the objects on the
    paths of foreign keys `related` names (as `select_related` does) attached to them."""
    plan = _columns(model, tuple(related))
    names = [
        f"{path}__{name}" if path else name for path, _model, columns in plan for name in columns
    ]
    _names, rows = _run(
        None if key is None else (model, tuple(related), key),
        ids,
        lambda slots: build(slots).values_list(*names),
        using,
        code=build.__code__,
    )
    found = []
    for row in rows:
        made: dict[str, Model | None] = {}
        start = 0
        for path, path_model, columns in plan:
            values = row[start : start + len(columns)]
            start += len(columns)
            pk_at = columns.index(path_model._meta.pk.attname)
            made[path] = (
                None
                if path and values[pk_at] is None
                else path_model.from_db(using, columns, values)
            )
            if path:
                parent_path, _sep, name = path.rpartition("__")
                parent = made[parent_path]
                if parent is not None:
                    setattr(parent, name, made[path])
        obj = made[""]
        assert isinstance(obj, model)
        found.append(obj)
    return found
