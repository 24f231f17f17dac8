#!/usr/bin/env python
"""`make cluster`: the production shape on this machine, on loopback.

nginx in front of two gunicorn web processes, two Celery workers (and one for CAS imports) and beat on
Redis (REDIS_URL, else 127.0.0.1:6379, in database CLUSTER_REDIS_DB), and a PostgreSQL primary with a
streaming replica made by pg_basebackup (Debian's PostgreSQL binaries). The demo is seeded on first
start. Everything runs in the foreground; Ctrl-C (or SIGTERM) stops everything it started. Process ids
and ports are written to .data/cluster/state.json while it runs.

Ports: CLUSTER_PORT (nginx, default 8080), web processes on the next two ports, Postgres primary on
CLUSTER_PG_PORT (default 55432) and the replica on the port after it.
"""

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devstack import port_free  # scripts/ is on the path when a script runs

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / ".data" / "cluster"
STATE = CLUSTER / "state.json"
PY = sys.executable
BIN = Path(PY).parent
PG_BIN = Path(os.environ.get("POSTGRES_BIN_DIR", "/usr/lib/postgresql/15/bin"))
DBNAME = "mfd"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def answers_http(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


class Postgres:
    """One PostgreSQL server under .data/cluster/<name>, run by the postgres user when we are root
    (the server refuses to run as root)."""

    def __init__(self, name: str, port: int):
        self.name, self.port = name, port
        self.data = CLUSTER / name
        self.log = CLUSTER / f"{name}.log"
        self.socket_dir = CLUSTER / "sockets"
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [*args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DBNAME}"

    def init_primary(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self._own(self.data)
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nwal_keep_size = 256MB\n")

    def init_replica(self, primary: "Postgres") -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self._own(self.data.parent)
        self._run(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")  # fmt: skip

    def start(self) -> None:
        self._own(self.socket_dir)
        self.log.touch()
        if self.user:
            shutil.chown(self.log, self.user)
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DBNAME]).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DBNAME}"')


NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    # no token (set-password and invitation links) or query string (a PAN searched for) in this log
    map $uri $scrubbed_path {{
        "~^(?<kept>/accounts/set-password/[^/]+/)[^/]+"    "${{kept}}[redacted]/";
        "~^(?<kept>/(web/)?invite/)[^/]+"                  "${{kept}}[redacted]/";
        "~^(?<kept>/api/v1/invitations/)[^/]+(?<rest>.*)" "${{kept}}[redacted]${{rest}}";
        default                                            $uri;
    }}
    log_format scrubbed '$remote_addr [$time_local] "$request_method $scrubbed_path $server_protocol" '
                        '$status $body_bytes_sent $request_time "$http_user_agent" $request_id';
    access_log {dir}/nginx-access.log scrubbed;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    upstream platform_web {{
{servers}
        keepalive 16;
        # shorter than gunicorn's keepalive (5s): nginx drops an idle connection before gunicorn does
        keepalive_timeout 4s;
    }}
    server {{
        listen 127.0.0.1:{port} default_server;
        server_name _;
        client_max_body_size 12m;
        location = /metrics {{ return 404; }}
        location / {{
            proxy_pass http://platform_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 35s;
            # a web process that dies: idempotent requests go to the other one; a POST is never resent
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        raise SystemExit("nginx is not installed: `make cluster` installs it (apt-get install nginx-light)")
    return found


class Cluster:
    def __init__(self):
        self.port = int(os.environ.get("CLUSTER_PORT", "8080"))
        self.web_ports = [self.port + 1, self.port + 2]
        pg_port = int(os.environ.get("CLUSTER_PG_PORT", "55432"))
        self.primary = Postgres("primary", pg_port)
        self.replica = Postgres("replica", pg_port + 1)
        redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
        self.redis_url = f"{redis}/{os.environ.get('CLUSTER_REDIS_DB', '7')}"
        self.procs: dict[str, subprocess.Popen] = {}

    def env(self) -> dict:
        env = dict(os.environ)
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE=env.get("DJANGO_SETTINGS_MODULE", "config.settings.dev"),
            DATABASE_URL=self.primary.url,
            DATABASE_REPLICA_URL=self.replica.url,
            REDIS_URL=self.redis_url,
            PORT=str(self.port),  # the sandbox simulators are reached through nginx
            TENANT_URL_PORT=str(self.port),
            CACHE_KEY_PREFIX="mfd-cluster",
            TRUSTED_PROXY_COUNT="1",
            PROMETHEUS_MULTIPROC_DIR=str(CLUSTER / "metrics"),
            # load runs come from one loopback address and one test investor: per-IP and per-user API
            # limits would answer them 429 before any fault is seen
            THROTTLE_RATE_IP=env.get("THROTTLE_RATE_IP", "100000/min"),
            THROTTLE_RATE_USER=env.get("THROTTLE_RATE_USER", "100000/min"),
        )
        return env

    def check_ports(self) -> None:
        busy = [p for p in (self.port, *self.web_ports) if not port_free(p)]
        busy += [pg.port for pg in (self.primary, self.replica) if pg.pid() is None and not port_free(pg.port)]
        if busy:
            hint = "CLUSTER_PORT=9080 CLUSTER_PG_PORT=56432 make cluster"
            raise SystemExit(f"ports in use: {busy}; choose others: {hint}")

    def spawn(self, name: str, args: list[str], env: dict) -> None:
        log = (CLUSTER / "logs" / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        CLUSTER.mkdir(parents=True, exist_ok=True)
        (CLUSTER / "logs").mkdir(exist_ok=True)
        self.check_ports()
        say(f"Postgres primary on 127.0.0.1:{self.primary.port}")
        self.primary.init_primary()
        self.primary.start()
        self.primary.ensure_database()
        env = self.env()
        say("migrating and seeding the demo on the primary")
        setup_env = {k: v for k, v in env.items() if k != "DATABASE_REPLICA_URL"}
        subprocess.run([PY, "manage.py", "setup_platform", "--demo"], cwd=ROOT, env=setup_env, check=True)
        say(f"streaming replica (pg_basebackup) on 127.0.0.1:{self.replica.port}")
        self.replica.init_replica(self.primary)
        self.replica.start()
        metrics = CLUSTER / "metrics"
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir()
        for index, port in enumerate(self.web_ports, start=1):
            web_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
            self.spawn(f"web{index}", [str(BIN / "gunicorn"), "config.wsgi", "-c", "deploy/gunicorn.conf.py"], web_env)
        for index in (1, 2):
            self.spawn(f"worker{index}", [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO",
                                          "--concurrency", "2", "--queues", "celery", "-n", f"worker{index}@%h"],
                       env)  # fmt: skip
        self.spawn("imports", [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO",
                               "--concurrency", "1", "--queues", "imports,statements", "-n", "imports@%h"],
                   env)  # fmt: skip
        self.spawn("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO", "--pidfile=",
                            "--schedule", str(CLUSTER / "celerybeat-schedule"),
                            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"], env)  # fmt: skip
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in self.web_ports)
        nginx_dir = CLUSTER / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = nginx_dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=nginx_dir, servers=servers, port=self.port))
        self.spawn("nginx", [nginx_binary(), "-c", str(conf), "-p", str(nginx_dir), "-g", "daemon off;"], env)
        self.write_state()

    def write_state(self) -> None:
        state = {
            "url": f"http://localhost:{self.port}/",
            "web_pids": [self.procs[f"web{i}"].pid for i in (1, 2)],
            "web_ports": self.web_ports,
            "worker_pids": [self.procs[f"worker{i}"].pid for i in (1, 2)],
            "beat_pid": self.procs["beat"].pid,
            "nginx_pid": self.procs["nginx"].pid,
            "primary_port": self.primary.port,
            "replica_port": self.replica.port,
            "primary_pid": self.primary.pid(),
            "replica_pid": self.replica.pid(),
            "primary_data": str(self.primary.data),
            "replica_data": str(self.replica.data),
            "redis_url": self.redis_url,
            "logs": str(CLUSTER / "logs"),
        }
        tmp = STATE.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(STATE)

    def wait_until_up(self, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [name for name, proc in self.procs.items() if proc.poll() is not None]
            if dead:
                say(f"{', '.join(dead)} exited; see {CLUSTER / 'logs'}")
                return False
            # the web processes first, nginx only once they answer: a request through nginx to a web
            # process still loading marks it failed, and with both marked nginx answers 502 at once to
            # whatever comes while it tries them again
            if all(answers_http(f"http://127.0.0.1:{p}/healthz") for p in [*self.web_ports, self.port]):
                return True
            time.sleep(0.5)
        return False

    def stop(self) -> None:
        say("stopping")
        for name, proc in self.procs.items():
            if proc.poll() is None:
                proc.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        self.replica.stop()
        self.primary.stop()
        STATE.unlink(missing_ok=True)


def main() -> int:
    cluster = Cluster()
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster.start()
        if not cluster.wait_until_up():
            return 1
        print("\n" + "=" * 78, flush=True)
        print(f"The cluster is up: http://localhost:{cluster.port}/  (Ctrl-C stops everything)", flush=True)
        print(f"  nginx :{cluster.port} -> web :{cluster.web_ports[0]}, :{cluster.web_ports[1]}", flush=True)
        print(f"  Postgres primary :{cluster.primary.port}, streaming replica :{cluster.replica.port}", flush=True)
        print(f"  workers x2 and beat on {cluster.redis_url}; state in {STATE}", flush=True)
        print("=" * 78 + "\n", flush=True)
        while True:
            dead = [name for name, proc in cluster.procs.items() if proc.poll() is not None]
            for name in dead:  # a process killed on purpose (the fault runs) is restarted, like a supervisor
                say(f"{name} exited ({cluster.procs[name].returncode}); restarting it")
                proc = cluster.procs.pop(name)
                cluster.spawn(name, proc.args, cluster.env() | _extra_env(name, cluster))
                cluster.write_state()
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


def _extra_env(name: str, cluster: Cluster) -> dict:
    if name.startswith("web"):
        port = cluster.web_ports[int(name[3:]) - 1]
        return {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    return {}


if __name__ == "__main__":
    sys.exit(main())
