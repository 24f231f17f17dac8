"""Staff sign in at the portal only, through its lockout and its second factor.

The portal's sign-in marks the session when it completes (after the authenticator code when the member
has one). Staff pages, the staff API over a session, and the OAuth authorization that would give staff
an API token all require that mark; the investor sign-in page refuses staff accounts outright. So no
path reaches staff data around the portal's second factor.

When the distributor requires two-step sign-in for staff (Distributor.staff_totp_required), a mark made
without a second factor does not count: such a session may only set up an authenticator (the portal's
security page) or sign out. The rule is read from the request's tenant on every request, so turning it on
applies to sessions already open, at no query's cost."""

STAFF_SIGN_IN_KEY = "staff_sign_in"


def staff_session_mark(*, request, second_factor: bool) -> None:
    """Called by the portal once its sign-in (and its second factor, when set) has passed, and again
    once a member signed in without one has just proved an authenticator code while enrolling."""
    request.session[STAFF_SIGN_IN_KEY] = {"via": "portal", "second_factor": second_factor}


def staff_totp_required(*, request) -> bool:
    """Whether this distributor requires an authenticator of every staff member."""
    return bool(getattr(getattr(request, "tenant", None), "staff_totp_required", False))


def _mark(request) -> dict | None:
    session = getattr(request, "session", None)
    return session.get(STAFF_SIGN_IN_KEY) if session is not None else None


def staff_session_verified(*, request) -> bool:
    mark = _mark(request)
    if not mark:
        return False
    return bool(mark.get("second_factor")) or not staff_totp_required(request=request)


def staff_session_needs_enrolment(*, request) -> bool:
    """Signed in at the portal with a password only, where the distributor requires an authenticator."""
    mark = _mark(request)
    return bool(mark) and not mark.get("second_factor") and staff_totp_required(request=request)
