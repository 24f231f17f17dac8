"""The web server's access log without secrets or personal data in it.

Set-password and invitation links carry their token in the path, and the portal's investor search can
carry a PAN in `?q=`: an access log line is written before the application sees anything, so the web
server's logger scrubs the request line, the path, the query string and the referrer itself. Query
parameters that hold free text or secrets lose their value; everything else is masked as in the
application's logs (apps.core.logging). Loaded by gunicorn (deploy/gunicorn.conf.py `logger_class`), so
this module needs no Django settings."""

from urllib.parse import parse_qsl, quote, unquote

from gunicorn.glogging import Logger

from apps.core.logging import TOKEN_MASK, mask_text

# free-text searches (a PAN, a name, a mobile), tokens and codes: the value never reaches the log
REDACTED_PARAMETERS = frozenset(
    {"q", "search", "query", "pan", "token", "code", "password", "otp", "state", "nonce", "email", "mobile"}
)


def scrub_query(query: str) -> str:
    if not query:
        return query
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        masked = TOKEN_MASK if key.lower() in REDACTED_PARAMETERS and value else mask_text(value)
        pairs.append(f"{quote(key, safe='')}={quote(masked, safe='[]')}")
    return "&".join(pairs)


def scrub_target(target: str) -> str:
    """A request target (`/path?query`) or a full URL, fit for an access log."""
    if not target:
        return target
    path, sep, query = target.partition("?")
    return mask_text(unquote(path)) + (sep + scrub_query(query) if sep else "")


class ScrubbingAccessLogger(Logger):
    """gunicorn's logger whose access-log atoms carry scrubbed paths, query strings and referrers."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        method, _, rest = atoms["r"].partition(" ")
        target, _, protocol = rest.rpartition(" ")
        atoms["r"] = f"{method} {scrub_target(target)} {protocol}"
        atoms["U"] = mask_text(atoms["U"] or "")
        atoms["q"] = scrub_query(atoms["q"] or "")
        atoms["f"] = scrub_target(atoms["f"])
        if "{referer}i" in atoms:
            atoms["{referer}i"] = scrub_target(atoms["{referer}i"])
        return atoms
