"""gunicorn settings of every service API: ``gunicorn -c python:ektp_shared.gunicorn_conf <svc>.wsgi:app``.

Binds ``EKTP_HTTP_HOST:EKTP_HTTP_PORT``; ``GUNICORN_WORKERS`` processes (default 2). Metrics are shared
between the worker processes through ``PROMETHEUS_MULTIPROC_DIR`` (an emptyDir in Kubernetes), which must
exist; gunicorn empties it when it starts.
"""
import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

bind = f"{os.environ.get('EKTP_HTTP_HOST', '0.0.0.0')}:{os.environ.get('EKTP_HTTP_PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
accesslog = None  # request metrics replace access logs (whose URLs we keep free of personal data anyway)
control_socket_disable = True  # gunicorn 27's control socket path is per user; several gunicorns would collide


def on_starting(server):  # noqa: ANN001  (gunicorn's hook signature)
    # Files of a previous run (an emptyDir survives container restarts) would be summed into today's counters.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and Path(directory).is_dir():
        for entry in Path(directory).iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def child_exit(server, worker):  # noqa: ANN001  (gunicorn's hook signature)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
