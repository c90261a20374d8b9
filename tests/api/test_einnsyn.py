"""/api/v1/meetings/<id>/einnsyn: the meeting as eInnsyn's Moetemappe, validated against the
component schemas of eInnsyn's published OpenAPI document (tests/data/specs/einnsyn/), with
the readOnly fields left out as in a request body; only eInnsyn's own field names."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from govern.models import Meeting
from govern.services.accounts import DEMO_PASSWORD
from tests.services.test_exchange import approve_demo_january
from tests.views.test_pages import meeting_id

SPEC = Path(__file__).resolve().parents[1] / "data" / "specs" / "einnsyn" / "einnsyn.openapi.yml"
#: Which component schema each nested field of ours is checked against.
NESTED = {
    "moetesak": "Moetesak.Moetesak",
    "moetedokument": "Moetedokument.Moetedokument",
    "dokumentbeskrivelse": "Dokumentbeskrivelse.Dokumentbeskrivelse",
    "dokumentobjekt": "Dokumentobjekt.Dokumentobjekt",
    "innstilling": "Moetesaksbeskrivelse.Moetesaksbeskrivelse",
    "vedtak": "Vedtak.Vedtak",
    "vedtakstekst": "Moetesaksbeskrivelse.Moetesaksbeskrivelse",
}


def _without_read_only(node):
    """A schema as it applies to a request body: readOnly properties gone, also from
    `required`."""
    if isinstance(node, list):
        return [_without_read_only(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _without_read_only(v) for k, v in node.items()}
    properties = out.get("properties")
    if isinstance(properties, dict):
        hidden = {k for k, v in properties.items() if isinstance(v, dict) and v.get("readOnly")}
        out["properties"] = {k: v for k, v in properties.items() if k not in hidden}
        if "required" in out:
            out["required"] = [r for r in out["required"] if r not in hidden]
    return out


@cache
def components() -> dict:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return _without_read_only(document["components"]["schemas"])


def validate(instance: dict, name: str) -> None:
    schema = {"components": {"schemas": components()}, "$ref": f"#/components/schemas/{name}"}
    jsonschema.Draft7Validator(schema).validate(instance)


def properties(name: str) -> set[str]:
    """The fields a schema knows, its allOf ancestors' included."""
    schema = components()[name]
    found = set(schema.get("properties", {}))
    for parent in schema.get("allOf", []):
        found |= properties(parent["$ref"].rsplit("/", 1)[1])
    return found


def check_names(instance: dict, name: str) -> None:
    unknown = set(instance) - properties(name)
    assert unknown == set(), f"{name} has no fields {unknown}"
    for key, value in instance.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                check_names(item, NESTED[key])


def moetemappe(client, mid: int) -> dict:
    response = client.get(f"/api/v1/meetings/{mid}/einnsyn")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.data)
    validate(document, "Moetemappe.Moetemappe")
    check_names(document, "Moetemappe.Moetemappe")
    return document


def test_the_approved_meeting_validates_with_its_cases_and_documents(client, session, demo):
    approve_demo_january(session)
    mid = meeting_id(session, "fagradet", "1/26")
    meeting = session.get(Meeting, mid)
    document = moetemappe(client, mid)
    assert document["moetenummer"] == "1/26"
    assert document["utvalg"] == meeting.body.name
    assert document["moetested"] == "Clarion Hotel Oslo"
    assert document["moetedato"].startswith(meeting.first_date.isoformat() + "T")
    cases = [i.treatment for i in meeting.items if i.treatment is not None]
    assert [(c["moetesaksaar"], c["moetesakssekvensnummer"]) for c in document["moetesak"]] == [
        (t.year, t.seq) for t in cases
    ]
    for case, t in zip(document["moetesak"], cases, strict=True):
        validate(case, "Moetesak.Moetesak")
        assert case["offentligTittel"] == case["offentligTittelSensitiv"]
        assert case["offentligTittel"] == f"{t.number} {t.display_title}"
        assert case["utvalg"] == meeting.body.name
        if t.closed_basis:  # the demo's 5/26, treated in a closed session: no content
            assert "innstilling" not in case and "vedtak" not in case
            continue
        if t.proposed_decision.strip():
            assert case["innstilling"]["tekstInnhold"] == t.proposed_decision.strip()
        if t.decision.strip():
            assert case["vedtak"]["vedtakstekst"]["tekstInnhold"] == t.decision.strip()
    assert document["moetesak"][0]["moetesakstype"] == "godkjenning"
    assert document["moetesak"][1]["moetesakstype"] == "orientering"
    kinds = [d["moetedokumenttype"] for d in document["moetedokument"]]
    assert kinds == ["saksliste", "moeteprotokoll"]
    assert any("vedtak" in c for c in document["moetesak"])


