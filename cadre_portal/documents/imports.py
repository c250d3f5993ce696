"""``.lrmx`` import: upload → preview → confirm, all or nothing, as the Excel import does.

One upload is one or many ``.lrmx`` files, or zip files of them. The upload is kept
in its own folder under the Excel import storage (``ImportJob`` rows of registry
``lrmx.<source>``, so ``excel_cleanup`` expires them like Excel uploads); nothing
is written to the records before confirm.

- ``start_import`` checks the upload (count, sizes, zip entries and ratios) before
  any XML parser runs and stores each ``.lrmx`` file; a refused upload is deleted
  and written to the audit log.
- ``run_preview`` reads every file (``cadre_portal.documents.lrmx.read``: a clear
  Chinese message per bad file), matches it by resident ID number within the user's
  scope (a person outside the scope is refused, in the same words as one that does
  not exist elsewhere), compares it field by field with the stored record
  (``formdata.differences``) and keeps the readings beside the upload, signed.
- ``confirm`` writes every new and changed person in one transaction through the
  source's importer, after checking nothing changed since the preview; any error
  in any file and nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cadre_portal import idcard
from cadre_portal.audit import record
from cadre_portal.documents import lrmx, photos, registry
from cadre_portal.documents.formdata import APPOINTMENT_FIELDS, LABELS, PERSON_FIELDS, FormData, differences, display
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel import storage as import_files
from cadre_portal.excel.services import cleanup_expired

REGISTRY_PREFIX = "lrmx."
MANIFEST = "manifest.json"
READINGS = "readings.pickle"
LRMX_SUFFIXES = (".lrmx", ".xml")
ZIP_SUFFIX = ".zip"
DEFAULT_UPLOAD_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_FILES = 500
MAX_ZIP_RATIO = 100
ZIP_RATIO_MIN_BYTES = 256 * 1024


class DocumentRejected(Exception):
    """The upload is refused as a whole; the message is for the user (Chinese)."""


class CommitConflict(Exception):
    """The records changed between preview and confirm; the message is for the user."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_BYTES))


def max_files() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_FILES", DEFAULT_MAX_FILES))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def job_registry(source_key: str) -> str:
    return REGISTRY_PREFIX + source_key


def source_of(job: ImportJob) -> registry.FormSource | None:
    if not job.registry.startswith(REGISTRY_PREFIX):
        return None
    return registry.get(job.registry[len(REGISTRY_PREFIX):])


def _file(job: ImportJob, name: str) -> str:
    """A file of the job's folder in the import storage (cadre_portal.excel.storage): the
    web node that confirms need not be the one that took the upload."""
    return f"{job.stored_dir}/{name}"


def _delete_files(job: ImportJob) -> None:
    import_files.delete_folder(job.stored_dir)


# --- upload -------------------------------------------------------------------------------------


