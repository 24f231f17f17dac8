"""The RSA key that signs access tokens and ID tokens.

Production gives the key through the environment (OIDC_RSA_PRIVATE_KEY holding the PEM, or
OIDC_RSA_PRIVATE_KEY_FILE naming a file). Development and tests need no set-up: a key is generated on
first use into .data/ (never committed) and every later process reads the same file, so the web
server, the workers and the test runner all sign and verify with one key.

Imported by the settings module: only the standard library and `cryptography` here.
"""

import contextlib
import os
import tempfile
from pathlib import Path

DEV_KEY_FILENAME = "oidc_dev_private_key.pem"


def _generate_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def dev_key_load_or_create(directory: Path) -> str:
    """Returns the development key stored in `directory`, creating it if it is missing. Safe when
    several processes start at once: the file is published with an exclusive link, so the first writer
    wins and everyone reads the winner's key."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DEV_KEY_FILENAME
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".oidc-key-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(_generate_pem())
            os.chmod(tmp, 0o600)
            with contextlib.suppress(FileExistsError):  # another process published first
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text()


def signing_key_from_environment(env, *, dev_directory: Path) -> tuple[str, bool]:
    """(PEM, is_development_key). The environment wins; without it the development key is used and
    the deploy check refuses it (apps/oauth/checks.py)."""
    pem = env("OIDC_RSA_PRIVATE_KEY", default="").replace("\\n", "\n").strip()
    if not pem:
        key_file = env("OIDC_RSA_PRIVATE_KEY_FILE", default="")
        if key_file:
            pem = Path(key_file).read_text().strip()
    if pem:
        return pem + "\n", False
    return dev_key_load_or_create(dev_directory), True
