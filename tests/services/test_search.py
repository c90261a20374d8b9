"""Norwegian full-text search: stemming, ranking, highlighting, filters, visibility, upkeep."""

from __future__ import annotations

from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from govern.extensions import db
from govern.models.cases import Case, TreatmentInput
from govern.models.memos import Memo, MemoSection
from govern.search.index import rebuild_index
from govern.search.query import search_page
from govern.search.text import BadQuery, highlight, parse_query, stemmed
from govern.services.register import RegisterFilter
from tests.conftest import add_case, make_body, make_meeting

TODAY = date(2026, 11, 23)
ANON = AnonymousUserMixin()


def find(q: str, user=ANON, **filters) -> list[str]:
    """Titles of the results, best first."""
    page = search_page(db.session, user, parse_query(q), RegisterFilter(**filters), 1, TODAY)
    return [hit.treatment.display_title for hit in page.hits]


def approved(meeting):
    meeting.status = "referat godkjent"
    meeting.minutes_status = "godkjent"
    return meeting


@pytest.fixture
def cases(session):
    body = make_body()
    meeting = approved(make_meeting(body, date(2025, 3, 5)))
    add_case(meeting, "Felles journalløsning for kommunene", summary="Status for arbeidet.")
    add_case(
        meeting,
        "Helsedata til forskning",
        summary="Ny journal i primærhelsetjenesten gir bedre data.",
        decision="Fagrådet støtter forslaget om økt tilgang.",
    )
    add_case(meeting, "Kjernejournal", summary="Pasientens egen kjernejournal.")
    session.commit()
    return body, meeting


def test_stemming_finds_inflected_forms(cases):
    assert find("journalen ") == ["Helsedata til forskning"]
    assert find("journalløsninger ") == ["Felles journalløsning for kommunene"]
    # the word being typed is searched as a prefix
    assert set(find("journall")) == {"Felles journalløsning for kommunene"}


def test_letters_aeoa_are_kept(cases):
    assert stemmed("Økt tilgang på PRIMÆRHELSETJENESTEN") == "økt tilgang på primærhelsetjenest"
    assert find("primærhelsetjenesten ") == ["Helsedata til forskning"]
    assert find("økt ") == ["Helsedata til forskning"]
    assert find("okt ") == []


def test_title_match_ranks_before_body_match(session, cases):
    body, meeting = cases
    add_case(meeting, "Annet tema", summary="Her nevnes forskning i teksten.")
    session.commit()
    assert find("forskning ") == ["Helsedata til forskning", "Annet tema"]


def test_highlight_marks_matches_and_escapes_the_rest():
    marked = highlight("Ny <journal> & journalen", parse_query("journal "))
    assert str(marked) == "Ny &lt;<mark>journal</mark>&gt; &amp; <mark>journalen</mark>"


def test_snippet_is_highlighted(cases):
    page = search_page(db.session, ANON, parse_query("journalen "), RegisterFilter(), 1, TODAY)
    assert "<mark>journal</mark> i primærhelsetjenesten" in str(page.hits[0].snippet)


@pytest.mark.parametrize("q", ['"', "*", "-", "OR", "(", "", "   ", "- OR *"])
def test_queries_without_words_are_refused(q):
    with pytest.raises(BadQuery, match="minst ett ord"):
        parse_query(q)


@pytest.mark.parametrize("q", ["'; drop table", "a" * 2000, 'journal OR "felles', "-journal x"])
def test_odd_queries_run(cases, q):
    find(q)


def test_or_phrase_and_negation(cases):
    assert set(find("kjernejournal OR journalløsning")) == {
        "Kjernejournal",
        "Felles journalløsning for kommunene",
    }
    assert find('"egen kjernejournal"') == ["Kjernejournal"]
    assert find('"kjernejournal egen"') == []
    assert find("journal -data ") == []


