"""The container image and deploy/compose.yaml, for real: the images are built (the Debian-built base
images once, by content tag), the stack comes up (Postgres, Redis, setup_platform, two web replicas,
worker, beat, nginx), a distributor is onboarded through the one-shot service's command, and its host
answers 200 through nginx. Everything the test started is removed afterwards.

Needs a running Docker daemon (`make docker-deps` starts one) and root for debootstrap."""

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "deploy" / "compose.yaml"

pytestmark = pytest.mark.docker


def run(*args: str, env: dict | None = None, timeout: float = 1800) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(args[:4])}... failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, host: str, timeout: float = 60) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for_200(url: str, host: str, seconds: float, *, in_a_row: int = 3) -> None:
    """Until the URL has answered 200 `in_a_row` times running (nginx has tried each replica)."""
    deadline, streak = time.monotonic() + seconds, 0
    while streak < in_a_row:
        try:
            streak = streak + 1 if get(url, host, timeout=5)[0] == 200 else 0
        except (urllib.error.URLError, OSError):
            streak = 0  # nginx or the replicas are still starting
        assert time.monotonic() < deadline, f"{host}{url} did not answer 200 in {seconds:.0f}s"
        if streak < in_a_row:
            time.sleep(1 if streak else 2)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    assert shutil.which("docker") and shutil.which("docker-compose"), "docker and docker-compose are needed"
    run("docker", "info", timeout=30)
    run("bash", "deploy/scripts/base-images.sh")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    env_file = tmp_path_factory.mktemp("compose") / "mfd.env"
    env_file.write_text(
        "\n".join(
            [
                f"DJANGO_SECRET_KEY={uuid.uuid4().hex}{uuid.uuid4().hex}",
                "OIDC_RSA_PRIVATE_KEY=" + pem.strip().replace("\n", "\\n"),
                f"FIELD_ENCRYPTION_KEYS={uuid.uuid4().hex}{uuid.uuid4().hex}",
                f"FIELD_HASH_KEY={uuid.uuid4().hex}{uuid.uuid4().hex}",
                "PLATFORM_DOMAIN=platform.localhost",
                "DJANGO_SECURE_SSL_REDIRECT=false",
                # production refuses to start without real channels and the exchanges' addresses and secrets
                "NOTIFIER_BACKEND=apps.accounts.notifiers.EmailNotifier",
                "SMS_NOTIFIER_BACKEND=apps.notifications.channels.sms.Msg91Notifier",
                "MSG91_BASE_URL=https://msg91.invalid",
                f"MSG91_AUTH_KEY={uuid.uuid4().hex}",
                "MSG91_TEMPLATE_ID=compose-test",
                "BSE_STARMF_ORDER_URL=https://bse.invalid/MFOrderEntry/MFOrder.svc",
                "BSE_STARMF_SERVICES_URL=https://bse.invalid/StarMFWebService/StarMFWebService.svc/Basic",
                "FUNDS_BSE_SCHEME_MASTER_URL=https://bse.invalid/SchemeMaster.txt",
                "MFU_BASE_URL=https://mfu.invalid/",
                "MFU_AES_KEY=" + base64.b64encode(os.urandom(32)).decode(),
                "KRA_BASE_URL=https://kra.invalid/",
                "KRA_USERNAME=compose-test",
                f"KRA_PASSWORD={uuid.uuid4().hex}",
            ]
        )
        + "\n"
    )
    port = free_port()
    project = f"mfdtest{uuid.uuid4().hex[:8]}"
    env = dict(
        os.environ,
        COMPOSE_PROJECT_NAME=project,
        MFD_ENV_FILE=str(env_file),
        MFD_HTTP_PORT=str(port),
        POSTGRES_PASSWORD=uuid.uuid4().hex,
    )
    compose = ["docker-compose", "-f", str(COMPOSE)]
    try:
        run(*compose, "build", "setup", env=env)
        run(*compose, "up", "-d", env=env, timeout=900)
        yield {"compose": compose, "env": env, "port": port}
    finally:
        subprocess.run([*compose, "logs", "--no-color", "--tail", "50"], cwd=ROOT, env=env, check=False)
        subprocess.run([*compose, "down", "-v", "--remove-orphans"], cwd=ROOT, env=env, check=False, timeout=300)


def test_a_distributor_onboarded_in_the_stack_answers_through_nginx(stack):
    compose, env, port = stack["compose"], stack["env"], stack["port"]
    base = f"http://127.0.0.1:{port}"
    # nginx answers once a web replica is up
    wait_for_200(f"{base}/healthz", "platform.localhost", seconds=300)
    # an unknown host is refused by the tenant router
    assert get(f"{base}/", "delta.example.test")[0] == 404

    # when a distributor is onboarded through the one-shot service's image and command
    out = run(*compose, "run", "--rm", "-T", "setup", "python", "manage.py", "create_distributor",
              "--schema", "delta", "--name", "Delta Wealth", "--domain", "delta.example.test", "--arn", "ARN-401001",
              "--admin-email", "owner@delta.example.test", env=env, timeout=300)  # fmt: skip
    assert "delta" in out

    # then its host answers through nginx, with its brand, from either replica
    for _ in range(4):
        status, body = get(f"{base}/api/v1/branding", "delta.example.test")
        assert status == 200
        assert json.loads(body)["display_name"] == "Delta Wealth"
    status, _ = get(f"{base}/", "delta.example.test")
    assert status == 200
    # both replicas are running, and metrics are not exposed through the proxy
    ps = run(*compose, "ps", "--services", "--filter", "status=running", env=env)
    assert {"web1", "web2", "worker", "beat", "nginx"} <= set(ps.split())
    assert get(f"{base}/metrics", "platform.localhost")[0] == 404
