"""If-None-Match by RFC 9110's weak comparison."""

import pytest
from django.test import RequestFactory

from apps.core.etags import etag_matches, not_modified


@pytest.mark.parametrize(
    ("header", "etag", "expected"),
    [
        ('"abc"', '"abc"', True),
        ('W/"abc"', '"abc"', True),  # weak comparison: a weak tag matches the strong one
        ('"abc"', 'W/"abc"', True),
        ('W/"abc"', 'W/"abc"', True),
        ('"x", W/"abc" , "y"', '"abc"', True),
        ("*", '"abc"', True),
        ('"abd"', '"abc"', False),
        ('W/"ab"', 'W/"abc"', False),
        ("", '"abc"', False),
        ('"a,b"', '"a,b"', True),  # a comma inside a tag is part of it
    ],
)
def test_if_none_match_uses_weak_comparison(header, etag, expected):
    assert etag_matches(header, etag) is expected


def test_not_modified_reads_the_request_header():
    assert not_modified(RequestFactory().get("/", HTTP_IF_NONE_MATCH='W/"v1"'), '"v1"')
    assert not not_modified(RequestFactory().get("/"), '"v1"')
