"""Forms of the body administration: bodies, and memberships over time."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from govern.forms.base import GovernForm, version_field
from govern.i18n import lazy_gettext as _l
from govern.models.bodies import (
    BODY_KIND_NAMES,
    BODY_STATUS_NAMES,
    DOCUMENT_LANGUAGES,
    MINUTES_APPROVAL_LABELS,
    QUORUM_RULES,
    ROLE_NAMES,
    Body,
    Membership,
)
from govern.services.bodies import BodyInput, BodyUpdate
from govern.services.memberships import MemberInput, MembershipUpdate

#: The value of "nothing chosen" in the selects that refer to a body or a person by id.
#: Those selects get their (id, label) choices in the view, as the account form does.
NONE = 0


def _id_or_none(value: int | None) -> int | None:
    return value or None


class BodyForm(GovernForm):
    """The fields of a body that both the new and the edit form have."""

    name = StringField(
        _l("Navn"), validators=[DataRequired(_l("Skriv organets fulle navn")), Length(max=300)]
    )
    short_name = StringField(
        _l("Kortnavn"), validators=[DataRequired(_l("Skriv organets kortnavn")), Length(max=120)]
    )
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice(k, v) for k, v in BODY_KIND_NAMES.items()],
        default="fagråd",
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(k, v) for k, v in BODY_STATUS_NAMES.items()],
        default="Etablert",
    )
    mandate = TextAreaField(_l("Mandat"), validators=[Length(max=20000)])
    external = BooleanField(_l("Eksternt organ (møtene føres ikke i govern)"))
    members_only = BooleanField(
        _l(
            "Bare for medlemmer (ingenting fra organet er offentlig: møter, endringsønsker, "
            "prioriteringer og dokumenter leses bare av medlemmene og sekretariatet)"
        )
    )
    minutes_approved_when = SelectField(
        _l("Forrige referat godkjennes"),
        choices=[SelectChoice(k, v) for k, v in MINUTES_APPROVAL_LABELS.items()],
        default="held",
    )
    quorum_rule = SelectField(
        _l("Beslutningsdyktig når"),
        choices=[SelectChoice(k, v) for k, v in QUORUM_RULES.items()],
        default="",
    )
    recusal_withholds = BooleanField(
        _l("Et medlem som er inhabilt i en sak, får ikke tilgang til sakens interne dokumenter")
    )
    document_language = SelectField(
        _l("Dokumentspråk"),
        choices=[SelectChoice(k, v) for k, v in DOCUMENT_LANGUAGES.items()],
        default="nb",
    )
    escalates_to = SelectField(_l("Eskalerer til"), coerce=int, default=NONE)

    def escalation_id(self) -> int | None:
        """The id of the body chosen to escalate to, or None."""
        return _id_or_none(self.escalates_to.data)


class NewBodyForm(BodyForm):
    slug = StringField(
        _l("Kortnavn i adressen"),
        validators=[DataRequired(_l("Skriv kortnavnet som skal stå i adressen")), Length(max=80)],
    )

    def to_input(self) -> BodyInput:
        """The new body as the service takes it (the escalation goes separately)."""
        return BodyInput(
            slug=(self.slug.data or "").strip(),
            name=self.name.data,
            short_name=self.short_name.data,
            kind=self.kind.data,
            status=self.status.data,
            mandate=self.mandate.data or "",
            external=self.external.data,
            minutes_approved_when=self.minutes_approved_when.data,
            quorum_rule=self.quorum_rule.data,
            recusal_withholds=bool(self.recusal_withholds.data),
            document_language=self.document_language.data,
        )


class EditBodyForm(BodyForm):
    #: The body's version when the form was opened; a save on an older one is refused.
    version = version_field()

    @staticmethod
    def values_of(body: Body) -> dict:
        """The form's starting values: the body as it is saved."""
        return {
            "name": body.name,
            "short_name": body.short_name,
            "kind": body.kind,
            "status": body.status,
            "mandate": body.mandate,
            "external": body.external,
            "members_only": body.members_only,
            "minutes_approved_when": body.minutes_approved_when,
            "quorum_rule": body.quorum_rule,
            "recusal_withholds": body.recusal_withholds,
            "document_language": body.document_language,
            "escalates_to": body.escalates_to_id or NONE,
            "version": body.version,
        }

    def to_input(self) -> BodyUpdate:
        """The changed body as the service takes it."""
        return BodyUpdate(
            name=self.name.data,
            short_name=self.short_name.data,
            kind=self.kind.data,
            status=self.status.data,
            mandate=self.mandate.data or "",
            external=self.external.data,
            escalates_to_id=self.escalation_id(),
            minutes_approved_when=self.minutes_approved_when.data,
            quorum_rule=self.quorum_rule.data,
            recusal_withholds=bool(self.recusal_withholds.data),
            document_language=self.document_language.data,
        )


class MembershipForm(GovernForm):
    """A membership's role, period and (for a vara) the member stood in for."""

    role = SelectField(
        _l("Rolle"), choices=[SelectChoice(k, v) for k, v in ROLE_NAMES.items()], default="medlem"
    )
    starts_on = DateField(_l("Fra og med"), validators=[Optional()])
    ends_on = DateField(_l("Til og med (siste dag)"), validators=[Optional()])
    deputy_for = SelectField(_l("Vara for"), coerce=int, default=NONE)

    @staticmethod
    def values_of(membership: Membership) -> dict:
        """The form's starting values: the membership as it is saved."""
        return {
            "role": membership.role,
            "starts_on": membership.starts_on,
            "ends_on": membership.ends_on,
            "deputy_for": membership.deputy_for_id or NONE,
        }

    def to_input(self) -> MembershipUpdate:
        """The changed membership as the service takes it."""
        return MembershipUpdate(
            role=self.role.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            deputy_for_id=_id_or_none(self.deputy_for.data),
        )


class MemberForm(MembershipForm):
    """A new member: a registered person from the list, or a new person typed in."""

    person_id = SelectField(_l("Registrert person"), coerce=int, default=NONE)
    new_name = StringField(_l("Navn"), validators=[Optional(), Length(max=200)])
    new_organisation = StringField(_l("Organisasjon"), validators=[Optional(), Length(max=200)])
    new_email = EmailField(_l("E-postadresse"), validators=[Optional(), Length(max=254)])
    starts_on = DateField(_l("Fra og med"), validators=[Optional()], default=date.today)

    def to_input(self) -> MemberInput:
        """The new membership as the service takes it."""
        return MemberInput(
            role=self.role.data,
            person_id=_id_or_none(self.person_id.data),
            new_name=self.new_name.data or "",
            new_organisation=self.new_organisation.data or "",
            new_email=self.new_email.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            deputy_for_id=_id_or_none(self.deputy_for.data),
        )


class EndMembershipForm(GovernForm):
    """The last day of a membership; one such form per row, told apart by a prefix."""

    ends_on = DateField(
        _l("Siste dag"), validators=[InputRequired(_l("Velg siste dag"))], default=date.today
    )
