"""Openness on the pages: exempt cases, exempt Vedlegg, closed items and members-only bodies,
as a visitor, a member of another body, a member of the body and the case owner; and the
secretariat's and the administrator's pages that change access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from govern.models import AuditEntry, Body, Case, Meeting, Person, Treatment
from govern.models.meetings import Attachment
from govern.models.openness import ExemptionBasis
from govern.services import accounts
from govern.services.accounts import DEMO_PASSWORD
from govern.services.memberships import MembershipInput, add_membership
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id, text_of

FULL = "Nordic Health Analytics"
PUBLIC = "Tildeling av kontrakt for nasjonal helseanalyseplattform"
HELD = "Unntatt offentlighet, Offl. § 23 første ledd"
OTHER = "andre@example.no"
OWNER = "eier@example.no"


def log_in(client, email: str) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def readers(session, demo_with_accounts):
    """Accounts for a member of another body (NUIT) and for the procurement case's owner."""
    other = Person(name="Ola Utenfor", email=OTHER)
    session.add(other)
    nuit = session.scalar(select(Body).where(Body.slug == "nuit"))
    add_membership(session, nuit, other, MembershipInput(role="medlem"))
    accounts.create_account(session, other, OTHER, password=DEMO_PASSWORD)
    owner = session.scalar(select(Person).where(Person.name == "Anne Kristin Einarsrud"))
    accounts.create_account(session, owner, OWNER, password=DEMO_PASSWORD)
    session.commit()


def procurement(session) -> Treatment:
    case = session.scalar(select(Case).where(Case.key == "helseanalyse-anskaffelse"))
    return case.treatments[0]


WHO = {
    "visitor": (None, False),
    "member of another body": (OTHER, False),
    "member of the body": ("medlem@example.no", True),
    "case owner": (OWNER, True),
    "secretariat": ("sekretariat@example.no", True),
}


@pytest.mark.parametrize("who", WHO)
def test_the_meeting_page_shows_an_exempt_case_to_those_who_may_see_it(
    client, session, readers, who
):
    email, inside = WHO[who]
    april = meeting_id(session, "fagradet", "2/26")
    # Fill the page cache as a member first: a kept page must not reach another reader class.
    log_in(client, "medlem@example.no")
    assert FULL in text_of(client.get(f"/meetings/{april}"))
    client.post("/logout")
    if email:
        log_in(client, email)
    page = text_of(client.get(f"/meetings/{april}"))
    assert PUBLIC in page
    assert "17/26" in page
    if inside:
        assert FULL in page and "48,6 millioner" in page
    else:
        assert FULL not in page and "48,6" not in page and "Datavekst" not in page
        assert HELD in page
    # Vedlegg 3A (on another, public case) is exempt on its own: the body's readers see it,
    # the procurement case's owner does not.
    if who in ("member of the body", "secretariat"):
        assert "Risikovurdering av kildebruk" in page
    else:
        assert "Risikovurdering av kildebruk" not in page
        assert "Vedlegg 3A: Unntatt offentlighet, Offl. § 14" in page
    # Only the secretariat gets the link to change access.
    assert ("Offentlighet – unntak og lukket behandling" in page) is (who == "secretariat")


@pytest.mark.parametrize("who", WHO)
def test_the_case_page_shows_the_public_title_to_others(client, session, readers, who):
    email, inside = WHO[who]
    if email:
        log_in(client, email)
    response = client.get(f"/cases/{procurement(session).case_id}")
    assert response.status_code == 200
    page = text_of(response)
    assert (FULL in page) is inside
    assert PUBLIC in page
    if not inside:
        assert HELD in page and "48,6" not in page


