"""The secretariat's workbench for a body: creating and editing it, members, the audit log."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, Body, Membership, Person, User
from govern.services import accounts, bodies, memberships
from govern.services.memberships import MembershipInput
from tests.conftest import make_body, make_person
from tests.views.test_pages import count_queries, text_of

PASSWORD = "riktig-passord-123"
LONG_AGO = date(2020, 1, 1)


def make_user(session, name, email, *, body=None, role=None, is_admin=False) -> Person:
    person = make_person(name, email=email)
    if role is not None:
        memberships.add_membership(session, body, person, MembershipInput(role, LONG_AGO))
    accounts.create_account(session, person, email, is_admin=is_admin, password=PASSWORD)
    session.commit()
    return person


def login(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def between(page: str, start: str, end: str | None = None) -> str:
    """The part of a page's text after the heading `start` (up to `end`)."""
    rest = page.split(start, 1)[1]
    return rest.split(end, 1)[0] if end else rest


@pytest.fixture
def body(session):
    body = make_body()
    session.commit()
    return body


@pytest.fixture
def admin(session):
    return make_user(session, "Ada Admin", "admin@example.no", is_admin=True)


@pytest.fixture
def secretary(session, body):
    return make_user(session, "Siri Sekretær", "siri@example.no", body=body, role="sekretariat")


@pytest.fixture
def member(session, body):
    return make_user(session, "Jon Medlem", "jon@example.no", body=body, role="medlem")


def _membership(session, name: str) -> Membership:
    return session.scalar(select(Membership).join(Membership.person).where(Person.name == name))


NEW_BODY = {
    "slug": "produktradet",
    "name": "Nasjonalt produktråd for journal",
    "short_name": "Produktrådet",
    "kind": "produktråd",
    "status": "Under etablering",
    "mandate": "Prioriterer endringer.",
    "escalates_to": "0",
}


def test_admin_creates_a_body(client, session, admin, body):
    login(client, "admin@example.no")
    form = client.get("/bodies/new")
    assert form.status_code == 200
    assert "Kortnavn i adressen" in text_of(form) and "Eskalerer til" in text_of(form)
    created = client.post("/bodies/new", data=NEW_BODY | {"escalates_to": str(body.id)})
    assert created.status_code == 302 and created.location == "/bodies/produktradet"
    page = text_of(client.get(created.location))
    assert "Organet Produktrådet er opprettet." in page
    assert "Nasjonalt produktråd for journal" in page and "Under etablering" in page
    assert "Eskalerer til Nasjonalt fagrådet for digitalisering" in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "body.create"))
    assert entry.summary == "Organet Produktrådet ble opprettet"


def test_new_body_errors_are_norwegian_and_keep_the_input(client, admin, body):
    login(client, "admin@example.no")
    duplicate = client.post("/bodies/new", data=NEW_BODY | {"slug": "fagradet"})
    assert duplicate.status_code == 400
    page = text_of(duplicate)
    assert "Det finnes allerede et organ med adressen «fagradet»" in page
    assert 'value="Nasjonalt produktråd for journal"' in duplicate.get_data(as_text=True)
    bad = client.post("/bodies/new", data=NEW_BODY | {"slug": "Produkt Rådet"})
    assert bad.status_code == 400
    assert "Kortnavnet i adressen kan bare ha små bokstaver a–z, tall og bindestrek" in text_of(bad)
    empty = client.post("/bodies/new", data=NEW_BODY | {"name": "", "kind": "forening"})
    assert empty.status_code == 400
    assert "Skriv organets fulle navn" in text_of(empty)
    assert "Ikke et gyldig valg" in text_of(empty)


def test_only_an_administrator_creates_bodies(client, secretary):
    assert client.get("/bodies/new").location.startswith("/login")
    login(client, "siri@example.no")
    assert client.get("/bodies/new").status_code == 403
    assert client.post("/bodies/new", data=NEW_BODY).status_code == 403


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/bodies/fagradet/edit"),
        ("post", "/bodies/fagradet/edit"),
        ("get", "/bodies/fagradet/members"),
        ("post", "/bodies/fagradet/members"),
        ("get", "/bodies/fagradet/members/{id}/edit"),
        ("post", "/bodies/fagradet/members/{id}/end"),
        ("get", "/bodies/fagradet/audit"),
    ],
)
def test_members_get_403_and_visitors_are_sent_to_login(client, session, member, method, path):
    path = path.format(id=_membership(session, "Jon Medlem").id)
    anonymous = getattr(client, method)(path)
    assert anonymous.status_code == 302 and anonymous.location.startswith("/login")
    login(client, "jon@example.no")
    refused = getattr(client, method)(path)
    assert refused.status_code == 403
    assert "Du har ikke tilgang til denne siden." in text_of(refused)


