"""Headers that tell browsers how to treat every response: no type sniffing, no framing, and for
HTML a Content-Security-Policy that lets a page load only this site's own resources.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request): it
adds the headers to the response start message and passes the body through untouched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages keep their small styles inline and run no inline script (the SPARQL page works without one;
# JSON-LD blocks are data, not scripts); nothing is loaded from elsewhere.
PAGE_POLICY = ("default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
               "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
               "frame-ancestors 'none'")
# Data (JSON-LD, RDF, problems) is never a document to run anything in.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY_BYTES = PAGE_POLICY.encode()
DATA_POLICY_BYTES = DATA_POLICY.encode()

ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"strict-origin-when-cross-origin")]


def with_security_headers(headers: list[tuple[bytes, bytes]], status: int) -> list[tuple[bytes, bytes]]:
    """A response's headers with those above added (a header the response sets itself is kept): what this
    middleware does to every response, and the SPARQL endpoint's lookups to theirs (`api/sparql.py`)."""
    names = {name.lower() for name, _ in headers}
    headers += [h for h in ALWAYS if h[0] not in names]
    # A 304 has no Content-Type to tell a page from data, and its headers replace the cached
    # response's: it carries no policy, so a revalidated page keeps its own (not the data's).
    if b"content-security-policy" not in names and status != 304:
        html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
        headers.append((b"content-security-policy", PAGE_POLICY_BYTES if html else DATA_POLICY_BYTES))
    return headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])), message.get("status"))
            await send(message)

        await self.app(scope, receive, send_with_headers)
