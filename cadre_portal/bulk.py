"""Fast bulk inserts with django-simple-history rows, for large imports.

``bulk_insert_with_history(objs, model, user=...)`` writes the same rows as
``simple_history.utils.bulk_create_with_history(objs, model, default_user=user)``
(the model's rows, then one historical row per object: type ``+``, the user, the
object's change reason) and returns ``objs`` with their primary keys set, like
``bulk_create``. It is all-or-nothing inside the caller's transaction, and an
integrity error (a unique constraint) is Django's ``IntegrityError`` as usual.

On PostgreSQL it does not build INSERT statements value by value: it reserves the
primary keys from the table's sequence in one query, converts each column once
with a converter chosen per field type, and loads the rows with ``COPY … FROM
STDIN`` (one COPY per table and batch of 10,000). The historical rows reuse the
converted columns of the model's rows. The statements go through the
connection's execute wrappers, so query counters and instrumentation see them.

Everything else (SQLite, a model or field this module does not know how to
copy faithfully) goes through simple-history's own ``bulk_create_with_history``
(or Django's ``bulk_create`` when no history is wanted).

Differences from ``bulk_create_with_history``, on purpose: ``auto_now`` /
``auto_now_add`` fields and ``history_date`` get one timestamp for the whole call
(simple-history takes ``timezone.now()`` per object), and no signals are sent
(``bulk_create`` sends none either).
"""

from __future__ import annotations

import functools
import io
import json
from datetime import datetime
from operator import itemgetter

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import NOT_PROVIDED, Model
from django.db.models.base import ModelState
from django.utils import timezone

BATCH_SIZE = 10_000
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# get_internal_type() -> converter kind. Anything else makes the model fall back.
_TEXT = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "GenericIPAddressField",
         "IPAddressField", "UUIDField"}
_INT = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
        "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}
_KINDS = {**{k: "text" for k in _TEXT}, **{k: "int" for k in _INT}, "BooleanField": "bool", "DateField": "date",
          "DateTimeField": "datetime", "JSONField": "json", "DecimalField": "decimal", "FloatField": "float"}


def history_model(model):
    """The simple-history model tracking ``model``, or None."""
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    if not name or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return getattr(model, name).model


def bulk_insert_with_history(objs, model, *, user, history: bool = True, using: str | None = None):
    """Insert unsaved ``objs`` of ``model`` and, when ``history`` and the model is tracked by
    simple-history, one ``+`` historical row each recording ``user``. Returns ``objs``."""
    objs = list(objs)
    if not objs:
        return objs
    using = using or router.db_for_write(model)
    connection = connections[using]
    hmodel = history_model(model) if history else None
    if connection.vendor != "postgresql" or not _copyable(model, hmodel):
        return _fallback(objs, model, user=user, history=hmodel is not None, using=using)
    with transaction.atomic(using=using, savepoint=False):
        _copy_insert(objs, model, hmodel, user=user, connection=connection, using=using)
    return objs


def _fallback(objs, model, *, user, history, using):
    if history:
        from simple_history.utils import bulk_create_with_history

        return bulk_create_with_history(objs, model, default_user=user)
    return model._default_manager.db_manager(using).bulk_create(objs)


def build(model, rows) -> list:
    """Unsaved instances of ``model`` from dicts keyed by attribute name (``village_id``),
    the missing ones getting the field defaults exactly as ``model(**row)`` would.

    Instances are created with positional arguments (Django's ``from_db`` path), which
    skips the per-field keyword handling of ``Model.__init__``: ~3× faster for wide
    models. An unknown key raises ``TypeError`` like the constructor does."""
    fields = model._meta.concrete_fields
    if len(fields) != len(model._meta.fields):  # private fields and the like: the usual way
        return [model(**row) for row in rows]
    attnames = [f.attname for f in fields]
    known = set(attnames)
    static, factories = {}, []
    for f in fields:
        if f.has_default() and callable(f.default):
            factories.append((f.attname, f.get_default))
        else:
            static[f.attname] = f.get_default()
    direct = _direct_init(model)
    result = []
    append = result.append
    for row in rows:
        if not known.issuperset(row):
            unknown = next(iter(set(row) - known))
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: '{unknown}'")
        values = static.copy()
        for attname, factory in factories:
            if attname not in row:
                values[attname] = factory()
        values.update(row)
        if direct:
            # What Model.__init__ leaves on a new instance: a fresh state and the
            # field values in its __dict__ (no descriptor here has anything to do).
            obj = model.__new__(model)
            obj._state = ModelState()
            obj.__dict__.update(values)
        else:
            obj = model(*[values[a] for a in attnames])
        append(obj)
    return result


