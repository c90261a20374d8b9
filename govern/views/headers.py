"""Security and caching headers on every response.

The Content-Security-Policy allows scripts, styles, images and fonts from this site only:
no inline script, no inline style attribute, no framing. Pages keep their behaviour in
static/govern.js and their looks in static/style.css.

Caching: a response for a logged-in user (by session or API token) is `private, no-store`,
so neither a shared cache nor the browser's disk keeps drafts, names or CSRF tokens. So is
every response whose view did not say otherwise. Views that serve public data say so with
their own Cache-Control (cached pages, documents and calendars of public meetings:
`no-cache` with an ETag, so the browser revalidates and gets 304); static files keep
Flask's own headers.
"""

from __future__ import annotations

from flask import Flask, Response, g, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: One year; sent only over https (a browser ignores it over http anyway).
HSTS = "max-age=31536000"
PRIVATE = "private, no-store"


def security_headers(response: Response) -> Response:
    """after_request: the headers every response carries."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint != "static":
        _cache_control(response)
    return response


def _cache_control(response: Response) -> None:
    """Private unless the view marked the response as public data for an anonymous reader."""
    if _logged_in() or "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("Expires", None)


def _logged_in() -> bool:
    """Whether the response is for a logged-in user, without loading one now (this runs
    after errors too, when the database session may be unusable)."""
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def init_headers(app: Flask) -> None:
    """Add the headers to every response of the app."""
    app.after_request(security_headers)
