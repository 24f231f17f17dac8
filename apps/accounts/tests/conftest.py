import pytest


@pytest.fixture(autouse=True)
def _live_server_helper():
    """Replaces pytest-django's autouse helper of the same name: it would add `transactional_db` to
    every test using a fixture called live_server and flush every table (the session's tenants too)
    afterwards. Our live_server is the root conftest's, and live_db gives those tests the database."""
    yield
