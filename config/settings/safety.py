"""What production refuses to start with. `production_problems` reads the finished settings (a module's
namespace) and names every missing secret and every development-only choice; config/settings/prod.py raises
one ImproperlyConfigured listing them all, so a deployment learns everything it lacks in one go.

Imported by the settings modules: only the standard library here."""

from collections.abc import Mapping

# SECRET_KEY values that are published (in this repository or Django's startproject template).
KNOWN_DEV_SECRET_KEYS = frozenset(
    {
        "dev-only-insecure-key-never-use-in-production",
        "test-only-insecure-key",
        "change-me-to-50-random-characters",
    }
)
SECRET_KEY_MIN_LENGTH = 32
FIELD_ENCRYPTION_KEY_MIN_LENGTH = 32
# Channels that write messages to a console, a log or memory: a sign-in code sent there reaches nobody.
UNDELIVERED_NOTIFIERS = ("apps.accounts.notifiers.ConsoleNotifier", "apps.accounts.notifiers.LocmemNotifier")
UNDELIVERED_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)
MSG91_NOTIFIER = "apps.notifications.channels.sms.Msg91Notifier"
KRA_PROVIDER = "apps.accounts.kyc.kra.provider.KraKycProvider"
# Each gateway's endpoints (setting key -> environment variable) and secrets a deployment must set.
GATEWAY_ENDPOINTS = {
    "bse_starmf": {"ORDER_URL": "BSE_STARMF_ORDER_URL", "SERVICES_URL": "BSE_STARMF_SERVICES_URL"},
    "mfu": {"BASE_URL": "MFU_BASE_URL"},
}
GATEWAY_SECRETS = {"mfu": {"AES_KEY": "MFU_AES_KEY"}}
SANDBOX_PATH = "/sandbox/"


def _secret_key_problems(values: Mapping) -> list[str]:
    key = values.get("SECRET_KEY") or ""
    if not key:
        return ["DJANGO_SECRET_KEY is not set."]
    if key in KNOWN_DEV_SECRET_KEYS or key.startswith("django-insecure-"):
        return ["DJANGO_SECRET_KEY is a published development value; generate a new one."]
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return [f"DJANGO_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters."]
    return []


def _signing_key_problems(values: Mapping) -> list[str]:
    if values.get("OIDC_DEV_KEY_IN_USE", True):
        return [
            "OIDC_RSA_PRIVATE_KEY (or OIDC_RSA_PRIVATE_KEY_FILE) is not set: tokens would be signed with a "
            "development key."
        ]
    return []


def _field_key_problems(values: Mapping) -> list[str]:
    keys = list(values.get("FIELD_ENCRYPTION_KEYS") or [])
    problems = []
    if not keys:
        problems.append("FIELD_ENCRYPTION_KEYS is not set: secrets at rest (TOTP, CAS passwords) need their own key.")
    if any(len(key) < FIELD_ENCRYPTION_KEY_MIN_LENGTH for key in keys):
        problems.append(f"Each FIELD_ENCRYPTION_KEYS secret needs {FIELD_ENCRYPTION_KEY_MIN_LENGTH}+ characters.")
    if values.get("SECRET_KEY") in keys:
        problems.append("FIELD_ENCRYPTION_KEYS must not contain DJANGO_SECRET_KEY.")
    hash_key = values.get("FIELD_HASH_KEY") or ""
    if len(hash_key) < FIELD_ENCRYPTION_KEY_MIN_LENGTH:
        problems.append(
            f"FIELD_HASH_KEY needs {FIELD_ENCRYPTION_KEY_MIN_LENGTH}+ characters: PANs and bank account numbers are "
            "looked up by their keyed hash."
        )
    elif hash_key in keys or hash_key == values.get("SECRET_KEY"):
        problems.append("FIELD_HASH_KEY must be its own secret, not an encryption key or DJANGO_SECRET_KEY.")
    return problems


def _notifier_problems(values: Mapping) -> list[str]:
    problems = []
    for name in ("NOTIFIER_BACKEND", "SMS_NOTIFIER_BACKEND"):
        if values.get(name) in UNDELIVERED_NOTIFIERS:
            problems.append(f"{name} is {values.get(name)}, which delivers nothing; set a real channel.")
    if values.get("EMAIL_BACKEND") in UNDELIVERED_EMAIL_BACKENDS:
        problems.append(f"EMAIL_BACKEND is {values.get('EMAIL_BACKEND')}, which sends no e-mail.")
    if MSG91_NOTIFIER in (values.get("NOTIFIER_BACKEND"), values.get("SMS_NOTIFIER_BACKEND")):
        for name in ("MSG91_AUTH_KEY", "MSG91_TEMPLATE_ID"):
            if not values.get(name):
                problems.append(f"{name} is not set (SMS goes through MSG91).")
        if SANDBOX_PATH in (values.get("MSG91_BASE_URL") or ""):
            problems.append("MSG91_BASE_URL points at the sandbox simulator.")
    return problems


def _gateway_problems(values: Mapping) -> list[str]:
    problems = []
    for name, conf in (values.get("ORDER_GATEWAYS") or {}).items():
        for key, variable in GATEWAY_ENDPOINTS.get(name, {}).items():
            url = conf.get(key) or ""
            if not url.startswith("https://") or SANDBOX_PATH in url:
                problems.append(f"{variable} must be the exchange's https address ({name} is enabled).")
        for key, variable in GATEWAY_SECRETS.get(name, {}).items():
            if not conf.get(key):
                problems.append(f"{variable} is not set ({name} is enabled).")
    master = values.get("FUNDS_BSE_SCHEME_MASTER_URL") or ""
    if "bse_starmf" in (values.get("ORDER_GATEWAYS") or {}) and SANDBOX_PATH in master:
        problems.append("FUNDS_BSE_SCHEME_MASTER_URL points at the sandbox simulator (bse_starmf is enabled).")
    default = values.get("ORDER_GATEWAY_DEFAULT")
    if default not in (values.get("ORDER_GATEWAYS") or {}):
        problems.append(f"ORDER_GATEWAY_DEFAULT ({default}) is not among ORDER_GATEWAYS_ENABLED.")
    if values.get("KYC_PROVIDER") == KRA_PROVIDER:
        if SANDBOX_PATH in (values.get("KRA_BASE_URL") or ""):
            problems.append("KRA_BASE_URL points at the sandbox simulator.")
        for name in ("KRA_USERNAME", "KRA_PASSWORD"):
            if not values.get(name):
                problems.append(f"{name} is not set (KYC goes to the KRA).")
    return problems


def _switch_problems(values: Mapping) -> list[str]:
    problems = []
    if values.get("DEBUG"):
        problems.append("DJANGO_DEBUG is on.")
    if values.get("SANDBOX_ENABLED"):
        problems.append("SANDBOX_ENABLED is on: the exchange and KRA simulators would be served.")
    return problems


def production_problems(values: Mapping) -> list[str]:
    """Every reason these settings are unfit for production, in plain words naming the variable to set."""
    return [
        *_secret_key_problems(values),
        *_signing_key_problems(values),
        *_field_key_problems(values),
        *_notifier_problems(values),
        *_gateway_problems(values),
        *_switch_problems(values),
    ]


def production_problems_message(problems: list[str]) -> str:
    return "Production settings refuse to start:\n" + "\n".join(f"  - {problem}" for problem in problems)