@functools.lru_cache(maxsize=None)
def _direct_init(model) -> bool:
    """Instances may be made without ``__init__``: no init signal receivers, and no field
    attribute with a setter other than a foreign key's (which only clears a cache a new
    instance does not have)."""
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
    from django.db.models.signals import post_init, pre_init

    if pre_init.has_listeners(model) or post_init.has_listeners(model) or model.__init__ is not Model.__init__:
        return False
    for f in model._meta.concrete_fields:
        descriptor = getattr(model, f.attname, None)
        if hasattr(type(descriptor), "__set__") and type(descriptor) is not ForeignKeyDeferredAttribute:
            return False
    return True


# --- what can be copied faithfully ---------------------------------------------------------------


def _kind(field) -> str | None:
    if field.is_relation:
        return _kind(field.target_field) if field.many_to_one or field.one_to_one else None
    return _KINDS.get(field.get_internal_type())


def _plain(field) -> bool:
    """A column whose value is the attribute as it stands (no db default, not generated)."""
    if getattr(field, "generated", False) or getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
        return False
    if _kind(field) is None:
        return False
    # pre_save must be Field.pre_save, or a date/time field's auto_now(_add) handled below.
    from django.db.models import DateField, Field

    pre_save = type(field).pre_save
    return pre_save is Field.pre_save or isinstance(field, DateField)


HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


@functools.lru_cache(maxsize=None)
def _copyable(model, hmodel) -> bool:
    opts = model._meta
    if opts.parents or opts.proxy or opts.pk.get_internal_type() not in ("AutoField", "BigAutoField", "SmallAutoField"):
        return False
    if not all(_plain(f) for f in opts.concrete_fields):
        return False
    if hmodel is None:
        return True
    tracked = {f.attname for f in hmodel.tracked_fields}
    own = {f.attname for f in opts.concrete_fields}
    if not tracked <= own:
        return False
    # Exactly the tracked fields and simple-history's own columns; anything else (a
    # history_relation, custom historical attributes, a UUID history_id) -> fallback.
    columns = {f.attname for f in hmodel._meta.concrete_fields}
    if columns != tracked | HISTORY_COLUMNS or hasattr(hmodel, "history_relation"):
        return False
    if hmodel._meta.pk.attname != "history_id" or hmodel._meta.pk.get_internal_type() not in ("AutoField", "BigAutoField"):
        return False
    return True


# --- converters: one per column, applied to the column's list of values --------------------------


def _escape_strings(values: list) -> list[str]:
    """Text-format COPY values of a column of strings (None -> NULL)."""
    strings = [v if type(v) is str else str(v) for v in values if v is not None]
    blob = "".join(strings)
    if "\x00" in blob:
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    special = "\\" in blob or "\t" in blob or "\n" in blob or "\r" in blob
    if not special and len(strings) == len(values):
        return strings
    if not special:
        return [NULL if v is None else (v if type(v) is str else str(v)) for v in values]
    return [NULL if v is None else (v if type(v) is str else str(v)).translate(_ESCAPES) for v in values]


def _convert(field, values: list, connection) -> list[str]:
    kind = _kind(field)
    if kind == "text":
        return _escape_strings(values)
    if kind == "int":
        return [NULL if v is None else str(int(v)) for v in values]
    if kind == "bool":
        to_python = field.to_python  # "False", 0 … as Django reads them
        return [NULL if v is None else ("t" if (v if type(v) is bool else to_python(v)) else "f") for v in values]
    if kind == "date":
        return _memoized(values, lambda v: _as_date(field, v).isoformat())
    if kind == "datetime":
        tz = timezone.get_default_timezone()
        return _memoized(values, lambda v: _aware(field.to_python(v) if isinstance(v, str) else v, tz).isoformat())
    if kind == "json":
        dumps = functools.partial(json.dumps, cls=field.encoder)
        return _escape_strings([None if v is None else dumps(v) for v in values])
    # decimal, float: Django's own preparation (rare columns in imports).
    return _escape_strings([field.get_db_prep_save(v, connection) for v in values])


def _memoized(values: list, convert) -> list[str]:
    """Dates and timestamps repeat (one ``now`` for a whole batch): convert each once."""
    seen = {None: NULL}
    out = []
    for v in values:
        s = seen.get(v)
        if s is None:
            s = seen[v] = convert(v)
        out.append(s)
    return out


def _as_date(field, value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # "2024-05-01", as DateField.to_python reads it
        return field.to_python(value)
    return value


def _aware(value, tz):
    if not isinstance(value, datetime):  # a date given to a DateTimeField
        value = datetime(value.year, value.month, value.day)
    if settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, tz)
    return value


# --- PostgreSQL: sequence + COPY ---------------------------------------------------------------------


def _execute(connection, cursor, sql, params, executor):
    """Run ``executor`` through the connection's execute wrappers (query counters see it)."""
    context = {"connection": connection, "cursor": cursor}
    run = executor
    for wrapper in reversed(connection.execute_wrappers):
        run = functools.partial(wrapper, run)
    with connection.wrap_database_errors:
        return run(sql, params, False, context)


def _copy(connection, cursor, table: str, columns: list[str], lines: list[str]) -> None:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    data = "\n".join(lines) + "\n"
    raw = cursor.cursor

    def executor(sql, params, many, context):
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, io.StringIO(data), size=1 << 20)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(data)

    _execute(connection, cursor, sql, None, executor)


