"""gunicorn settings for a portal web node: ``gunicorn -c deploy/gunicorn.conf.py cadre_portal.wsgi``.

Environment: ``PORTAL_BIND`` (default 127.0.0.1:8000), ``WEB_CONCURRENCY`` (worker
processes, default 2 per CPU + 1), ``GUNICORN_TIMEOUT`` (30 s). ``PORTAL_WEB_PROCESS=1``
tells the settings this is a web process: its database sessions get the web
statement timeout (docs/OPERATIONS.md) that workers and commands do not.
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak can never take a node down.
max_requests = 2000
max_requests_jitter = 200
raw_env = ["PORTAL_WEB_PROCESS=1"]
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# nginx adds X-Forwarded-For/Proto; Django reads them (TRUSTED_PROXY_COUNT, SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "cadre-portal-web"
