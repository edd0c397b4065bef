"""gunicorn settings for the portal (`make web`): `gunicorn -c jkn_portal/gunicorn_conf.py`.

Environment: HOST (default 127.0.0.1), PORT (8000), WEB_WORKERS (2), WEB_TIMEOUT_SECONDS (30: a
request still running then is killed; the family sync from a page stays well inside it, see
DUKCAPIL_INTERACTIVE_*). The access log is the portal's own (core.observability, JSON with the
request id), so gunicorn's is off.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "30"))
graceful_timeout = 30
accesslog = None
errorlog = "-"


def child_exit(server: object, worker: object) -> None:
    # Prometheus multiprocess mode: a dead worker's live gauges stop counting.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
