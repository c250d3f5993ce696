"""Validation and writing for every registry: one pass in Python over the parsed rows,
with lookups prefetched (a few queries per file, not per row), then one transaction."""

from __future__ import annotations

import hashlib
import hmac
import pickle
from decimal import Decimal

from django.db import transaction

from cadre_portal.excel.columns import CellError, Column, plain_date
from cadre_portal.excel.reading import Table, clean_text
from cadre_portal.excel.resources import ExcelResource, ImportRefused, RowResult

PROGRESS_EVERY = 1000

# Kept for callers of the first version: a refusal at confirm.
CommitConflict = ImportRefused


def validate(resource: ExcelResource, table: Table, progress=None) -> list[RowResult]:
    """Parse every cell, check every row; classify as new / update / unchanged / error."""
    present_headers = set(table.headers.values())
    columns = [c for c in resource.import_columns() if c.header in present_headers]
    missing = [c.header for c in resource.import_columns() if c.required and c.header not in present_headers]
    targets = [c.target for c in columns]
    ctx = resource.ctx
    results: list[RowResult] = []
    total = len(table.rows)
    # Per column: (header, target, read, memo). A memoizing column parses each distinct
    # cell once per file (coded values, villages, yes/no repeat on every row); the
    # outcome, value or message, is the same as reading the cell again.
    plan = [(c.header, c.target, c.read, {} if c.memoize else None) for c in columns]
    # Columns that check or derive their value from another cell of the row (a birth
    # date against the ID number) run after all cells are read.
    cross = [c.cross_check for c in columns if type(c).cross_check is not Column.cross_check]
    month_targets = [c.target for c in columns if getattr(c, "allow_month", False)]
    for i, sheet_row in enumerate(table.rows):
        row = RowResult(number=sheet_row.number, raw=sheet_row.cells)
        cells = sheet_row.cells
        values = row.values
        for header, target, read, memo in plan:
            raw = cells.get(header)
            if memo is not None:
                try:
                    outcome = memo.get((type(raw), raw))
                except TypeError:  # an unhashable cell: read it as it is
                    outcome = memo = None
                if outcome is None:
                    try:
                        outcome = (True, read(raw, ctx))
                    except CellError as exc:
                        outcome = (False, str(exc))
                    if memo is not None:
                        memo[(type(raw), raw)] = outcome
                if outcome[0]:
                    values[target] = outcome[1]
                else:
                    row.error(header, outcome[1])
                continue
            try:
                values[target] = read(raw, ctx)
            except CellError as exc:
                row.error(header, str(exc))
        row.present = list(targets)
        for header in missing:
            row.error(header, "文件中没有这一列，请使用下载的模板填写。")
        for check in cross:
            check(row)
        results.append(row)
        if progress and i and i % PROGRESS_EVERY == 0:
            progress(int(40 * i / max(total, 1)))

    resource.prepare(results)
    for row in results:
        if row.status != "error":
            resource.check_row(row)
        for target in month_targets:  # a month alone is never stored as such
            if target in row.values:
                row.values[target] = plain_date(row.values[target])
    _check_keys(resource, results)
    if progress:
        progress(50)
    return results


def display(row: RowResult, headers: list[str]) -> list[str]:
    """The row's cells as the preview shows them (computed only for rows shown)."""
    return [clean_text(row.raw.get(h))[:60] for h in headers]


def _check_keys(resource: ExcelResource, results: list[RowResult]) -> None:
    """Duplicates inside the file, records outside the scope, and new/update/unchanged."""
    if not resource.natural_key:
        return
    headers = resource.key_headers()
    first_seen: dict[tuple, int] = {}
    keyed: list[tuple[RowResult, tuple]] = []
    for row in results:
        key = resource.key_of(row.values)
        if key is None:
            continue
        if key in first_seen:
            row.error(headers, f"与第 {first_seen[key]} 行重复（{headers}相同）。")
            continue
        first_seen[key] = row.number
        if row.status != "error":
            keyed.append((row, key))
    keys = [key for _row, key in keyed]
    existing = resource.existing(keys)
    outside = resource.outside_scope([k for k in keys if k not in existing])
    label = {c.target: c.header for c in resource.import_columns()}
    for row, key in keyed:
        if key in outside:
            row.error(headers, resource.OUTSIDE_SCOPE_MESSAGE)
            continue
        record = existing.get(key)
        if record is None:
            row.status = "new"
            resource.check_new(row)
            continue
        if not resource.allow_update:
            row.error(headers, f"{headers}已存在，不能重复导入。")
            continue
        row.pk = record["pk"]
        row.changes = [label.get(t, t) for t in row.present if t in record and _differs(record[t], row.values.get(t))]
        row.status = "update" if row.changes else "unchanged"
        resource.check_existing(row, record)