def test_a_closed_items_content_is_only_for_the_bodys_readers(client, session, readers):
    approve_demo_january(session)  # visitors read approved minutes
    january = meeting_id(session, "fagradet", "1/26")
    closed_text = "helhetlig forvaltning av metadata for sentrale kodeverk"
    page = text_of(client.get(f"/meetings/{january}"))
    assert "Forvaltning av metadata for kodeverk" in page  # the title stays public
    assert "Lukket behandling, Offl. § 15 første ledd" in page
    assert closed_text not in page
    assert "Vedtak: Fagrådet drøftet saken." in page  # the open items keep their minutes
    log_in(client, OTHER)
    assert closed_text not in text_of(client.get(f"/meetings/{january}"))
    log_in(client, "medlem@example.no")
    assert closed_text in text_of(client.get(f"/meetings/{january}"))


def test_an_exempt_vedlegg_is_not_downloaded_by_others(client, session, readers):
    attachment = session.scalar(select(Attachment).where(Attachment.exempt_basis.is_not(None)))
    url = f"/attachments/{attachment.id}"
    assert client.get(url).status_code == 302  # log in first
    log_in(client, OTHER)
    assert client.get(url).status_code == 403
    log_in(client, "medlem@example.no")
    assert client.get(url).status_code == 404  # allowed; the demo has no file for it


@pytest.mark.parametrize(
    "path",
    [
        "/bodies/endringsrad-medikasjon",
        "/bodies/produktrad-dips-arena",
        "/bodies/produktrad-dips-arena/prioriteringer",
    ],
)
def test_a_members_only_body_is_not_revealed_to_others(client, session, readers, path):
    assert client.get(path).status_code == 404
    log_in(client, "medlem@example.no")  # a member of Fagrådet only
    assert client.get(path).status_code == 404
    log_in(client, "admin@example.no")
    assert client.get(path).status_code == 200


def test_a_members_only_bodys_meetings_are_not_revealed_to_others(client, session, readers):
    produktrad = meeting_id(session, "produktrad-dips-arena", "1/26")
    assert client.get(f"/meetings/{produktrad}").status_code == 404
    log_in(client, OTHER)
    assert client.get(f"/meetings/{produktrad}").status_code == 404
    page = text_of(client.get("/bodies"))
    assert "Produktråd" in page and "bare for medlemmer" in page
    log_in(client, "admin@example.no")
    assert client.get(f"/meetings/{produktrad}").status_code == 200


def test_the_secretariat_marks_a_case_exempt_and_lifts_it(client, app, session, readers):
    app.config["WTF_CSRF_ENABLED"] = False
    april = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    ehds = next(i.treatment for i in april.items if i.treatment and i.treatment.seq == 10)
    title = ehds.display_title
    url = f"/treatments/{ehds.id}/offentlighet"
    assert client.get(f"/meetings/{april.id}").status_code == 200  # a visitor's kept page
    assert client.get(url).status_code == 302
    log_in(client, "medlem@example.no")
    assert client.get(url).status_code == 403
    log_in(client, "sekretariat@example.no")
    # Exempt without a basis: refused in Norwegian, nothing saved.
    refused = client.post(url, data={"exempt": "y", "public_title": "EHDS"})
    assert refused.status_code == 400
    assert "Velg en skjermingshjemmel" in text_of(refused)
    session.expire_all()
    assert session.get(Case, ehds.case_id).exempt_basis is None
    done = client.post(
        url,
        data={"exempt": "y", "exempt_basis": "Offl. § 14", "public_title": "EHDS og e-resept"},
    )
    assert done.status_code == 302
    session.expire_all()
    case = session.get(Case, ehds.case_id)
    assert (case.exempt_basis, case.public_title) == ("Offl. § 14", "EHDS og e-resept")
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "case.exempt", AuditEntry.entity_id == ehds.case_id
        )
    )
    assert entry is not None and entry.changes["exempt_basis"] == [None, "Offl. § 14"]
    client.post("/logout")
    page = text_of(client.get(f"/meetings/{april.id}"))
    assert "EHDS og e-resept" in page and title not in page
    assert "Unntatt offentlighet, Offl. § 14" in page
    # Lift it: public again.
    log_in(client, "sekretariat@example.no")
    assert client.post(url, data={"public_title": "EHDS og e-resept"}).status_code == 302
    client.post("/logout")
    assert title in text_of(client.get(f"/meetings/{april.id}"))
    session.expire_all()
    actions = set(session.scalars(select(AuditEntry.action)))
    assert "case.exempt_lift" in actions


