"""Gunicorn configuration shared by `make run` and production. Tuned through the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# longer than nginx's upstream keepalive_timeout (4s): nginx closes an idle connection first, so it never
# sends a request on one that gunicorn is closing at that moment
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# set-password and invitation tokens (in the path) and searches (a PAN in ?q=) never reach the access log
logger_class = "apps.core.access_log.ScrubbingAccessLogger"
errorlog = "-"
# The application is loaded once, by the master, before it listens: a web process restarted after a crash
# refuses connections (nginx tries the other one at once) until its workers can answer, instead of
# accepting requests that wait unanswered while each worker imports Django. Workers are forked ready, so
# a worker replaced after max_requests is back at once too. Nothing opens a connection at import time.
preload_app = True
# Processes are managed by signals (honcho, make cluster, the orchestrator); no control socket, which
# would need a writable home directory.
control_socket_disable = True
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus multiprocess mode: every worker writes its request metrics under PROMETHEUS_MULTIPROC_DIR
# and /metrics adds them up. The directory is emptied when the master starts; a worker's live gauges go
# when it exits.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for name in os.listdir(_metrics_dir):
            if name.endswith(".db"):
                os.remove(os.path.join(_metrics_dir, name))


def child_exit(server, worker):
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    # the status line and headers leave with the body, so a web process that dies mid-response leaves
    # nothing on the wire and nginx can retry the request on the other one (apps/core/web_response.py)
    from apps.core.web_response import whole_responses_install

    whole_responses_install()
