"""CAS parsing is isolated from the money path: its own queue, a time limit and a memory cap per task."""

import subprocess
import sys
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.demo.casgen import statement_render_pdf
from apps.portfolio.services.cas_import import cas_import_process, cas_upload_accept
from tests.factories import InvestorFactory

from .conftest import CAS_PASSWORD

HOLDER = "Asha Verma"  # the generated statements' holder: an investor without a PAN on file matches by name


def test_cas_parsing_is_routed_to_its_own_queue_and_orders_are_not(settings):
    from config.celery import app

    router = app.amqp.router
    assert router.route({}, "portfolio.cas_import_process")["queue"].name == settings.CELERY_IMPORTS_QUEUE
    assert router.route({}, "orders.process_outbox_message")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
    assert settings.CELERY_IMPORTS_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE


def test_the_task_has_a_time_limit():
    from apps.portfolio.tasks import cas_import_process_task

    assert 0 < cas_import_process_task.soft_time_limit < cas_import_process_task.time_limit


@pytest.mark.parametrize("fault", [SoftTimeLimitExceeded(), MemoryError()])
def test_a_statement_over_its_limits_fails_cleanly(fault, in_alpha, cas_statement, private_storage):
    investor = InvestorFactory(full_name=HOLDER)
    pdf = statement_render_pdf(cas_statement(), password=CAS_PASSWORD)
    queued = cas_upload_accept(
        investor=investor, upload=SimpleUploadedFile("cas.pdf", pdf, "application/pdf"), password=CAS_PASSWORD
    )
    with mock.patch("apps.portfolio.services.cas_import.cas_parse", side_effect=fault):
        result = cas_import_process(import_id=queued.pk)
    assert result.status == "failed" and result.error_code == "unsupported_statement"
    assert "more time or memory" in result.error_message
    assert not any(private_storage.rglob("*.pdf")) and not result.password_encrypted


def test_the_memory_cap_stops_an_allocation_and_is_lifted_afterwards():
    script = """
from apps.core.limits import address_space_limit
try:
    with address_space_limit(512 * 1024 * 1024):
        bytearray(1024 * 1024 * 1024)
except MemoryError:
    print("capped")
print(len(bytearray(1024 * 1024 * 1024)) > 0)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["capped", "True"], done.stderr