def _differs(current, new) -> bool:
    if current in (None, "") and new in (None, ""):
        return False
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        try:
            return Decimal(str(current)) != Decimal(str(new))
        except Exception:
            return True
    return current != new


def counts(results: list[RowResult]) -> dict:
    tally = {"total": len(results), "new": 0, "update": 0, "unchanged": 0, "error": 0}
    for row in results:
        tally[row.status] += 1
    return tally


def commit(resource: ExcelResource, rows: list[RowResult], *, before_commit=None) -> dict:
    """Write all rows in one transaction, or nothing.

    Inside the transaction, first the checks the preview made, again on the current data:
    the natural keys (one query: a key created or a record moved since the preview),
    keys that exist outside the user's scope, and the registry's business rules
    (``recheck``). Any failure, and any refusal the registry's own writing code raises
    (``refusal_types``), is an ``ImportRefused`` naming the sheet's rows. ``before_commit``
    runs last inside the transaction (the job's own status change)."""
    new = [r for r in rows if r.status == "new"]
    upd = [r for r in rows if r.status == "update"]
    if any(r.status == "error" for r in rows):
        raise ImportRefused("文件中仍有错误行，不能导入。")
    headers = resource.key_headers()
    with transaction.atomic():
        if resource.natural_key:
            keys = {id(r): resource.key_of(r.values) for r in new + upd}
            existing = resource.existing([k for k in keys.values() if k is not None])
            errors = []
            for row in new:
                if keys[id(row)] in existing:
                    errors.append((row.number, headers, "该记录在预览之后已由他人录入，请重新上传文件并预览。"))
            for row in upd:
                record = existing.get(keys[id(row)])
                if record is None or record["pk"] != row.pk:
                    errors.append((row.number, headers, "对应的记录在预览之后已有变化，请重新上传文件并预览。"))
            outside = resource.outside_scope([keys[id(r)] for r in new if keys[id(r)] not in existing])
            errors += [(r.number, headers, resource.OUTSIDE_SCOPE_MESSAGE) for r in new if keys[id(r)] in outside]
            if errors:
                raise ImportRefused.for_rows(errors)
        errors = resource.recheck(new, upd)
        if errors:
            raise ImportRefused.for_rows(errors)
        try:
            created = resource.create(new) if new else 0
            updated = resource.update(upd) if upd else 0
        except resource.refusal_types as exc:
            raise ImportRefused(str(exc)) from exc
        result = {"created": created, "updated": updated, "unchanged": sum(1 for r in rows if r.status == "unchanged")}
        if before_commit is not None:
            before_commit(result)
    return result


# --- storing the validated rows beside the upload ------------------------------------
# Pickle is fast (10,000 rows in a few ms) and the file never leaves the server; it
# is signed with SECRET_KEY so a file that was not written by us is never unpickled.


def _signature(data: bytes) -> bytes:
    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), data, hashlib.sha256).digest()


def dumps_rows(rows: list[RowResult]) -> bytes:
    """The rows that will be written, signed, as bytes (kept in the import storage)."""
    data = pickle.dumps(
        [(r.number, r.status, r.pk, r.present, r.values) for r in rows if r.status != "error"],
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    return _signature(data) + data


def loads_rows(blob: bytes) -> list[RowResult]:
    signature, data = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _signature(data)):
        raise CommitConflict("预览后保存的数据已损坏或被改动，没有写入任何数据，请重新上传文件。")
    return [RowResult(number=n, status=s, pk=pk, present=present, values=values)
            for n, s, pk, present, values in pickle.loads(data)]  # noqa: S301 (signed above)


def dump_rows(rows: list[RowResult], path) -> None:
    with open(path, "wb") as fh:
        fh.write(dumps_rows(rows))


def load_rows(path) -> list[RowResult]:
    with open(path, "rb") as fh:
        return loads_rows(fh.read())
