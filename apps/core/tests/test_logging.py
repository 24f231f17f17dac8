"""PII masking in logs (apps/core/logging.py): PANs, e-mails and mobiles masked; ids left readable."""

import pytest

from apps.core.logging import mask_text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mobile 9876543210 called", "mobile 9XXXXX3210 called"),
        ("to +919876543210.", "to 9XXXXX3210."),
        ("to 919876543210", "to 9XXXXX3210"),
        ("mobile=9876543210", "mobile=9XXXXX3210"),
        ("PAN ABCDE1234F", "PAN XXXXX1234X"),
        ("mail asha.rao@example.com", "mail a***@example.com"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "identifier",
    # a 10-digit run inside a UUID's last segment always touches a hex letter
    [
        "d59d210e-5303-49d9-aa4d-e7987650287e",
        "a1b2c3d4-e5f6-4a7b-8c9d-9876543210ab",
        "cf4c6001-cc54-4b3c-b44d-ab9876543210",
    ],
)
def test_ids_whose_digits_look_like_a_mobile_stay_readable(identifier):
    # request and Celery task ids are how operators follow a request through the logs
    assert mask_text(f"Task orders.poll_open[{identifier}] received") == f"Task orders.poll_open[{identifier}] received"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("pan abcde1234f given", "pan XXXXX1234X given"),
        ("PAN AbCdE1234f", "PAN XXXXX1234X"),
        ("account_number=123456789012 ifsc", "account_number=XXXXXXXX9012 ifsc"),
        ("A/c no: 50100012345678", "A/c no: XXXXXXXXXX5678"),
        ('{"bank_account_number": "123456789012"}', '{"bank_account_number": "XXXXXXXX9012"}'),
        ("refresh_token=abc.DEF-123_xyz&x=1", "refresh_token=[redacted]&x=1"),
        ("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig", "Authorization: Bearer [redacted]"),
        ("GET /accounts/set-password/MTI/cx7-1a2b3c4d5e/ 200", "GET /accounts/set-password/MTI/[redacted]/ 200"),
        ("GET /invite/AbC.xyz:123/ 302", "GET /invite/[redacted]/ 302"),
        ("GET /web/invite/AbC.xyz:123/ 200", "GET /web/invite/[redacted]/ 200"),
        ("POST /api/v1/invitations/AbC.xyz:123/accept 201", "POST /api/v1/invitations/[redacted]/accept 201"),
    ],
)
def test_more_personal_data_and_secrets_are_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "GET /portal/investors/invite/ 200",  # the staff page that makes invitations carries no token
        "GET /accounts/set-password/done/ 200",
        "an unlabelled 123456789012 stays (it may be an order number)",
        "token_type Bearer",
    ],
)
def test_what_is_not_secret_stays_readable(text):
    assert mask_text(text) == text


def _record_through_filter(logger_call):
    """The JSON line the production handler (its filters and formatter) would write."""
    import io
    import json
    import logging
    import logging.config

    from django.conf import settings

    stream = io.StringIO()
    config = {**settings.LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}
    config["handlers"] = {"console": {**settings.LOGGING["handlers"]["console"], "stream": stream}}
    logging.config.dictConfig(config)
    try:
        logger_call(logging.getLogger("apps.test"))
    finally:
        logging.config.dictConfig(settings.LOGGING)
    return json.loads(stream.getvalue().splitlines()[-1])


def test_a_traceback_is_masked():
    def call(logger):
        try:
            raise ValueError("KYC failed for abcde1234f at asha.rao@example.com")
        except ValueError:
            logger.exception("lookup failed")

    line = _record_through_filter(call)
    assert "ValueError: KYC failed for XXXXX1234X at a***@example.com" in line["exc_info"]
    assert "abcde1234f" not in json_dump(line) and "asha.rao" not in json_dump(line)


def test_a_stack_is_masked():
    def call(logger):
        logger.info("where", stack_info=True)  # the stack shows this source line: ABCDE1234F

    line = _record_through_filter(call)
    assert "source line: XXXXX1234X" in line["stack_info"]
    assert "ABCDE1234F" not in line["stack_info"]


def test_extra_fields_are_masked():
    def call(logger):
        logger.info(
            "bank changed",
            extra={
                "pan": "abcde1234f",
                "account_number": "123456789012",
                "token": "s3cr3t",
                "payload": {"otp": "123456"},
            },
        )

    line = _record_through_filter(call)
    assert line["pan"] == "XXXXX1234X"
    assert line["account_number"] == "XXXXXXXX9012"
    assert line["token"] == "[redacted]"
    assert line["payload"] == {"otp": "[redacted]"}


def test_an_object_in_extra_is_masked_as_its_text(rf):
    # django.request logs the request itself: its repr carries the path and the query string
    request = rf.get("/accounts/set-password/MTI/cx7abc-1f2e3d4c5b6a/", {"q": "abcde1234f"})

    line = _record_through_filter(lambda logger: logger.warning("Not Found", extra={"request": request}))
    assert "cx7abc-1f2e3d4c5b6a" not in line["request"] and "abcde1234f" not in line["request"]
    assert "/accounts/set-password/MTI/[redacted]/" in line["request"]


def json_dump(value):
    import json

    return json.dumps(value)