@dataclass
class _Entry:
    name: str
    data: bytes | None = None
    error: str = ""


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Zip files made on Chinese Windows store names in GBK without saying so."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _entries_of_zip(name: str, data: bytes, ignored: list[str]) -> list[_Entry]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [_Entry(name, error="压缩包已损坏，无法打开。")]
    entries: list[_Entry] = []
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > max_files() * 2:
            raise DocumentRejected(f"压缩包“{name}”中有 {len(infos)} 个文件，超过上限，请分批上传。")
        for info in infos:
            inner = _zip_name(info)
            shown = f"{name} › {inner}"
            base = PurePosixPath(inner.replace("\\", "/")).name
            if inner.startswith("__MACOSX/") or base.startswith("._"):
                continue
            if not base.lower().endswith(LRMX_SUFFIXES):
                ignored.append(shown)
                continue
            if info.flag_bits & 0x1:
                entries.append(_Entry(shown, error="文件在压缩包中加了密码，无法读取。"))
                continue
            if info.file_size > lrmx.max_bytes():
                entries.append(_Entry(shown, error=f"文件大小为 {_size(info.file_size)}，超过单个任免表文件的上限 {_size(lrmx.max_bytes())}。"))
                continue
            if info.file_size > ZIP_RATIO_MIN_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                entries.append(_Entry(shown, error="文件压缩比异常（疑似压缩炸弹），拒绝读取。"))
                continue
            try:
                with archive.open(info) as fh:
                    content = fh.read(lrmx.max_bytes() + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
                entries.append(_Entry(shown, error="压缩包中的该文件已损坏，无法读取。"))
                continue
            if len(content) > lrmx.max_bytes():
                entries.append(_Entry(shown, error=f"文件超过单个任免表文件的上限 {_size(lrmx.max_bytes())}。"))
                continue
            entries.append(_Entry(shown, content))
    return entries


def start_import(*, user, source_key: str, uploads, options: dict | None = None, request=None) -> ImportJob:
    """Check and store an upload (list of uploaded files). Raises DocumentRejected, keeping nothing."""
    source = registry.get(source_key)
    if source is None or not source.can_import(user):
        raise DocumentRejected("您没有导入任免表文件的权限。")
    names = ", ".join(Path(u.name or "").name for u in uploads)[:200]
    try:
        entries, ignored = _collect(uploads)
    except DocumentRejected as exc:
        record("import", user=user, request=request, summary=f"拒绝导入任免表文件 {names}：{exc}"[:255],
               registry=job_registry(source_key), file=names, refused=str(exc))
        raise
    cleanup_expired()
    job = ImportJob.objects.create(
        owner=user, registry=job_registry(source_key), original_name=names or "任免表文件", options=options or {}
    )
    job.stored_dir = str(job.pk)
    manifest = []
    for index, entry in enumerate(entries):
        item = {"index": index, "name": entry.name, "error": entry.error}
        if entry.data is not None:
            import_files.save_bytes(_file(job, f"{index:04d}.lrmx"), entry.data)
        manifest.append(item)
    import_files.save_bytes(_file(job, MANIFEST),
                            json.dumps({"files": manifest, "ignored": ignored}, ensure_ascii=False).encode("utf-8"))
    job.total_rows = len(manifest)
    job.save(update_fields=["stored_dir", "total_rows"])
    return job


def _collect(uploads) -> tuple[list[_Entry], list[str]]:
    if not uploads:
        raise DocumentRejected("请选择要导入的 .lrmx 文件（可多选），或包含它们的 .zip 压缩包。")
    total = sum(u.size for u in uploads)
    if total > max_upload_bytes():
        raise DocumentRejected(f"上传的文件共 {_size(total)}，超过上限 {_size(max_upload_bytes())}，请分批上传。")
    entries: list[_Entry] = []
    ignored: list[str] = []
    for upload in uploads:
        name = Path(upload.name or "").name or "未命名"
        lower = name.lower()
        if lower.endswith(ZIP_SUFFIX):
            data = upload.read()
            entries.extend(_entries_of_zip(name, data, ignored))
        elif lower.endswith(LRMX_SUFFIXES):
            if upload.size > lrmx.max_bytes():
                entries.append(_Entry(name, error=f"文件大小为 {_size(upload.size)}，超过单个任免表文件的上限 {_size(lrmx.max_bytes())}"
                                                  f"（照片不应超过 {_size(photos.max_photo_bytes())}）。"))
            else:
                entries.append(_Entry(name, upload.read()))
        else:
            ignored.append(name)
        if len(entries) > max_files():
            raise DocumentRejected(f"一次最多导入 {max_files()} 个任免表文件，请分批上传。")
    if not entries:
        shown = "、".join(ignored[:5])
        raise DocumentRejected(
            "没有找到任免表文件（.lrmx）。" + (f"以下文件不是 .lrmx 或 .zip，已忽略：{shown}。" if shown else "")
        )
    return entries, ignored


# --- preview ------------------------------------------------------------------------------------


def _signature(data: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), data, hashlib.sha256).digest()


def _dump(readings: list[dict], name: str) -> None:
    data = pickle.dumps(readings, protocol=pickle.HIGHEST_PROTOCOL)
    import_files.save_bytes(name, _signature(data) + data)


def _load(name: str) -> list[dict]:
    blob = import_files.read_bytes(name)
    signature, data = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _signature(data)):
        raise CommitConflict("预览数据校验失败，请重新上传文件。")
    return pickle.loads(data)  # noqa: S301 (signed above; written by _dump)