def test_the_body_page_links_to_the_workbench(client, secretary, member, admin):
    assert "Endringslogg" not in text_of(client.get("/bodies/fagradet"))
    login(client, "jon@example.no")
    assert "Rediger organ" not in text_of(client.get("/bodies/fagradet"))
    client.post("/logout")
    login(client, "siri@example.no")
    page = text_of(client.get("/bodies/fagradet"))
    assert "Rediger organ Medlemmer Endringslogg" in page and "Nytt organ" not in page
    client.post("/logout")
    login(client, "admin@example.no")
    assert "Nytt organ" in text_of(client.get("/bodies/fagradet"))


def _edit_data(page_html: str, **changed) -> dict:
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page_html)
    version = version or re.search(r'type="hidden" name="version" value="(\d+)"', page_html)
    data = {
        "name": "Nasjonalt fagrådet for digitalisering",
        "short_name": "Fagrådet",
        "kind": "fagråd",
        "status": "Etablert",
        "mandate": "",
        "escalates_to": "0",
        "version": version.group(1),
    }
    return data | changed


def test_secretariat_edits_the_body(client, session, secretary, body):
    login(client, "siri@example.no")
    form = client.get("/bodies/fagradet/edit")
    assert form.status_code == 200
    assert "/bodies/fagradet (kan ikke endres)" in text_of(form)
    saved = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(form.get_data(as_text=True), mandate="Gir råd om digitalisering."),
    )
    assert saved.status_code == 302 and saved.location == "/bodies/fagradet"
    page = text_of(client.get("/bodies/fagradet"))
    assert "Endringene er lagret." in page and "Gir råd om digitalisering." in page
    empty = client.post(
        "/bodies/fagradet/edit", data=_edit_data(form.get_data(as_text=True), short_name="")
    )
    assert empty.status_code == 400 and "Skriv organets kortnavn" in text_of(empty)


def test_the_body_chooses_when_the_previous_minutes_are_approved(client, session, secretary, body):
    login(client, "siri@example.no")
    form = client.get("/bodies/fagradet/edit")
    page = text_of(form)
    assert "Forrige referat godkjennes" in page
    assert "Når møtet som godkjenner, er merket som gjennomført" in page
    saved = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(form.get_data(as_text=True), minutes_approved_when="minutes_sent"),
    )
    assert saved.status_code == 302
    session.expire_all()
    assert session.scalar(select(Body)).minutes_approved_when == "minutes_sent"
    log = text_of(client.get("/bodies/fagradet/audit"))
    assert "Forrige referat godkjennes" in log


def test_a_stale_edit_is_refused_and_the_typed_text_kept(client, session, secretary, body):
    login(client, "siri@example.no")
    opened = client.get("/bodies/fagradet/edit").get_data(as_text=True)
    # Someone else saves first.
    body = session.scalar(select(Body))
    bodies.update_body(
        session,
        None,
        body,
        bodies.BodyUpdate(body.name, "Fagrådet", "fagråd", "Planlagt", "Deres mandat."),
        body.version,
    )
    session.commit()
    stale = client.post(
        "/bodies/fagradet/edit", data=_edit_data(opened, mandate="Mitt eget mandat.")
    )
    assert stale.status_code == 400
    page = text_of(stale)
    assert "Organet ble endret av noen andre mens du redigerte." in page
    assert "Mitt eget mandat." in page  # still in the textarea
    assert "Slik er organet lagret nå" in page
    assert "Mandat Deres mandat." in page and "Status Planlagt" in page
    session.expire_all()
    assert session.scalar(select(Body)).mandate == "Deres mandat."
    # Having seen the other save, the user may save again on purpose.
    again = client.post(
        "/bodies/fagradet/edit",
        data=_edit_data(stale.get_data(as_text=True), mandate="Mitt eget mandat."),
    )
    assert again.status_code == 302
    session.expire_all()
    assert session.scalar(select(Body)).mandate == "Mitt eget mandat."


def _add(client, **data):
    defaults = {"person_id": "0", "role": "medlem", "starts_on": "", "deputy_for": "0"}
    return client.post("/bodies/fagradet/members", data=defaults | data)


