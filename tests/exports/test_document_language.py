"""A body writes its documents in bokmål or nynorsk (Body.document_language): Word is told
nb-NO or nn-NO in the styles of every document of the body; the body form, the audit log
and the exchange format carry the setting."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from govern.exports.exchange import build_exchange
from govern.models import Body
from govern.services.exchange import ExchangeError, import_exchange
from tests.api.helpers import assert_problem, bearer, user_with_token
from tests.exports.test_documents import docx_of, treatment
from tests.exports.test_structured_text import lang
from tests.services.test_exchange import approve_demo_january, example
from tests.views.test_body_admin import (  # noqa: F401 (fixtures)
    _edit_data,
    body,
    login,
    make_user,
    secretary,
)
from tests.views.test_pages import meeting_id, text_of


def _body(session, slug: str) -> Body:
    return session.scalar(select(Body).where(Body.slug == slug))


def test_a_nynorsk_body_gets_nn_no_in_every_document(client, session, demo):
    approve_demo_january(session)
    _body(session, "fagradet").document_language = "nn"
    session.commit()
    january, april = (meeting_id(session, "fagradet", n) for n in ("1/26", "2/26"))
    urls = [
        f"/meetings/{april}/innkalling.docx",
        f"/meetings/{january}/referat.docx",
        f"/treatments/{treatment(session, '10/26').id}/toppnotat.docx",
    ]
    for url in urls:
        assert lang(docx_of(client.get(url))) == "nn-NO", url
    # A bokmål body's documents stay nb-NO (the administrator reads the members-only body).
    make_user(session, "Ada Admin", "ada@example.no", is_admin=True)
    session.commit()
    login(client, "ada@example.no")
    other = meeting_id(session, "produktrad-dips-arena", "1/26")
    assert lang(docx_of(client.get(f"/meetings/{other}/innkalling.docx"))) == "nb-NO"


def test_the_secretariat_chooses_the_document_language(client, session, secretary, body):  # noqa: F811
    login(client, "siri@example.no")
    form = client.get("/bodies/fagradet/edit")
    assert "Dokumentspråk" in text_of(form) and "Nynorsk" in text_of(form)
    saved = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(form.get_data(as_text=True), document_language="nn"),
    )
    assert saved.status_code == 302
    session.expire_all()
    assert _body(session, "fagradet").document_language == "nn"
    assert "Dokumentspråk" in text_of(client.get("/bodies/fagradet/audit"))
    refused = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(
            client.get("/bodies/fagradet/edit").get_data(as_text=True), document_language="sv"
        ),
    )
    assert refused.status_code == 400
    session.expire_all()
    assert _body(session, "fagradet").document_language == "nn"


def test_the_exchange_carries_nynorsk_and_refuses_other_languages(session):
    document = copy.deepcopy(example())
    document["bodies"][0]["document_language"] = "nn"
    import_exchange(session, document)
    session.commit()
    slug = document["bodies"][0]["slug"]
    assert _body(session, slug).document_language == "nn"
    exported = {b["slug"]: b for b in build_exchange(session)["bodies"]}
    assert exported[slug]["document_language"] == "nn"
    assert all("document_language" not in b for s, b in exported.items() if s != slug)


def test_the_exchange_refuses_another_language(session):
    broken = copy.deepcopy(example())
    broken["bodies"][0]["document_language"] = "sv"
    with pytest.raises(ExchangeError) as caught:
        import_exchange(session, broken)
    session.rollback()
    assert caught.value.field.startswith("bodies[0]")
    assert "dokumentspråk" in caught.value.message


def test_the_api_reads_and_sets_the_document_language(client, session):
    admin = user_with_token(session, "Ada Admin", "ada@example.no", is_admin=True)
    new = {"slug": "nynorsk-rad", "name": "Nynorskrådet", "short_name": "NR", "kind": "annet"}
    created = client.post(
        "/api/v1/bodies", json=new | {"document_language": "nn"}, headers=bearer(admin)
    )
    assert created.status_code == 201 and created.get_json()["document_language"] == "nn"
    update = {k: v for k, v in new.items() if k != "slug"} | {
        "version": created.get_json()["version"]
    }
    kept = client.put("/api/v1/bodies/nynorsk-rad", json=update, headers=bearer(admin))
    assert kept.get_json()["document_language"] == "nn"  # left out: as it is
    refused = client.put(
        "/api/v1/bodies/nynorsk-rad",
        json=update | {"version": kept.get_json()["version"], "document_language": "sv"},
        headers=bearer(admin),
    )
    assert_problem(refused, 422, "document_language")
