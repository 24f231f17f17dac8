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
