"""A cap on the size of one upload, checked before any of it is read.

Django streams uploaded files bigger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to temporary files, but it puts no
limit on their size. This handler (first in ``FILE_UPLOAD_HANDLERS``) looks at the declared length of the request
body: when it is over ``COMMONGROUND_MAX_UPLOAD_BYTES`` nothing is read, the request carries no form data, and
``upload_refused`` on the request says why, so the page or the API can answer 413 with that message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

DEFAULT_MAX_UPLOAD_BYTES = 2048 * 1024 * 1024


def max_upload_bytes() -> int:
    """The largest request body (all files together) the hub takes in one upload."""
    return int(getattr(settings, "COMMONGROUND_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def describe_bytes(size: int) -> str:
    """A size in plain words: ``1.5 GB``, ``20 MB``, ``900 bytes``."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def refusal(request: HttpRequest) -> str:
    """Why the request's upload was refused (empty when it was not)."""
    return str(getattr(request, "upload_refused", ""))


class SizeLimitUploadHandler(FileUploadHandler):
    """Refuses, unread, a request body declared larger than the hub's upload limit."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        limit = max_upload_bytes()
        if content_length <= limit:
            return None
        if self.request is not None:
            self.request.upload_refused = (  # type: ignore[attr-defined]
                f"the upload is {describe_bytes(content_length)}; the hub takes at most "
                f"{describe_bytes(limit)} at once. Send the files in smaller parts or ask a hub steward."
            )
        return QueryDict(encoding=encoding), MultiValueDict()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
