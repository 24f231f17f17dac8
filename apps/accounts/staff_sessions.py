"""Staff sign in at the portal only, through its lockout and its second factor.

The portal's sign-in marks the session when it completes (after the authenticator code when the member
has one). Staff pages, the staff API over a session, and the OAuth authorization that would give staff
an API token all require that mark; the investor sign-in page refuses staff accounts outright. So no
path reaches staff data around the portal's second factor."""

STAFF_SIGN_IN_KEY = "staff_sign_in"


def staff_session_mark(*, request, second_factor: bool) -> None:
    """Called by the portal once its sign-in (and its second factor, when set) has passed."""
    request.session[STAFF_SIGN_IN_KEY] = {"via": "portal", "second_factor": second_factor}


def staff_session_verified(*, request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(STAFF_SIGN_IN_KEY))
