"""Habilitet in the pure openness policy: a member found inhabil in a case, in a body that
withholds the papers, is a visitor for that treatment; the SQL forms agree."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from govern import openness
from govern.models.bodies import Body
from govern.models.cases import Case, Treatment
from govern.models.meetings import Attachment
from tests.test_policy import DAY, FAGRADET, Reader
from tests.test_policy_openness import READERS, bare, exempt_case  # noqa: F401 (fixture)


@dataclass
class RecusalStub:
    treatment_id: int
    status: str = "inhabil"


@dataclass
class RecusedReader(Reader):
    recusals: list = field(default_factory=list)

    @property
    def person(self):
        person = super().person
        person.recusals = self.recusals
        return person


def recused_member(*treatment_ids: int, status: str = "inhabil") -> RecusedReader:
    member = READERS["member"]
    return RecusedReader(
        memberships=member.memberships,
        recusals=[RecusalStub(t, status) for t in treatment_ids],
    )


@pytest.mark.parametrize("withholds", [True, False])
def test_an_inhabil_member_sees_an_exempt_case_as_a_visitor_where_the_body_chooses(withholds):
    case, treatment = exempt_case()
    treatment.id = 5
    FAGRADET.recusal_withholds = withholds
    try:
        reader = recused_member(5)
        assert openness.may_see_treatment(reader, treatment, on=DAY) is not withholds
        assert openness.may_see_case(reader, case, on=DAY) is not withholds
        shown = openness.shown_title(reader, treatment, on=DAY)
        assert shown == ("Kontrakt om plattform" if withholds else case.title)
        # Only a decided recusal counts.
        assert openness.may_see_treatment(recused_member(5, status="meldt"), treatment, on=DAY)
    finally:
        FAGRADET.recusal_withholds = False


def test_the_sql_forms_agree_for_a_recused_member(bare):  # noqa: F811 (the fixture)
    body = bare.scalar(select(Body).where(Body.slug == FAGRADET.slug))
    body.recusal_withholds = True
    bare.flush()
    ids = sorted(bare.scalars(select(Treatment.id).where(Treatment.body_id == body.id)))
    reader = recused_member(*ids[::2])
    treatments = bare.scalars(select(Treatment)).all()
    assert set(
        bare.scalars(select(Treatment.id).where(openness.treatment_content_filter(reader, on=DAY)))
    ) == {t.id for t in treatments if openness.may_see_treatment(reader, t, on=DAY)}
    cases = bare.scalars(select(Case)).all()
    assert set(
        bare.scalars(select(Case.id).where(openness.case_content_filter(reader, on=DAY)))
    ) == {c.id for c in cases if openness.may_see_case(reader, c, on=DAY)}
    attachments = bare.scalars(select(Attachment)).all()
    assert set(
        bare.scalars(select(Attachment.id).where(openness.attachment_filter(reader, on=DAY)))
    ) == {a.id for a in attachments if openness.may_see_attachment(reader, a, on=DAY)}
    # Something is held back that the member would otherwise see.
    member = READERS["member"]
    assert sum(openness.may_see_treatment(member, t, on=DAY) for t in treatments) > sum(
        openness.may_see_treatment(reader, t, on=DAY) for t in treatments
    )