def test_secretariat_adds_a_new_person_as_member(client, session, secretary):
    login(client, "siri@example.no")
    page = client.get("/bodies/fagradet/members")
    assert page.status_code == 200
    assert "Siri Sekretær, Helsedirektoratet" in between(text_of(page), "Nåværende", "Kommende")
    added = _add(
        client,
        new_name="Ola Nordmann",
        new_organisation="Helse Vest RHF",
        new_email="ola@example.no",
        starts_on="2026-01-01",
    )
    assert added.status_code == 302
    page = text_of(client.get(added.location))
    assert "Ola Nordmann er lagt til som medlem." in page
    assert "Ola Nordmann, Helse Vest RHF Medlem fra 01.01.2026" in between(
        page, "Nåværende", "Kommende"
    )
    ola = session.scalar(select(Person).where(Person.name == "Ola Nordmann"))
    assert ola.email == "ola@example.no" and ola.organisation.name == "Helse Vest RHF"


def test_add_member_errors_keep_the_input(client, session, secretary):
    login(client, "siri@example.no")
    neither = _add(client)
    assert neither.status_code == 400
    assert "Velg en person i listen, eller skriv navnet på en ny person" in text_of(neither)
    backwards = _add(client, new_name="Per Vik", starts_on="2026-05-01", ends_on="2026-04-01")
    assert backwards.status_code == 400
    assert "Perioden slutter før den begynner" in text_of(backwards)
    html = backwards.get_data(as_text=True)
    assert 'value="Per Vik"' in html and 'value="2026-04-01"' in html
    assert session.scalar(select(Person).where(Person.name == "Per Vik")) is None


def test_deputy_rules_are_refused_with_the_right_message(client, session, secretary, member):
    login(client, "siri@example.no")
    jon = _membership(session, "Jon Medlem").person_id
    as_member = _add(client, new_name="Marthe Vara", deputy_for=str(jon))
    assert as_member.status_code == 400
    assert "Bare en vara kan stille for et annet medlem" in text_of(as_member)
    itself = _add(client, person_id=str(jon), role="vara", deputy_for=str(jon))
    assert itself.status_code == 400
    assert "En person kan ikke være vara for seg selv" in text_of(itself)
    twice = _add(client, person_id=str(jon), role="medlem", starts_on="2026-01-01")
    assert twice.status_code == 400
    assert "Jon Medlem har allerede rollen medlem i Fagrådet (fra 01.01.2020)" in text_of(twice)

    ok = _add(client, new_name="Marthe Vara", role="vara", deputy_for=str(jon))
    assert ok.status_code == 302
    page = text_of(client.get("/bodies/fagradet/members"))
    assert "Marthe Vara Vara uten tidsbegrensning Jon Medlem" in page
    # Taking Marthe off the vara role while she still stands in for Jon is refused.
    marthe = _membership(session, "Marthe Vara")
    edit = f"/bodies/fagradet/members/{marthe.id}/edit"
    assert "Jon Medlem, Helsedirektoratet" in text_of(client.get(edit))
    as_observer = client.post(edit, data={"role": "observatør", "deputy_for": str(jon)})
    assert as_observer.status_code == 400
    assert "Bare en vara kan stille for et annet medlem" in text_of(as_observer)
    # A person is never offered as their own deputy.
    own = client.post(edit, data={"role": "vara", "deputy_for": str(marthe.person_id)})
    assert own.status_code == 400 and "Ikke et gyldig valg" in text_of(own)


def test_secretariat_edits_and_ends_a_membership(client, session, secretary, member):
    login(client, "siri@example.no")
    jons = _membership(session, "Jon Medlem")
    form = client.get(f"/bodies/fagradet/members/{jons.id}/edit")
    assert form.status_code == 200 and "Medlemskapet til Jon Medlem" in text_of(form)
    edited = client.post(
        f"/bodies/fagradet/members/{jons.id}/edit",
        data={"role": "nestleder", "starts_on": "2021-02-01", "ends_on": "", "deputy_for": "0"},
    )
    assert edited.status_code == 302
    page = text_of(client.get("/bodies/fagradet/members"))
    assert "Medlemskapet til Jon Medlem er endret." in page
    assert "Jon Medlem, Helsedirektoratet Nestleder fra 01.02.2021" in between(
        page, "Nåværende", "Kommende"
    )
    too_early = client.post(
        f"/bodies/fagradet/members/{jons.id}/end", data={f"end{jons.id}-ends_on": "2021-01-01"}
    )
    assert too_early.status_code == 400
    assert "Medlemskapet begynte 01.02.2021 og kan ikke slutte før det" in text_of(too_early)
    assert 'value="2021-01-01"' in too_early.get_data(as_text=True)
    yesterday = date.today() - timedelta(days=1)
    ended = client.post(
        f"/bodies/fagradet/members/{jons.id}/end",
        data={f"end{jons.id}-ends_on": yesterday.isoformat()},
    )
    assert ended.status_code == 302
    page = text_of(client.get("/bodies/fagradet/members"))
    assert f"siste dag {yesterday:%d.%m.%Y}" in page
    assert "Jon Medlem" not in between(page, "Nåværende", "Kommende")
    assert f"Jon Medlem, Helsedirektoratet Nestleder fra 01.02.2021 til {yesterday:%d.%m.%Y}" in (
        between(page, "Tidligere", "Legg til medlem")
    )
    # Ending it again (say, from a page opened earlier) is refused at the row, now under Tidligere.
    again = client.post(
        f"/bodies/fagradet/members/{jons.id}/end",
        data={f"end{jons.id}-ends_on": date.today().isoformat()},
    )
    assert again.status_code == 400
    assert f"Medlemskapet slutter allerede {yesterday:%d.%m.%Y}." in between(
        text_of(again), "Tidligere", "Legg til medlem"
    )


