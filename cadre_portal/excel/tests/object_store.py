"""An object store for the multi-process tests: a Django storage kept in Redis.

It stands in for MinIO/S3 (which these machines lack) in the tests that run web
and worker as separate processes with *different* local folders: the only things
they share are PostgreSQL and Redis, so an import that still worked through a
local path would fail there. Configure it as the ``excel_imports`` alias::

    EXCEL_IMPORT_STORAGE_BACKEND=cadre_portal.excel.tests.object_store.RedisObjectStorage
    EXCEL_IMPORT_STORAGE_OPTIONS={"url": "redis://127.0.0.1:6379/14", "bucket": "test-1234"}
"""

from __future__ import annotations

import time
from datetime import datetime, timezone as dt_timezone

import redis
from django.core.files.base import ContentFile
from django.core.files.storage import Storage


class RedisObjectStorage(Storage):
    def __init__(self, url: str, bucket: str):
        self.client = redis.Redis.from_url(url)
        self.data_key = f"objectstore:{bucket}:data"
        self.time_key = f"objectstore:{bucket}:mtime"

    # -- the storage API ------------------------------------------------------------
    def _save(self, name, content):
        content.seek(0) if hasattr(content, "seek") else None
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        self.client.hset(self.data_key, name, data)
        self.client.hset(self.time_key, name, time.time())
        return name

    def _open(self, name, mode="rb"):
        data = self.client.hget(self.data_key, name)
        if data is None:
            raise FileNotFoundError(name)
        return ContentFile(data, name=name)

    def delete(self, name):
        self.client.hdel(self.data_key, name)
        self.client.hdel(self.time_key, name)

    def exists(self, name):
        return bool(self.client.hexists(self.data_key, name))

    def size(self, name):
        return self.client.hstrlen(self.data_key, name)

    def listdir(self, path):
        prefix = f"{path.rstrip('/')}/" if path else ""
        dirs, files = set(), []
        for raw in self.client.hkeys(self.data_key):
            name = raw.decode()
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        if path and not dirs and not files:
            raise FileNotFoundError(path)
        return sorted(dirs), sorted(files)

    def get_modified_time(self, name):
        stamp = self.client.hget(self.time_key, name)
        if stamp is None:
            raise FileNotFoundError(name)
        return datetime.fromtimestamp(float(stamp), tz=dt_timezone.utc)

    def url(self, name):
        raise NotImplementedError("import files are never served")

    # -- for the tests ----------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(k.decode() for k in self.client.hkeys(self.data_key))

    def drop(self) -> None:
        self.client.delete(self.data_key, self.time_key)