def _reserve_pks(connection, cursor, model, n: int) -> list[int]:
    opts = model._meta
    key = (connection.alias, connection.settings_dict["NAME"], opts.db_table)
    sequence = _SEQUENCES.get(key)
    if sequence is None:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(opts.db_table), opts.pk.column])
        sequence = _SEQUENCES[key] = cursor.fetchone()[0]
    # The sequence as a constant (``nextval(pg_get_serial_sequence(…))`` would look it up per
    # row: 5× slower), and one row back with the ids as text, not n rows: 10,000 ids in ~15 ms.
    cursor.execute(
        "SELECT string_agg(v::text, ',' ORDER BY v) FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS ids",
        [sequence, n],
    )
    return list(map(int, cursor.fetchone()[0].split(",")))


_SEQUENCES: dict[tuple, str] = {}


def _prepare_related(objs, fk_fields) -> None:
    """What ``bulk_create`` checks for foreign keys: no unsaved related object; an object
    assigned before it was saved gives its pk now."""
    for field in fk_fields:
        cache = getattr(field, "cache_name", None) or field.get_cache_name()
        attname = field.attname
        for obj in objs:
            related = obj._state.fields_cache.get(cache)
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(f"bulk_create() prohibited to prevent data loss due to unsaved related object '{field.name}'.")
            value = getattr(related, field.target_field.attname)
            if getattr(obj, attname) in field.empty_values:
                setattr(obj, attname, value)


def _copy_insert(objs, model, hmodel, *, user, connection, using) -> None:
    opts = model._meta
    fields = list(opts.concrete_fields)
    now = timezone.now()
    _prepare_related(objs, [f for f in fields if f.is_relation])
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now if field.get_internal_type() == "DateTimeField" else timezone.localdate(now)
            for obj in objs:
                setattr(obj, field.attname, value)
    with connection.cursor() as cursor:
        missing = [obj for obj in objs if obj.pk is None]
        if missing:
            for obj, pk in zip(missing, _reserve_pks(connection, cursor, model, len(missing))):
                obj.pk = pk
        for start in range(0, len(objs), BATCH_SIZE):
            batch = objs[start:start + BATCH_SIZE]
            dicts = [o.__dict__ for o in batch]
            converted = {f.attname: _convert(f, _values(batch, dicts, f.attname), connection) for f in fields}
            _copy(connection, cursor, opts.db_table, [f.column for f in fields], _rows(converted[f.attname] for f in fields))
            if hmodel is not None:
                _copy_history(batch, hmodel, converted, user=user, now=now, connection=connection, cursor=cursor)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def _values(batch, dicts, attname) -> list:
    """A column's values: straight from the instances' dicts (no descriptor per value),
    through the attribute for a deferred field."""
    try:
        return list(map(itemgetter(attname), dicts))
    except KeyError:
        return [getattr(o, attname) for o in batch]


def _rows(columns) -> list[str]:
    return ["\t".join(row) for row in zip(*columns)]


def _copy_history(batch, hmodel, converted, *, user, now, connection, cursor) -> None:
    """simple-history's ``bulk_history_create`` for these objects: the tracked values, history
    date (``_history_date`` or now), user (``_history_user``, else ``user``, else the model's
    default history user), change reason (``_change_reason``, else NULL) and type ``+``."""
    from simple_history.utils import get_change_reason_from_object

    hfields = [f for f in hmodel._meta.concrete_fields if f.attname != "history_id"]
    tracked = {f.attname for f in hmodel.tracked_fields}
    n = len(batch)
    user_field = hmodel._meta.get_field("history_user")
    date_field = hmodel._meta.get_field("history_date")

    def history_user(obj):
        return getattr(obj, "_history_user", user or hmodel.get_default_history_user(obj))

    users = [history_user(o) for o in batch]
    user_ids = [getattr(u, "pk", u) for u in users]
    dates = [getattr(o, "_history_date", now) for o in batch]
    reasons = [get_change_reason_from_object(o) or None for o in batch]
    columns = []
    for f in hfields:
        name = f.attname
        if name in tracked:
            columns.append(converted[name])
        elif name == "history_user_id":
            columns.append(_convert(user_field, user_ids, connection))
        elif name == "history_date":
            first = dates[0]
            if all(d is first for d in dates):
                columns.append(_convert(date_field, [first], connection) * n)
            else:
                columns.append(_convert(date_field, dates, connection))
        elif name == "history_change_reason":
            columns.append(_escape_strings(reasons))
        elif name == "history_type":
            columns.append(["+"] * n)
        else:  # _copyable() admits no other column
            raise AssertionError(name)
    _copy(connection, cursor, hmodel._meta.db_table, [f.column for f in hfields], _rows(columns))


__all__ = ["bulk_insert_with_history", "build", "history_model", "BATCH_SIZE"]
