"""Gunicorn settings for the 质量信得过班组 platform in production.

    gunicorn config.wsgi -c deploy/gunicorn.conf.py

Every value can be overridden from the environment (the systemd unit's EnvironmentFile),
so the same file serves one small server, several app servers behind nginx, and the load
test (loadtest/run.sh). See docs/deploy.md.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# nginx on the same host talks to gunicorn over loopback (or a unix socket:
# GUNICORN_BIND=unix:/run/xinban/gunicorn.sock). On a separate app server bind its private
# address and list the nginx host in FORWARDED_ALLOW_IPS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers: the application is plain blocking Django (psycopg, python-docx, reportlab).
# nginx buffers request bodies (uploads) and responses, so a slow client never holds a worker.
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)

# Word/PDF generation and 20 MB uploads (already buffered by nginx) finish well within this.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (bounded memory growth of long-lived processes).
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Which proxies may set X-Forwarded-Proto for gunicorn's own wsgi.url_scheme. Django itself
# trusts X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER (XINBAN_HTTPS=1) and takes the
# client address for the audit log from X-Real-IP, so only nginx may reach this port.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr: journald keeps them (systemd unit). GUNICORN_ACCESS_LOG=""
# switches the access log off (nginx keeps one anyway).
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = _access or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-real-ip}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# The workers' heartbeat files on tmpfs, not on a possibly slow disk.
if os.path.isdir("/dev/shm"):  # noqa: S108 (gunicorn's documented recommendation)
    worker_tmp_dir = "/dev/shm"  # noqa: S108

proc_name = "xinban"

# Gunicorn 27's control socket (for `gunicornc`) defaults to $XDG_RUNTIME_DIR or
# ~/.gunicorn/gunicorn.ctl, shared by every gunicorn of that user. Off unless a path is
# given, e.g. GUNICORN_CONTROL_SOCKET=/run/xinban/gunicorn.ctl.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
