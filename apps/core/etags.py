"""Conditional GETs (RFC 9110 section 13.1.2): If-None-Match uses the weak comparison, so `W/"x"` and
`"x"` match each other, and `*` matches any current representation."""

import re

# entity-tag = [ W/ ] DQUOTE *etagc DQUOTE; etagc may be a comma, so the list is not split on commas
_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"|\*')


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """True when the If-None-Match header value names `etag` (weakly) or is `*`."""
    if not if_none_match or not etag:
        return False
    candidates = _ENTITY_TAG.findall(if_none_match)
    if "*" in candidates:
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in candidates)


def not_modified(request, etag: str) -> bool:
    """True when the request's If-None-Match names the current ETag: answer 304."""
    return etag_matches(request.headers.get("If-None-Match", ""), etag)
