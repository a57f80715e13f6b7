"""`POST /dossiers` checks the procedure code before any file is spooled.

FastAPI reads the whole multipart body before the route runs, so a 300 MB upload under a mistyped procedure code
would be received in full before the route refused it. This middleware reads the body's first part(s) itself
(at most `PEEK_BYTES`): when the ``procedure_code`` field comes before the first file (the front-desk page and
``curl -F`` in that order send it first), an unknown code is answered at once, before any file byte is read;
otherwise the bytes it read are handed on to the route unchanged and the route checks the code as before.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool

from sohoa.errors import SohoaError
from sohoa.lifecycle.reception import check_procedure

PEEK_BYTES = 64 * 1024
"""The most of a body read before the route is; a procedure code after that is checked by the route."""
_BOUNDARY = re.compile(rb'boundary="?([^";]+)"?', re.IGNORECASE)
_PART_NAME = re.compile(rb'(?<![a-z])name="([^"]*)"', re.IGNORECASE)


def procedure_field(head: bytes, boundary: bytes) -> str | bool | None:
    """The ``procedure_code`` value in the first bytes `head` of a multipart body: the code; False when a file
    part comes first (nothing to check early); None when `head` ends before the answer is known."""
    delimiter = b"--" + boundary
    for part in head.split(delimiter)[1:]:
        headers, separator, rest = part.partition(b"\r\n\r\n")
        if not separator:
            return None
        named = _PART_NAME.search(headers)
        if named is None or b"filename" in headers.lower():
            return False
        if named.group(1) == b"procedure_code":
            value, ended, _ = rest.partition(b"\r\n")
            if not ended:
                return None
            # The form keeps the last of repeated fields: a second one, seen or not yet, is left to the route.
            return False if head.count(b'name="procedure_code"') > 1 else value.decode("utf-8", "replace").strip()
    return None


def route_path(scope) -> str:
    """The request's path as the routes see it: without the prefix a proxy mounts the service under."""
    root, path = scope.get("root_path", ""), scope.get("path", "")
    return path[len(root):] if root and path.startswith(root) else path


class ProcedureFirst:
    """ASGI middleware: see the module docstring. `answer(error)` makes the error response the API gives."""

    def __init__(self, app, get_runtime, answer, path: str = "/dossiers") -> None:
        self.app, self.get_runtime, self.answer, self.path = app, get_runtime, answer, path

    async def __call__(self, scope, receive, send) -> None:
        boundary = self._boundary(scope)
        if boundary is None:
            await self.app(scope, receive, send)
            return
        read, head, code = [], b"", None
        while code is None and len(head) < PEEK_BYTES:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                break
            head += message.get("body", b"")
            code = procedure_field(head, boundary)
            if not message.get("more_body", False):
                break
        if isinstance(code, str):
            try:
                await run_in_threadpool(self._check, code[:200])
            except SohoaError as error:
                response = self.answer(error)
                response.headers["Connection"] = "close"  # the rest of the body is never read
                await response(scope, receive, send)
                return

        async def replay():
            return read.pop(0) if read else await receive()

        await self.app(scope, replay, send)

    def _boundary(self, scope) -> bytes | None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            return None
        if route_path(scope) != self.path:
            return None
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        found = _BOUNDARY.search(content_type) if content_type.lower().startswith(b"multipart/form-data") else None
        return found.group(1) if found else None

    def _check(self, code: str) -> None:
        check_procedure(self.get_runtime(), code, None)


__all__ = ["PEEK_BYTES", "ProcedureFirst", "procedure_field", "route_path"]
