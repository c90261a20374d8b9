"""The JSON API under /api/v1/: bodies, people, memberships, cases, meetings (days, agenda,
attendance), treatments, decisions and follow-ups.

How it fits together:
- blueprint.py: `bp`, apart from this package, so the resource modules import it without a cycle.
- registry.py: the `@api_operation(method, rule, tag=…, summary=…, query=…, body=…,
  response=…, status=…, errors=(…))` decorator registers a view on `bp` and records the
  operation; openapi.py builds /api/v1/openapi.json and the /api/v1/docs page from that record,
  so the document always matches the code.
- schemas.py: pydantic models. Request bodies subclass `Request` (strict, unknown fields
  refused), query strings `Query`/`PageQuery`, responses `Response`; lists are `Page[Item]`.
- errors.py: every error is application/problem+json; services' GovernError becomes 422/409/404
  naming the field, pydantic errors 422, and `ApiProblem(status, detail)` stops a view.
- auth.py: `Authorization: Bearer <token>` (services/api_tokens.py) acts as the token's owner.
  Writes (anything but GET) need a token; a browser session may only read.
- common.py: `page_of(stmt, query, serialize)`, `get_or_404`, `require_api(action, target)`
  (policy.can with 401/403 instead of a redirect).

Adding a resource: write its models in schemas.py (or in its own module), a module here with
views decorated by `@api_operation` that call the same services as the web forms and then
`settle()` (the request's unit of work commits once the view has returned), return a response
model (or a dict matching it); import the module at the end of this file. Add its tag to openapi.TAG_TEXT. tests/api/test_openapi.py then checks it is in the
document, and `make check-api` fuzzes it.
"""

from __future__ import annotations

from govern.api import auth, errors
from govern.api.blueprint import bp

bp.before_request(auth.load_token_user)
errors.register_error_handlers(bp)


@bp.record_once
def _exempt_from_csrf(state) -> None:
    """No CSRF token for API requests: writes need a Bearer token, never a cookie."""
    from govern.extensions import csrf

    csrf.exempt(bp)


from govern.api import (  # noqa: E402,F401  (their routes are on bp)
    agenda,
    bodies,
    cases,
    einnsyn,
    followups,
    meetings,
    memberships,
    openapi,
    people,
    treatments,
)
