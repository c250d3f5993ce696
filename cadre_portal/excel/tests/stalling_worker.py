"""A real Celery worker (``python -m cadre_portal.excel.tests.stalling_worker``) whose
import commit stalls at the worst moment: every row written inside the commit's
transaction, the job marked done in it, the transaction not yet committed. It
touches ``STALL_FLAG`` (a file) when it gets there, so ``test_worker_killed`` can
SIGKILL it exactly mid-import. Everything else is the ordinary worker."""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")
django.setup()

from cadre_portal.excel import engine  # noqa: E402

_real_commit = engine.commit


def _stalling_commit(resource, rows, *, before_commit=None):
    def stall(result):
        if before_commit is not None:
            before_commit(result)
        with open(os.environ["STALL_FLAG"], "w") as fh:
            fh.write(f"{os.getpid()} {result}")
        time.sleep(600)

    return _real_commit(resource, rows, before_commit=stall)


engine.commit = _stalling_commit

if __name__ == "__main__":
    from cadre_portal.celery import app

    app.worker_main([
        "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO", "--without-mingle", "--without-gossip",
        f"--hostname=stalling-{os.getpid()}@%h",
    ])
