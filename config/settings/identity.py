"""Identity: users and passwords, OAuth 2 / OpenID Connect, sign-in limits, invitations, notifiers,
and the keys that encrypt secrets at rest."""

from apps.oauth.keys import signing_key_from_environment

from .environment import BASE_DIR, env

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.EmailOrMobileBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
NOTIFIER_BACKEND = env("NOTIFIER_BACKEND", default="apps.accounts.notifiers.ConsoleNotifier")
SMS_NOTIFIER_BACKEND = env("SMS_NOTIFIER_BACKEND", default="apps.accounts.notifiers.ConsoleNotifier")
# Staff invitations to investors: signed links, single use.
INVITATION_MAX_AGE_SECONDS = env.int("INVITATION_MAX_AGE_SECONDS", default=7 * 24 * 3600)

# --- Sign-in limits (apps.core.signin_limits) ---
# Password sign-in on the branded login page: failures allowed per identifier in the window.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
# The staff portal: failures counted per account and per client IP, each lock lasting the window.
PORTAL_LOCKOUT_MAX_PER_ACCOUNT = env.int("PORTAL_LOCKOUT_MAX_PER_ACCOUNT", default=5)
PORTAL_LOCKOUT_MAX_PER_IP = env.int("PORTAL_LOCKOUT_MAX_PER_IP", default=20)
PORTAL_LOCKOUT_WINDOW = env.int("PORTAL_LOCKOUT_WINDOW_SECONDS", default=15 * 60)
# The platform admin (config/admin_site.py): the same counters, its own scope and limits.
ADMIN_LOCKOUT_MAX_PER_ACCOUNT = env.int("ADMIN_LOCKOUT_MAX_PER_ACCOUNT", default=5)
ADMIN_LOCKOUT_MAX_PER_IP = env.int("ADMIN_LOCKOUT_MAX_PER_IP", default=20)
ADMIN_LOCKOUT_WINDOW = env.int("ADMIN_LOCKOUT_WINDOW_SECONDS", default=15 * 60)
# the issuer authenticator apps show beside the platform admin's codes (admin_totp_enrol)
OTP_TOTP_ISSUER = env("ADMIN_TOTP_ISSUER", default="Distributor platform admin")

# --- Secrets at rest (apps.core.crypto) ---
# Secrets of the field and file encryption, newest first; 32+ characters each. Empty: SECRET_KEY serves
# (development; the deploy check asks for separate ones).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# TOTP secrets enrolled before FIELD_ENCRYPTION_KEYS were under a key derived from this (else SECRET_KEY);
# they still open (a new enrolment uses FIELD_ENCRYPTION_KEYS).
PORTAL_TOTP_KEY = env("PORTAL_TOTP_KEY", default="")
# The key of the keyed hashes (HMAC-SHA256) stored beside encrypted PANs and bank account numbers, by
# which they are looked up and kept unique; 32+ characters. Development and tests have a default; in
# production it is required (deploy check) and never changes without `rotate_field_keys --rehash`.
FIELD_HASH_KEY = env("FIELD_HASH_KEY", default="")

# --- OAuth 2 / OpenID Connect (apps.oauth) ---
# OAuth applications, grants and tokens live in each tenant's schema: a token issued at one distributor
# is unknown at every other.
try:
    OIDC_RSA_PRIVATE_KEY, OIDC_DEV_KEY_IN_USE = signing_key_from_environment(env, dev_directory=BASE_DIR / ".data")
except PermissionError:  # a read-only image without a key: production names the missing key (safety.py)
    OIDC_RSA_PRIVATE_KEY, OIDC_DEV_KEY_IN_USE = "", True
# Access tokens are short-lived JWTs; the platform never issues one for longer than 10 minutes.
OAUTH_ACCESS_TOKEN_SECONDS = min(env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=600), 600)
# A device's sign-in (one refresh-token family) ends this long after it began, however active it is.
OAUTH_SESSION_ABSOLUTE_SECONDS = env.int("OAUTH_SESSION_ABSOLUTE_SECONDS", default=90 * 24 * 3600)
# ... and this long after its last access token expired when the device stops refreshing.
OAUTH_SESSION_IDLE_SECONDS = env.int("OAUTH_SESSION_IDLE_SECONDS", default=30 * 24 * 3600)
# The distributor's mobile app is a public client; its redirect URI is a private-use scheme per tenant
# (RFC 8252 section 7.1). {scheme} is the schema name made URI-safe.
MOBILE_APP_REDIRECT_URI_TEMPLATE = env("MOBILE_APP_REDIRECT_URI_TEMPLATE", default="{scheme}app://oauth/callback")
# our models point at the toolkit's (swappable) application model
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        key.replace("\\n", "\n") for key in env.list("OIDC_RSA_PRIVATE_KEYS_INACTIVE", default=[])
    ],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic", "client_secret_post"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic", "client_secret_post"],
    "OIDC_SERVER_CLASS": "apps.oauth.server.AuthorizationCodeServer",
    "OAUTH2_VALIDATOR_CLASS": "apps.oauth.validators.TenantOAuth2Validator",
    "ACCESS_TOKEN_GENERATOR": "apps.oauth.tokens.access_token_generate",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "ID_TOKEN_EXPIRE_SECONDS": OAUTH_ACCESS_TOKEN_SECONDS,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": OAUTH_SESSION_IDLE_SECONDS,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "PKCE_REQUIRED": True,
    # Web clients must use https; the mobile app's private-use scheme is allowed per application
    # (apps/oauth/views.py), for the URIs registered on it and nothing else.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REQUEST_APPROVAL_PROMPT": "auto",
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your name",
        "email": "Your e-mail address",
        "phone": "Your mobile number",
        "read": "See your profile, portfolio and orders",
        "write": "Update your profile and place orders",
    },
    "DEFAULT_SCOPES": ["openid", "read", "write"],
    # RFC 9700 (OAuth 2.0 Security BCP): every gate on
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only SHA-256 checksums of tokens are stored
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
