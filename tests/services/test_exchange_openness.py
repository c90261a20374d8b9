"""Openness in the exchange format: exempt cases and Vedlegg, closed items, members-only bodies
and the list of legal bases are read, refused without a basis, and written back."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from govern.exports.exchange import build_exchange, dump_exchange
from govern.models import AuditEntry, Body, Case, Treatment
from govern.models.meetings import Attachment
from govern.models.openness import DEFAULT_BASES, ExemptionBasis
from govern.services.exchange import ExchangeError, import_exchange
from tests.services.test_exchange import example, row_counts

BASIS = "Offl. § 23 første ledd"


def with_openness() -> dict:
    document = example()
    document["bodies"][0]["members_only"] = True
    document["cases"][0]["public_title"] = "Kontrakt om plattform"
    document["cases"][0]["exempt"] = {"basis": BASIS, "until": "2031-01-01"}
    agenda = document["meetings"][0]["agenda"]
    agenda[1]["closed"] = {"basis": "Offl. § 14"}
    agenda[1]["attachments"] = [
        {"number": "2", "title": "Vurdering", "exempt": {"basis": "Offl. § 15 første ledd"}},
        {"number": "2A", "title": "Offentlig notat"},
    ]
    return document


def test_the_openness_fields_are_imported(session):
    import_exchange(session, with_openness())
    session.commit()
    body = session.scalar(select(Body).order_by(Body.id))
    assert body.members_only
    case = session.scalar(select(Case).order_by(Case.id))
    assert (case.exempt_basis, case.public_title, str(case.exempt_until)) == (
        BASIS,
        "Kontrakt om plattform",
        "2031-01-01",
    )
    t = session.scalar(select(Treatment).where(Treatment.seq == 2))
    assert t.closed_basis == "Offl. § 14"
    assert [(a.number, a.exempt_basis) for a in t.attachments] == [
        ("2", "Offl. § 15 første ledd"),
        ("2A", None),
    ]
    # The list starts with the usual bases; the file's are among them.
    texts = [
        b.text for b in session.scalars(select(ExemptionBasis).order_by(ExemptionBasis.position))
    ]
    assert texts == list(DEFAULT_BASES)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"case.exempt", "treatment.closed", "attachment.exempt", "body.members_only"} <= actions


def test_the_openness_fields_round_trip_to_the_same_file(session, app):
    import_exchange(session, with_openness())
    session.commit()
    first = dump_exchange(build_exchange(session))
    exported = json.loads(first)
    assert exported["bodies"][0]["members_only"] is True
    listed = next(c for c in exported["cases"] if c.get("exempt"))
    assert listed["exempt"] == {"basis": BASIS, "until": "2031-01-01"}
    assert listed["public_title"] == "Kontrakt om plattform"
    item = exported["meetings"][0]["agenda"][1]
    assert item["closed"] == {"basis": "Offl. § 14"}
    assert item["attachments"][0]["exempt"] == {"basis": "Offl. § 15 første ledd"}
    assert "exempt" not in item["attachments"][1]
    assert "exemption_bases" not in exported  # the usual list is not written out

    from govern.extensions import db
    from govern.models.base import Base

    for table in reversed(Base.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    import_exchange(db.session, json.loads(first))
    db.session.commit()
    assert dump_exchange(build_exchange(db.session)) == first


def test_a_kept_list_of_bases_round_trips(session):
    document = example()
    document["exemption_bases"] = [
        {"basis": "Offl. § 14"},
        {"basis": "Offl. § 24 tredje ledd"},
        {"basis": "Offl. § 5 (utsatt innsyn)", "retired": True},
    ]
    import_exchange(session, document)
    session.commit()
    exported = build_exchange(session)
    assert exported["exemption_bases"] == document["exemption_bases"]


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda d: d["cases"][0].update(exempt={}), "cases[0].exempt.basis"),
        (lambda d: d["cases"][0].update(exempt={"basis": "  "}), "cases[0].exempt.basis"),
        (
            lambda d: d["meetings"][0]["agenda"][1].update(closed={"basis": ""}),
            "meetings[0].agenda[1].closed.basis",
        ),
        (
            lambda d: d["meetings"][0]["agenda"][1].update(
                attachments=[{"number": "2", "title": "V", "exempt": {}}]
            ),
            "meetings[0].agenda[1].attachments[0].exempt.basis",
        ),
        (lambda d: d["cases"][0].update(exempt={"grunn": BASIS}), "cases[0].exempt"),
        (lambda d: d["bodies"][0].update(members_only="ja"), "bodies[0].members_only"),
    ],
)
def test_an_exemption_without_a_basis_is_refused_with_its_place_and_nothing_imported(
    session, change, place
):
    document = example()
    change(document)
    before = row_counts(session)
    with pytest.raises(ExchangeError) as refused:
        import_exchange(session, document)
    session.rollback()
    assert refused.value.field == place
    assert row_counts(session) == before
    if place.endswith("basis"):
        assert "hjemmel" in refused.value.message
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