def _appointment_part(form: FormData) -> list[dict]:
    """The file's appointment fields, shown in the preview but never imported (the
    appointment comes from the appointment round when the form is generated)."""
    return [{"label": LABELS[name], "value": display(form, name)} for name in APPOINTMENT_FIELDS if display(form, name)]


def run_preview(job: ImportJob) -> ImportJob:
    """Read, match and compare every file; keep the readings for confirm."""
    source = source_of(job)
    importer = source.importer
    user = job.owner
    manifest = json.loads(import_files.read_bytes(_file(job, MANIFEST)).decode("utf-8"))
    files = []
    readings: list[dict] = []
    seen: dict[str, str] = {}
    for item in manifest["files"]:
        entry = {"name": item["name"], "status": "error", "error": item["error"], "changes": [], "notes": [],
                 "ignored": [], "appointment": [], "person": "", "id": ""}
        files.append(entry)
        if item["error"]:
            continue
        try:
            result = lrmx.read(import_files.read_bytes(_file(job, f"{item['index']:04d}.lrmx")))
        except lrmx.LrmxError as exc:
            entry["error"] = str(exc)
            continue
        form = result.form
        entry.update(person=form.name, id=idcard.mask(form.id_number), notes=result.notes, ignored=result.ignored,
                     appointment=_appointment_part(form))
        if form.id_number in seen:
            entry["error"] = f"与文件“{seen[form.id_number]}”是同一人（身份证号码相同），请只保留其中一个文件。"
            continue
        seen[form.id_number] = item["name"]
        readings.append({"entry": len(files) - 1, "form": form, "present": result.present})
    ids = [r["form"].id_number for r in readings]
    existing = importer.existing(user, ids)
    outside = importer.outside_scope(user, [i for i in ids if i not in existing])
    for reading in readings:
        entry = files[reading["entry"]]
        form = reading["form"]
        obj = existing.get(form.id_number)
        if form.id_number in outside:
            entry["error"] = importer.OUTSIDE_SCOPE_MESSAGE
            continue
        prepared = importer.prepare(form, obj, options=job.options, user=user, present=reading["present"])
        entry["notes"] = entry["notes"] + prepared.notes
        if prepared.problems:
            entry["error"] = "；".join(prepared.problems)
            continue
        reading["form"] = form = prepared.form
        reading["present"] = prepared.present
        if obj is None:
            entry["status"] = "new"
            reading["pk"] = None
        else:
            compared = [name for name in PERSON_FIELDS if name in prepared.present]
            entry["changes"] = differences(importer.stored_form(obj, like=form), form, compared)
            entry["status"] = "update" if entry["changes"] else "unchanged"
            reading["pk"] = obj.pk
        reading["status"] = entry["status"]
    tally = {s: sum(1 for f in files if f["status"] == s) for s in ("new", "update", "unchanged", "error")}
    _dump([r for r in readings if r.get("status") in ("new", "update")], _file(job, READINGS))
    job.status = ImportJob.Status.PREVIEWED
    job.progress = 100
    job.total_rows = len(files)
    job.new_rows, job.updated_rows, job.unchanged_rows, job.error_rows = (tally[k] for k in ("new", "update", "unchanged", "error"))
    job.errors = [{"row": i + 1, "column": f["name"], "message": f["error"]} for i, f in enumerate(files) if f["status"] == "error"]
    job.preview = {"files": files, "ignored": manifest.get("ignored", [])}
    job.message = _summary(tally)
    job.save()
    return job


def _summary(tally: dict) -> str:
    if tally["error"]:
        return f"有 {tally['error']} 个文件不能导入，请修正后重新上传；本次不会写入任何数据。"
    if not tally["new"] and not tally["update"]:
        return "所有文件与现有信息一致（无变化），无需导入。"
    return f"可以导入：新增 {tally['new']} 人，更新 {tally['update']} 人，无变化 {tally['unchanged']} 人。"


# --- confirm ------------------------------------------------------------------------------------


def claim(job: ImportJob) -> bool:
    """Move a previewed job with no errors to committing, once (a conditional update)."""
    return bool(ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED, error_rows=0).update(
        status=ImportJob.Status.COMMITTING, progress=10
    ))


