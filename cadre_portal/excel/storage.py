"""Where import uploads and validated rows live: the ``excel_imports`` storage.

The web node that takes an upload, the worker that validates it and the web node
that confirms it may be three different machines. So nothing of an import is
kept at a local path: the job's files are names in a Django storage (the
``excel_imports`` alias of ``STORAGES``), read and written only through the
storage API (``save``, ``open``, ``delete``, ``listdir``).

- By default the alias is a folder on disk (``EXCEL_IMPORT_DIR``, else
  ``MEDIA_ROOT/excel_imports``): right for one machine, or several sharing a
  mounted volume.
- For web and workers on different hosts, point the alias at an S3-compatible
  store (MinIO, a cloud bucket) by setting, with ``django-storages`` installed
  (docs/OPERATIONS.md, "Imports on several machines"); nothing in the code changes.

Parsing needs a real file (the sandboxed reader opens a path), so a worker copies
the upload into a private temporary folder for the duration of one step
(``local_copy``) and deletes it afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

ALIAS = "excel_imports"


def default_location() -> Path:
    return Path(getattr(settings, "EXCEL_IMPORT_DIR", "") or Path(settings.MEDIA_ROOT) / "excel_imports")


class ImportFileStorage(FileSystemStorage):
    """The filesystem default. Without an explicit ``location`` it reads
    ``EXCEL_IMPORT_DIR`` (else ``MEDIA_ROOT/excel_imports``) each time it is used,
    so a changed setting (a test, a management command) takes effect at once."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, str(default_location()))

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):  # the files are never served
        return None


def import_storage():
    """The storage that holds import files (``STORAGES["excel_imports"]``)."""
    return storages[ALIAS]


def save_bytes(name: str, data: bytes) -> None:
    put(name, ContentFile(data))


def put(name: str, content) -> None:
    """Store ``content`` (a Django ``File``) under exactly ``name``, replacing what was there."""
    storage = import_storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, content if isinstance(content, File) else File(content))
    if saved != name:  # a storage that renamed it (a race with another writer): never keep a stray copy
        storage.delete(saved)
        raise OSError(f"import storage stored {name!r} as {saved!r}")


def read_bytes(name: str) -> bytes:
    """The content of ``name``; FileNotFoundError when it is gone (expired, cancelled)."""
    storage = import_storage()
    try:
        with storage.open(name, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise
    except OSError as exc:  # S3 backends raise their own errors for a missing key
        if not storage.exists(name):
            raise FileNotFoundError(name) from exc
        raise


def exists(name: str) -> bool:
    return import_storage().exists(name)


def delete_folder(folder: str) -> None:
    """Delete every file of a job's folder (and the folder, on a filesystem)."""
    if not folder:
        return
    if Path(folder).is_absolute():
        # A job row from before storage went through the API (or an .lrmx upload,
        # which keeps its own local folder).
        shutil.rmtree(folder, ignore_errors=True)
        return
    storage = import_storage()
    try:
        _dirs, names = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(folder), ignore_errors=True)


def folders() -> list[str]:
    """The job folders present in the storage (for the cleanup of orphans)."""
    storage = import_storage()
    try:
        dirs, _names = storage.listdir("")
    except FileNotFoundError:
        return []
    return list(dirs)


def modified_timestamp(folder: str) -> float | None:
    """When the newest file of ``folder`` was written (None: nothing in it)."""
    storage = import_storage()
    try:
        _dirs, names = storage.listdir(folder)
    except FileNotFoundError:
        return None
    stamps = []
    for name in names:
        try:
            stamps.append(storage.get_modified_time(f"{folder}/{name}").timestamp())
        except (FileNotFoundError, NotImplementedError):
            continue
    if not stamps and isinstance(storage, FileSystemStorage):
        try:
            return Path(storage.path(folder)).stat().st_mtime
        except FileNotFoundError:
            return None
    return max(stamps) if stamps else None


@contextmanager
def local_copy(name: str, suffix: str = ""):
    """A private local copy of ``name`` (a path), deleted when the block ends."""
    data = read_bytes(name)
    with tempfile.TemporaryDirectory(prefix="excel-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        yield path