def test_a_membership_of_another_body_is_not_found(client, session, secretary):
    other = make_body("annet", "Annet")
    outsider = make_person("Ute")
    membership = memberships.add_membership(session, other, outsider, MembershipInput("medlem"))
    session.commit()
    login(client, "siri@example.no")
    assert client.get(f"/bodies/fagradet/members/{membership.id}/edit").status_code == 404


def test_the_audit_log_shows_who_did_what(client, session, secretary, member, body):
    login(client, "siri@example.no")
    opened = client.get("/bodies/fagradet/edit").get_data(as_text=True)
    client.post("/bodies/fagradet/edit", data=_edit_data(opened, name="Fagrådet for e-helse"))
    _add(client, new_name="Ola Nordmann", starts_on="2026-01-01")
    session.add(
        AuditEntry(
            at=datetime(2026, 11, 23, 13, 5, tzinfo=UTC),
            body_id=body.id,
            action="meeting.schedule",
            entity="meeting",
            summary="Møte 1/26 ble planlagt",
        )
    )
    session.commit()
    page = text_of(client.get("/bodies/fagradet/audit"))
    assert "Endringslogg for Fagrådet" in page
    assert (
        "Siri Sekretær Opplysningene om Fagrådet ble endret "
        "Navn: Nasjonalt fagrådet for digitalisering → Fagrådet for e-helse"
    ) in page
    assert "Siri Sekretær Ola Nordmann ble medlem i Fagrådet (fra 01.01.2026)" in page
    assert "23.11.2026 kl. 14.05 system Møte 1/26 ble planlagt" in page
    # Newest first; the entry from November 2026 is the oldest only if today is before it.
    assert page.index("Ola Nordmann ble medlem") < page.index("Opplysningene om Fagrådet")
    assert re.search(r"\d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d Siri Sekretær", page)


def _fill(session, body: Body, n: int) -> None:
    """n people with a past and a present membership, each with an entry in the log."""
    for i in range(n):
        person = make_person(f"Person {i}", f"Organisasjon {i}")
        role = "vara" if i % 2 else "medlem"
        deputy = make_person(f"Fast {i}") if role == "vara" else None
        if deputy is not None:
            memberships.add_membership(session, body, deputy, MembershipInput("medlem"))
        memberships.add_membership(
            session, body, person, MembershipInput(role, LONG_AGO, date(2021, 1, 1)), deputy
        )
        memberships.add_membership(
            session, body, person, MembershipInput(role, date(2021, 1, 2)), deputy
        )
        user = accounts.create_account(session, person, f"p{i}@{body.slug}.example.no")
        session.add(
            AuditEntry(
                user_id=user.id, body_id=body.id, action="x", entity="x", summary=f"Endring {i}"
            )
        )
    session.commit()


@pytest.mark.parametrize("path", ["/bodies/{slug}/members", "/bodies/{slug}/audit"])
def test_the_query_count_does_not_grow_with_the_page(client, session, admin, path):
    login(client, "admin@example.no")
    small, large = make_body("liten", "Liten"), make_body("stor", "Stor")
    _fill(session, small, 2)
    _fill(session, large, 12)
    client.get(path.format(slug="liten"))  # warm up: loads the logged-in user once
    # Held here so the session's identity map (weak references) keeps the logged-in user:
    # otherwise whether it is loaded again depends on when the garbage collector runs.
    logged_in = session.scalar(select(User).where(User.email == "admin@example.no"))
    counts = []
    for slug in ("liten", "stor"):
        with count_queries() as statements:
            assert client.get(path.format(slug=slug)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert logged_in.is_admin
