"""People. Names and organisations are public (they appear in published minutes); e-mail
addresses are personal data and shown only to logged-in users (null for others)."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govern.api import schemas as s
from govern.api.common import get_or_404, page_of, require_api
from govern.api.registry import api_operation
from govern.extensions import db
from govern.i18n import gettext as _
from govern.models.people import Organisation, Person
from govern.services import audit, people
from govern.services.edits import update_person as update_person_service
from govern.views.unit_of_work import settle

TAG = "Personer"


def person_out(person: Person) -> s.PersonOut:
    return s.PersonOut(
        id=person.id,
        name=person.name,
        organisation=person.organisation.name if person.organisation else None,
        email=person.email if current_user.is_authenticated else None,
        url=url_for("api.get_person", person_id=person.id, _external=True),
    )


@api_operation(
    "GET", "/people", tag=TAG, summary="Personer", query=s.PeopleQuery, response=s.Page[s.PersonOut]
)
def list_people(query: s.PeopleQuery):
    """Etter navn. Filtre: `q` (del av navnet), `organisation` (navnet)."""
    stmt = select(Person).options(selectinload(Person.organisation))
    if query.q:
        stmt = stmt.where(Person.name.ilike(f"%{_like(query.q)}%", escape="\\"))
    if query.organisation:
        stmt = stmt.join(Person.organisation).where(Organisation.name == query.organisation)
    stmt = stmt.order_by(Person.name, Person.id)
    return s.Page[s.PersonOut](**page_of(stmt, query, person_out))


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@api_operation(
    "GET",
    "/people/<int:person_id>",
    tag=TAG,
    summary="Én person",
    response=s.PersonOut,
    errors=(404,),
)
def get_person(person_id: int):
    return person_out(get_or_404(Person, person_id, _("Personen finnes ikke.")))


@api_operation(
    "POST",
    "/people",
    tag=TAG,
    summary="Registrer person",
    body=s.PersonCreate,
    response=s.PersonOut,
    status=201,
    errors=(409,),
)
def create_person(data: s.PersonCreate):
    """Bare for administratorer."""
    require_api("admin")
    person = people.create_person(db.session, people.PersonInput(**data.model_dump()))
    audit.record(
        db.session, current_user, "person.create", person, f"{person.label} ble registrert"
    )
    settle()
    return person_out(person)


@api_operation(
    "PUT",
    "/people/<int:person_id>",
    tag=TAG,
    summary="Endre person",
    body=s.PersonUpdate,
    response=s.PersonOut,
    errors=(404, 409),
)
def update_person(person_id: int, data: s.PersonUpdate):
    """Bare for administratorer: navn, organisasjon og e-post."""
    person = get_or_404(Person, person_id, _("Personen finnes ikke."))
    require_api("admin")
    update_person_service(db.session, current_user, person, people.PersonInput(**data.model_dump()))
    settle()
    return person_out(person)