def test_filters(session, cases):
    body, _ = cases
    other = make_body("nuit", "NUIT")
    later = approved(make_meeting(other, date(2026, 2, 2)))
    add_case(later, "Journal for NUIT", sakstype="Beslutning")
    session.commit()
    assert set(find("journal ")) == {"Helsedata til forskning", "Journal for NUIT"}
    assert find("journal ", body="nuit") == ["Journal for NUIT"]
    assert find("journal ", year=2025) == ["Helsedata til forskning"]
    assert find("journal ", sakstype="Beslutning") == ["Journal for NUIT"]
    assert set(find("journal ", follow_up="ingen")) == {
        "Helsedata til forskning",
        "Journal for NUIT",
    }
    assert find("journal ", follow_up="pågår") == []


def test_drafts_and_unapproved_decisions_are_hidden(session, cases):
    body, _ = cases
    draft = make_meeting(body, date(2026, 6, 1), status="planlagt")
    add_case(draft, "Hemmelig utkast om journal")
    held = make_meeting(body, date(2026, 5, 1))  # called, minutes not approved
    add_case(held, "Åpen sak", decision="Vedtaket nevner sprengstoff.")
    session.commit()
    assert find("utkast ") == []
    assert find("sprengstoff ") == []
    assert find("tilgang ") == ["Helsedata til forskning"]  # approved minutes: decision found


def test_index_follows_every_change(session, cases):
    body, meeting = cases
    treatment = add_case(meeting, "Sak om meldinger").treatment
    session.commit()
    treatment.decision = "Vedtatt: innføre varsling."
    session.commit()
    assert find("varslingen ") == ["Sak om meldinger"]

    memo = Memo(treatment=treatment, purpose="Avklare ansvar.")
    memo.sections.append(MemoSection(position=1, heading="Drøfting", text="Om samtykke."))
    session.add(memo)
    session.commit()
    assert find("samtykket ") == ["Sak om meldinger"]
    memo.sections[0].text = "Om reservasjon."
    session.commit()
    assert find("samtykke ") == [] and find("reservasjon ") == ["Sak om meldinger"]

    session.add(TreatmentInput(treatment=treatment, position=1, text="Innspill om tolkning."))
    session.commit()
    assert find("tolkningen ") == ["Sak om meldinger"]

    session.get(Case, treatment.case_id).title = "Sak om digitale meldinger"
    session.commit()
    assert find("digitale ") == ["Sak om digitale meldinger"]

    session.delete(treatment)
    session.commit()
    assert find("tolkning ") == []


def test_rebuild_gives_the_same_index(session, cases):
    before = find("journal ")
    rebuild_index(session.connection())
    assert find("journal ") == before
    assert session.scalar(select(Case.id).limit(1)) is not None


def test_reindex_command_rebuilds_everything(app, session, cases):
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0
    assert "Søkeindeksen er bygd på nytt: 3 behandlinger." in result.output
    assert find("kjernejournalen ") == ["Kjernejournal"]


def test_many_matches_rank_titles_first_and_page_without_repeats(session, monkeypatch):
    """Past RANKED matches SQLite ranks only the newest and the title matches; pages stay whole."""
    from govern.search import query as search

    monkeypatch.setattr(search, "RANKED", 3)
    monkeypatch.setattr(search, "MAX_COUNT", 8)
    meeting = approved(make_meeting(make_body(), date(2025, 3, 5)))
    add_case(meeting, "Arkiv i tittelen", summary="Om arkiv.")
    for n in range(10):
        add_case(meeting, f"Sak {n}", summary="Teksten nevner arkiv.")
    session.commit()

    def page(no):
        return search.search_page(
            db.session, ANON, parse_query("arkiv "), RegisterFilter(), no, TODAY, per_page=4
        )

    first = page(1)
    assert first.hits[0].treatment.display_title == "Arkiv i tittelen"
    assert first.more and first.pages == 2
    seen = [h.treatment.id for p in (1, 2) for h in page(p).hits]
    assert len(seen) == len(set(seen)) == 8
