"""HTTP validators for every representation: a strong ETag over the bytes sent, Last-Modified from the
data's provenance, and `304 Not Modified` when the client's copy is current (RFC 9110 section 13)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response


def etag_for(body: bytes, media_type: str) -> str:
    return '"' + hashlib.blake2b(body + media_type.encode(), digest_size=12).hexdigest() + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """If-None-Match wins over If-Modified-Since, as RFC 9110 13.2.2 orders them."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and last_modified is not None:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return last_modified.replace(microsecond=0) <= since
    return False


def validated(request: Request, etag: str, last_modified: datetime | None,
              headers: Mapping[str, str] | None = None) -> tuple[dict[str, str], Response | None]:
    """The response headers with the validators, and an empty 304 carrying them when the client's copy is
    current (else None): one place for the rule, whether the body is at hand or streamed later (the dumps)."""
    all_headers = {"ETag": etag, **(headers or {})}
    if last_modified is not None:
        all_headers["Last-Modified"] = http_date(last_modified)
    unchanged = not_modified(request, etag, last_modified)
    return all_headers, Response(status_code=304, headers=all_headers) if unchanged else None


def cached_response(request: Request, body: bytes, media_type: str, *, last_modified: datetime | None = None,
                    headers: Mapping[str, str] | None = None, status_code: int = 200) -> Response:
    """The representation, or an empty 304 carrying the same validators when the client has it."""
    all_headers, unchanged = validated(request, etag_for(body, media_type), last_modified, headers)
    if status_code == 200 and unchanged is not None:
        return unchanged
    return Response(body, status_code=status_code, media_type=media_type, headers=all_headers)


class RepresentationCache:
    """Rendered documents by (path and query, media type), least recently used dropped first.

    Only sound when nothing can change the data behind the app's back: `create_app` enables it for an
    embedded store it opened itself or one passed in as `exclusive` (a writable store locks its folder,
    and the HTTP API is read-only), never for a remote SPARQL server.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], tuple[bytes, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, str], threading.Lock] = {}

    def get_or_build(self, key: tuple[str, str], build: Callable[[], tuple[bytes, datetime | None]],
                     wait: float) -> tuple[bytes, datetime | None]:
        """The cached value, else built once however many requests ask at the same time: the others wait up
        to `wait` seconds for it (a page drawn from the whole graph can take seconds to build on a large one,
        and several builds at once would each take the CPU the others need)."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        if not building.acquire(timeout=wait):
            raise TimeoutError(f"the page is still being built after {wait:g} s")
        try:
            found = self.get(key)
            if found is None:
                found = build()
                self.put(key, found)
            return found
        finally:
            building.release()
            with self._lock:
                self._building.pop(key, None)

    def get(self, key: tuple[str, str]) -> tuple[bytes, datetime | None] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: tuple[bytes, datetime | None]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