def test_the_secretariat_closes_an_item_and_exempts_a_vedlegg(client, app, session, readers):
    app.config["WTF_CSRF_ENABLED"] = False
    april = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    kjernejournal = next(i.treatment for i in april.items if i.treatment and i.treatment.seq == 14)
    six_a = next(a for a in kjernejournal.attachments if a.number == "6A")
    log_in(client, "sekretariat@example.no")
    url = f"/treatments/{kjernejournal.id}/offentlighet"
    refused = client.post(url, data={"closed": "y"})
    assert refused.status_code == 400 and "hjemmel" in text_of(refused)
    done = client.post(
        url,
        data={"closed": "y", "closed_basis": "Offl. § 14", f"attachment-{six_a.id}": "Offl. § 14"},
    )
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Treatment, kjernejournal.id).closed_basis == "Offl. § 14"
    assert session.get(Attachment, six_a.id).exempt_basis == "Offl. § 14"
    page = text_of(client.get(f"/meetings/{april.id}"))
    assert "Lukket behandling, Offl. § 14" in page  # the secretariat sees what is closed
    client.post("/logout")
    page = text_of(client.get(f"/meetings/{april.id}"))
    assert "Vurdering kjernejournal portal" not in page
    assert "Lukket behandling, Offl. § 14" in page


def test_members_only_is_set_in_the_body_admin_and_audited(client, app, session, readers):
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, "admin@example.no")
    page = client.get("/bodies/nufa/edit").get_data(as_text=True)
    assert "Bare for medlemmer" in page
    body = session.scalar(select(Body).where(Body.slug == "nufa"))
    data = {
        "name": body.name,
        "short_name": body.short_name,
        "kind": body.kind,
        "status": body.status,
        "mandate": body.mandate,
        "minutes_approved_when": body.minutes_approved_when,
        "escalates_to": "0",
        "version": str(body.version),
        "members_only": "y",
    }
    assert client.post("/bodies/nufa/edit", data=data).status_code == 302
    session.expire_all()
    assert session.scalar(select(Body).where(Body.slug == "nufa")).members_only
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "body.members_only"))
    client.post("/logout")
    assert client.get("/bodies/nufa").status_code == 404


def test_the_administrator_keeps_the_list_of_bases(client, app, session, readers):
    app.config["WTF_CSRF_ENABLED"] = False
    log_in(client, "sekretariat@example.no")
    assert client.get("/admin/skjermingshjemler").status_code == 403
    log_in(client, "admin@example.no")
    page = text_of(client.get("/admin/skjermingshjemler"))
    assert "Offl. § 23 første ledd" in page
    empty = client.post("/admin/skjermingshjemler", data={"text": " "})
    assert empty.status_code == 400 and "Skriv hjemmelen" in text_of(empty)
    added = client.post("/admin/skjermingshjemler", data={"text": "Offl. § 24 tredje ledd"})
    assert added.status_code == 302
    basis = session.scalar(
        select(ExemptionBasis).where(ExemptionBasis.text == "Offl. § 24 tredje ledd")
    )
    assert basis is not None and basis.active
    twice = client.post("/admin/skjermingshjemler", data={"text": "Offl. § 24 tredje ledd"})
    assert twice.status_code == 400 and "står allerede i listen" in text_of(twice)
    client.post(f"/admin/skjermingshjemler/{basis.id}", data={"action": "retire"})
    session.expire_all()
    assert not session.get(ExemptionBasis, basis.id).active
    # A retired basis is no longer offered to the secretariat.
    april = session.get(Meeting, meeting_id(session, "fagradet", "2/26"))
    t = next(i.treatment for i in april.items if i.treatment and i.treatment.seq == 10)
    log_in(client, "sekretariat@example.no")
    form = client.get(f"/treatments/{t.id}/offentlighet").get_data(as_text=True)
    assert "Offl. § 24 tredje ledd" not in form and "Offl. § 23 første ledd" in form