def confirm(job: ImportJob, *, request=None) -> ImportJob:
    """Write every new and changed person, all or nothing; audit; delete the files."""
    source = source_of(job)
    importer = source.importer
    user = job.owner
    try:
        readings = _load(_file(job, READINGS))
        with transaction.atomic():
            ids = [r["form"].id_number for r in readings]
            existing = importer.existing(user, ids, for_update=True)
            for reading in readings:
                obj = existing.get(reading["form"].id_number)
                if (obj.pk if obj else None) != reading["pk"]:
                    raise CommitConflict(
                        f"{reading['form'].name} 的信息在预览之后已被他人录入或修改，请重新上传文件并预览。"
                    )
            for reading in readings:
                importer.write(reading["form"], existing.get(reading["form"].id_number), user=user, options=job.options,
                               present=reading["present"])
    except (CommitConflict, FileNotFoundError) as exc:
        message = str(exc) if isinstance(exc, CommitConflict) else "预览数据已不存在（可能已过期），请重新上传。"
        return _finish(job, ImportJob.Status.FAILED, message, request=request, error=message)
    except Exception:
        import logging

        logging.getLogger(__name__).exception("lrmx import %s failed", job.pk)
        message = "导入时发生错误，没有写入任何数据。请稍后重试，或联系系统管理员。"
        return _finish(job, ImportJob.Status.FAILED, message, request=request, error="internal error")
    created = sum(1 for r in readings if r["pk"] is None)
    updated = len(readings) - created
    job.new_rows, job.updated_rows = created, updated
    return _finish(job, ImportJob.Status.DONE,
                   f"已导入：新增 {created} 人，更新 {updated} 人，无变化 {job.unchanged_rows} 人。",
                   request=request, created=created, updated=updated, unchanged=job.unchanged_rows)


def _finish(job: ImportJob, status: str, message: str, *, request=None, **detail) -> ImportJob:
    _delete_files(job)
    job.status, job.message, job.progress, job.finished_at = status, message, 100, timezone.now()
    job.save(update_fields=["status", "message", "progress", "finished_at", "new_rows", "updated_rows"])
    source = source_of(job)
    verb = "导入" if status == ImportJob.Status.DONE else "导入失败"
    record("import", user=job.owner, request=request,
           summary=f"{verb}任免表文件（{source.importer.title}）：{job.original_name}"[:255],
           registry=job.registry, file=job.original_name, **detail)
    return job


def cancel(job: ImportJob) -> None:
    _delete_files(job)
    job.status, job.finished_at = ImportJob.Status.CANCELLED, timezone.now()
    job.save(update_fields=["status", "finished_at"])


# --- the importer interface ----------------------------------------------------------------------


@dataclass
class Prepared:
    """A file checked against the records' rules: the normalised form, the fields it
    speaks of (``present``), problems that stop it and notes for the user."""

    form: FormData
    present: set[str]
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class LrmxImporter:
    """Where a source's ``.lrmx`` uploads are written. Subclasses implement the four
    methods; ``write`` runs inside confirm's transaction and records its own history."""

    title = ""
    import_roles: tuple[str, ...] = registry.COUNTY_ROLES
    OUTSIDE_SCOPE_MESSAGE = "该身份证号码对应的人员不在您的管理范围内，不能导入。"
    # A form (Django) with extra choices on the upload page (e.g. the unit of new records).
    options_form_class = None

    def existing(self, user, id_numbers, *, for_update: bool = False) -> dict:
        """{id_number: record} among the records the user may see."""
        raise NotImplementedError

    def outside_scope(self, user, id_numbers) -> set:
        """The id numbers that exist but outside the user's scope."""
        raise NotImplementedError

    def stored_form(self, obj, *, like: FormData | None = None) -> FormData:
        """The person's part of the form as it stands now, compared with the file
        ``like`` (e.g. only the assessment years the file speaks of)."""
        raise NotImplementedError

    def prepare(self, form: FormData, obj, *, options: dict, user, present: set[str]) -> Prepared:
        """Check the file against the records' rules (code tables, lengths, what a new
        record needs) and normalise it (奖惩、考核 as the record renders them). Problems
        keep this file from being imported; notes are shown in the preview. Only the
        ``present`` fields are compared and written for an existing record."""
        return Prepared(form, set(present))

    def write(self, form: FormData, obj, *, user, options: dict, present: set[str]):
        raise NotImplementedError