def test_before_approval_there_is_no_vedtak_and_no_referat(client, session, demo):
    mid = meeting_id(session, "fagradet", "1/26")
    document = moetemappe(client, mid)
    assert not any("vedtak" in c for c in document["moetesak"])
    assert [d["moetedokumenttype"] for d in document["moetedokument"]] == ["saksliste"]


def test_the_validator_refuses_what_einnsyn_would(client, session, demo):
    """The check has teeth: a missing required field or a wrong type fails it."""
    document = moetemappe(client, meeting_id(session, "fagradet", "1/26"))
    broken = copy.deepcopy(document)
    del broken["moetenummer"]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken, "Moetemappe.Moetemappe")
    broken = copy.deepcopy(document)
    broken["moetesak"][0]["moetesakstype"] = "Drøfting"
    with pytest.raises(jsonschema.ValidationError):
        validate(broken, "Moetemappe.Moetemappe")


def test_a_draft_meeting_is_not_found(client, session, demo):
    mid = meeting_id(session, "endringsrad-rekvirering-provesvar", "1/26")
    assert client.get(f"/api/v1/meetings/{mid}/einnsyn").status_code == 404


def test_exempt_content_stays_out_of_the_public_fields(client, session, demo_with_accounts):
    approve_demo_january(session)
    mid = meeting_id(session, "fagradet", "1/26")
    meeting = session.get(Meeting, mid)
    t = next(i.treatment for i in meeting.items if i.treatment and i.treatment.seq == 3)
    full = t.display_title
    t.case.exempt_basis, t.case.public_title = "Offl. § 23 første ledd", "Innspill om veiledning"
    closed = next(i.treatment for i in meeting.items if i.treatment and i.treatment.seq == 4)
    closed.closed_basis = "Offl. § 14"
    session.commit()

    document = moetemappe(client, mid)  # anonymous
    case = next(c for c in document["moetesak"] if c["moetesakssekvensnummer"] == 3)
    assert (
        case["offentligTittel"] == case["offentligTittelSensitiv"] == "3/26 Innspill om veiledning"
    )
    assert "innstilling" not in case and "vedtak" not in case
    assert full not in json.dumps(document, ensure_ascii=False)
    held = next(c for c in document["moetesak"] if c["moetesakssekvensnummer"] == 4)
    assert held["offentligTittel"] == f"4/26 {closed.display_title}"
    assert "innstilling" not in held and "vedtak" not in held

    client.post("/login", data={"email": "sekretariat@example.no", "password": DEMO_PASSWORD})
    for response in (
        client.get(f"/api/v1/meetings/{mid}/einnsyn"),
        client.get(f"/meetings/{mid}/einnsyn.json"),
    ):
        secretariat = json.loads(response.data)
        validate(secretariat, "Moetemappe.Moetemappe")
        case = next(c for c in secretariat["moetesak"] if c["moetesakssekvensnummer"] == 3)
        assert case["offentligTittel"] == "3/26 Innspill om veiledning"
        assert case["offentligTittelSensitiv"] == f"3/26 {full}"
        assert "innstilling" not in case and "vedtak" not in case


def test_a_members_only_body_is_not_published(client, session, demo_with_accounts):
    mid = meeting_id(session, "produktrad-dips-arena", "1/26")
    assert session.get(Meeting, mid).body.members_only
    assert client.get(f"/api/v1/meetings/{mid}/einnsyn").status_code == 404  # not readable
    client.post("/login", data={"email": "admin@example.no", "password": DEMO_PASSWORD})
    response = client.get(f"/api/v1/meetings/{mid}/einnsyn")
    assert response.status_code == 409
    assert "er bare for medlemmene" in response.get_json()["detail"]
    response = client.get(f"/meetings/{mid}/einnsyn.json", follow_redirects=True)
    assert "publiseres ikke i eInnsyn" in response.get_data(as_text=True)
