"""The AMFI HTTP source against a small HTTP server on 127.0.0.1 serving the real files, AMFI's bad
downloads, errors and a slow answer. No test reaches the internet."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.base import ImportRefused
from apps.funds.models import ImportRun, Scheme
from apps.funds.sources import AmfiHttpSource, LocalFileSource, SourceUnavailable, nav_source_for


class _AmfiSite:
    """Routes: /NAVAll.txt (8-column file), /moved (the "Object Moved" page with 200), /missing (nginx 404
    page with 404), /broken (500), /flaky (503 twice, then the one-row file), /slow (answers late)."""

    def __init__(self, amfi_dir):
        self.files = {
            "/NAVAll.txt": (amfi_dir / "amfi_NAVAll_2026-08-19_8col_planoption.txt").read_bytes(),
            "/one-row.txt": (amfi_dir / "mfscreener_fixture_amfi_8_column.txt").read_bytes(),
            "/moved": (amfi_dir / "amfi_NAVAll_bad_download_document_moved.html").read_bytes(),
            "/missing": (amfi_dir / "amfi_NAVAll_bad_download_404.html").read_bytes(),
        }
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: bytes, content_type: str = "text/plain"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                hits = site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if self.path == "/broken":
                    self._send(500, b"Internal Server Error")
                elif self.path == "/flaky":
                    if hits <= 2:
                        self._send(503, b"busy")
                    else:
                        self._send(200, site.files["/one-row.txt"])
                elif self.path == "/slow":
                    time.sleep(1.0)
                    self._send(200, site.files["/one-row.txt"])
                elif self.path == "/missing":
                    self._send(404, site.files["/missing"], "text/html")
                elif self.path in site.files:
                    kind = "text/html" if self.path == "/moved" else "text/plain"
                    self._send(200, site.files[self.path], kind)
                else:
                    self._send(404, b"not found")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def amfi_site(amfi_dir):
    site = _AmfiSite(amfi_dir)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def _source(url: str, sleeps: list | None = None, **kwargs) -> AmfiHttpSource:
    return AmfiHttpSource(
        url,
        retries=kwargs.pop("retries", 3),
        backoff_seconds=0.5,
        sleep=(sleeps.append if sleeps is not None else lambda seconds: None),
        **kwargs,
    )


@pytest.mark.django_db
def test_imports_the_real_file_over_http(amfi_site):
    run = import_amfi_navs(source=_source(amfi_site.url("/NAVAll.txt")))
    assert run.source == amfi_site.url("/NAVAll.txt")
    assert Scheme.objects.count() == 14_283 and run.layout == "navall_8col"


@pytest.mark.django_db
def test_settings_url_goes_through_the_http_source(amfi_site, settings):
    from apps.funds.tasks import import_amfi_navs_task

    settings.FUNDS_AMFI_NAV_URL = amfi_site.url("/one-row.txt")
    run_id = import_amfi_navs_task.apply().get()
    run = ImportRun.objects.get(pk=run_id)
    assert run.source == settings.FUNDS_AMFI_NAV_URL and run.inserted == 1


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/moved", "/missing"])
def test_bad_downloads_write_nothing(amfi_site, path):
    with pytest.raises((ImportRefused, SourceUnavailable)) as caught:
        import_amfi_navs(source=_source(amfi_site.url(path)))
    assert Scheme.objects.count() == 0
    run = caught.value.run
    assert run.status in (ImportRun.Status.REFUSED, ImportRun.Status.FAILED)
    if path == "/moved":  # 200 with an HTML body: the parser refuses it
        assert run.status == ImportRun.Status.REFUSED and "HTML" in run.error
    else:  # 404: permanent, not retried
        assert run.status == ImportRun.Status.FAILED and amfi_site.hits["/missing"] == 1


def _backed_off(sleeps: list[float], *, steps: list[float]) -> bool:
    """Exponential steps with jitter: each wait between half and all of its step."""
    return len(sleeps) == len(steps) and all(
        step / 2 <= slept <= step for slept, step in zip(sleeps, steps, strict=True)
    )


@pytest.mark.django_db
def test_server_errors_are_retried_with_backoff_then_reported(amfi_site):
    sleeps: list[float] = []
    with pytest.raises(SourceUnavailable) as caught:
        import_amfi_navs(source=_source(amfi_site.url("/broken"), sleeps))
    assert caught.value.transient and caught.value.attempts == 4
    assert amfi_site.hits["/broken"] == 4 and _backed_off(sleeps, steps=[0.5, 1.0, 2.0])
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.report == {"transient": True, "attempts": 4}


def test_transient_errors_then_success(amfi_site):
    sleeps: list[float] = []
    document = _source(amfi_site.url("/flaky"), sleeps).fetch()
    assert (
        document.content.startswith(b"Scheme Code;")
        and amfi_site.hits["/flaky"] == 3
        and _backed_off(sleeps, steps=[0.5, 1.0])
    )


def test_read_timeout_is_transient(amfi_site):
    source = _source(amfi_site.url("/slow"), retries=1, read_timeout=0.2)
    with pytest.raises(SourceUnavailable) as caught:
        source.fetch()
    assert caught.value.transient and amfi_site.hits["/slow"] == 2


def test_connection_refused_is_transient():
    source = _source("http://127.0.0.1:9/NAVAll.txt", retries=0, connect_timeout=0.5)
    with pytest.raises(SourceUnavailable) as caught:
        source.fetch()
    assert caught.value.transient


def test_size_limit(amfi_site):
    with pytest.raises(SourceUnavailable, match="more than 1000 bytes"):
        _source(amfi_site.url("/NAVAll.txt"), max_bytes=1000).fetch()


def test_local_files(tmp_path):
    assert isinstance(nav_source_for("/tmp/NAVAll.txt"), LocalFileSource)
    assert isinstance(nav_source_for("https://portal.amfiindia.com/spages/NAVAll.txt"), AmfiHttpSource)
    with pytest.raises(SourceUnavailable, match="No such file") as caught:
        LocalFileSource(tmp_path / "absent.txt").fetch()
    assert caught.value.transient is False
