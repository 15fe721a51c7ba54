"""What WeasyPrint may read while it makes a PDF: our own static files and data: URIs.

A document WeasyPrint renders may name any URL (an image, a stylesheet, an attachment),
and its default fetcher would open it: another host on the internal network, a cloud
metadata address, or a file such as ``/etc/passwd`` that it would then embed in the PDF.
Every PDF ourplan makes uses :func:`local_only_fetcher` instead, which serves ``data:``
URIs and files inside our static directories and refuses everything else (WeasyPrint
then leaves the resource out and logs a warning).

Works without Django settings too (the evaluation report runs from the command line): the
package's own static directory is always allowed, the project's static directories when
Django is configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

PACKAGE_STATIC = Path(__file__).resolve().parent.parent / "static"


class RefusedURL(ValueError):
    """A URL a PDF may not read."""


def _static_roots() -> list[Path]:
    roots = [PACKAGE_STATIC]
    from django.conf import settings

    if settings.configured:
        from django.contrib.staticfiles import finders

        for finder in finders.get_finders():
            # FileSystemFinder: STATICFILES_DIRS; AppDirectoriesFinder: each app's static/.
            roots.extend(Path(root) for _prefix, root in getattr(finder, "locations", []))
            for storage in getattr(finder, "storages", {}).values():
                if getattr(storage, "location", None):
                    roots.append(Path(storage.location))
        if getattr(settings, "STATIC_ROOT", None):
            roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def _local_static_path(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"PDFs may not read files from another host: {url}")
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in _static_roots()) and path.is_file():
        return path
    raise RefusedURL(f"PDFs may read only ourplan's static files: {url}")


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher restricted to data: URIs and our static files."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["allowed_protocols"] = {"data", "file"}
        kwargs["allow_redirects"] = False
        super().__init__(**kwargs)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            _local_static_path(url)
            return super().fetch(url.split("?")[0].split("#")[0], headers)
        raise RefusedURL(f"PDFs may not fetch {scheme or 'relative'} URLs: {url}")


def local_only_fetcher() -> LocalOnlyFetcher:
    """A new fetcher for one document (WeasyPrint's fetchers keep per-request state)."""
    return LocalOnlyFetcher()
