"""E-mails of forfall/vara, answers and minutes for comments are written in the body's
document language: a body that writes nynorsk sends nynorsk, whatever language is current."""

from __future__ import annotations

from datetime import date

from govern.i18n import use_language
from govern.services import accounts, forfall, memberships
from govern.services.invitations import sync_invitations
from govern.services.minutes_comments import send_for_comments
from tests.conftest import add_case, make_body, make_meeting, make_person
from tests.mail_messages import arrived
from tests.services.test_forfall import BASE, KEY, SETTINGS, _member


def test_the_varas_invitation_is_in_nynorsk_for_a_nynorsk_body(app, session, smtp_server):
    body = make_body(document_language="nn")
    stine = _member(session, body, "Stine Slørdal", "stine@example.no")
    marthe = _member(session, body, "Marthe Dingen", "marthe@example.no", "vara", stine)
    meeting = make_meeting(body, date(2027, 4, 29), location="Oslo")
    sync_invitations(session, meeting, BASE, answer_key=KEY)
    session.commit()
    arrived(app, session, smtp_server)
    with use_language("en"):  # the reader's language does not decide the mail's
        absence = forfall.report_absence(
            session, None, meeting, stine, [], "", SETTINGS, date(2027, 4, 1)
        )
    session.commit()
    assert absence.substitute == marthe
    [(to, subject, text, method, _calendar)] = arrived(app, session, smtp_server)
    assert to == "marthe@example.no" and method == "REQUEST"
    assert subject.startswith("Innkalling som vara: ")
    assert "Stine Slørdal har meldt forfall til" in text
    assert "og du er kalla inn som vara." in text
    assert "Stad: Oslo" in text and "Dagsorden og sakspapir: " in text
    assert "Stadfest at du kan stille:" in text
    assert "Eg kjem: https://govern.test/svar/" in text
    assert "Eg kjem ikkje: https://govern.test/svar/" in text
    assert text.replace("\r\n", "\n").rstrip().endswith("Helsing\nsekretariatet for Fagrådet")
    assert "kalt inn" not in text and "Hilsen" not in text and "I will" not in text


def test_minutes_for_comments_in_nynorsk_and_bokmal(app, session, smtp_server):
    sent_texts = {}
    for language, slug in (("nn", "nynorsk"), ("nb", "bokmal")):
        body = make_body(slug=slug, short_name=f"Rådet {slug}", document_language=language)
        person = make_person(f"Jon {slug}", email=f"jon@{slug}.no")
        memberships.add_membership(session, body, person, memberships.MembershipInput("medlem"))
        staff = make_person(f"Siv {slug}", email=f"siv@{slug}.no")
        memberships.add_membership(session, body, staff, memberships.MembershipInput("sekretariat"))
        user = accounts.create_account(session, staff, f"siv@{slug}.no", password="x" * 12)
        meeting = make_meeting(body, date(2027, 1, 20), status="gjennomført")
        add_case(meeting, "Strategi").treatment.decision = "Teke til orientering."
        session.commit()
        with use_language("en"):
            send_for_comments(
                session, user, meeting, date(2027, 2, 12), BASE, confirmed=True,
                today=date(2027, 2, 1),
            )  # fmt: skip
        session.commit()
        [(_to, subject, text, _method, _cal)] = arrived(app, session, smtp_server)
        sent_texts[language] = (subject, text)
    subject, text = sent_texts["nn"]
    assert subject.startswith("Referat til merknader: ")
    assert "Hei Jon nynorsk," in text
    assert "Gi eventuelle merknader per sak innan 12. februar 2027:" in text
    assert "Referatet blir godkjent i neste møte." in text and "Helsing" in text
    subject, text = sent_texts["nb"]
    assert "Gi eventuelle merknader per sak innen 12. februar 2027:" in text
    assert "Referatet godkjennes i neste møte." in text and "Hilsen" in text
