"""Making a PDF never fetches what the document names: no network, no files but our own."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ourplan.core.pdf_fetcher import RefusedURL, local_only_fetcher

SECRET = "not-for-any-pdf-7f3a"
# A 1x1 transparent PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on the loopback address that records every request made to it."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _hostile_document(base: str, secret_file: Path) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{base}/style.css">
<link rel="attachment" href="{base}/attachment.txt">
<link rel="attachment" href="file://{secret_file}">
<link rel="attachment" href="file:///etc/passwd">
</head><body>
<p>A document naming things it must not fetch.</p>
<img src="http://127.0.0.1:9/x" alt="">
<img src="{base}/image.png" alt="">
<img src="file:///etc/passwd" alt="">
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<img src="data:image/png;base64,{PNG}" alt="allowed">
</body></html>"""


def _plans_pdf(html: str) -> bytes:
    from ourplan.plans.pdf import pdf_response

    return bytes(pdf_response(html, "plan.pdf").content)


def _studies_pdf(html: str) -> bytes:
    from ourplan.studies.exports import pdf_bytes

    return pdf_bytes(html)


def _report_pdf(html: str) -> bytes:
    from ourplan.reports.evaluation import render_pdf

    return render_pdf(html)


@pytest.mark.parametrize(
    "render", [_plans_pdf, _studies_pdf, _report_pdf], ids=["plans", "studies", "reports"]
)
def test_no_pdf_fetches_a_url_or_a_file_its_document_names(
    render: Callable[[str], bytes], listener: tuple[str, list[str]], tmp_path: Path, db: Any
) -> None:
    base, seen = listener
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    pdf = render(_hostile_document(base, secret_file))
    assert pdf.startswith(b"%PDF")
    assert seen == [], f"the PDF fetched {seen}"
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}, "nothing may be attached from outside"
    assert SECRET.encode() not in pdf
    assert b"root:x:0:0" not in pdf


def test_the_fetcher_serves_data_uris_and_our_static_files_only(tmp_path: Path) -> None:
    from django.contrib.staticfiles import finders

    fetcher = local_only_fetcher()
    assert fetcher(f"data:image/png;base64,{PNG}").read().startswith(b"\x89PNG")
    stylesheet = finders.find("ourplan/print.css")
    assert stylesheet
    assert fetcher(Path(str(stylesheet)).as_uri()).read()
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET)
    for refused in (
        "file:///etc/passwd",
        outside.as_uri(),
        Path(str(stylesheet)).as_uri() + "/../../../../../../etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "file://otherhost/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher(refused)
