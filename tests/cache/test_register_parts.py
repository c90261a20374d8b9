"""The decision register (/vedtak) for logged-in readers: the page's part is rendered once
per class of readers and kept under the data revision; only the layout is per request."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import Markup
from sqlalchemy import select

from govern.cache.readers import VISITOR, register_reader
from govern.models.accounts import User
from govern.presentation import text_html
from govern.services import register
from tests.cache.test_reader_parts import reader
from tests.views import test_register
from tests.views.test_register import _decide, _rows

#: The register's test data (a fixture of tests/views/test_register.py).
world = test_register.world


def count_builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    lines = register.register_lines

    def counted(session, user, wanted, page, today, *args, **kwargs):
        calls.append(page)
        return lines(session, user, wanted, page, today, *args, **kwargs)

    monkeypatch.setattr(register, "register_lines", counted)
    return calls


def test_members_of_a_body_share_one_register_rendering(app, session, world, monkeypatch):
    first, _ = reader(app, session, "Jon Gupta", world["body"], "medlem")
    second, _ = reader(app, session, "Kari Medlem", world["body"], "nestleder")
    builds = count_builds(monkeypatch)
    assert _rows(first.get("/vedtak")) == ["1/26", "2/25", "1/25", "14/25"]
    assert _rows(second.get("/vedtak")) == ["1/26", "2/25", "1/25", "14/25"]
    assert builds == [1]
    # Another page, or another filter, is another part.
    assert _rows(first.get("/vedtak?organ=ehelseradet")) == ["14/25"]
    assert builds == [1, 1]


def test_each_class_of_reader_gets_its_own_register(app, client, session, world, monkeypatch):
    member, _ = reader(app, session, "Jon Gupta", world["body"], "medlem")
    secretariat, _ = reader(app, session, "Sara Sekretær", world["body"], "sekretariat")
    no_role, _ = reader(app, session, "Per Uten Rolle")
    builds = count_builds(monkeypatch)
    assert _rows(client.get("/vedtak")) == ["2/25", "1/25", "14/25"]
    assert _rows(no_role.get("/vedtak")) == ["2/25", "1/25", "14/25"]  # a visitor's register
    assert _rows(member.get("/vedtak")) == ["1/26", "2/25", "1/25", "14/25"]
    assert _rows(secretariat.get("/vedtak")) == ["2/26", "1/26", "2/25", "1/25", "14/25"]
    assert len(builds) == 3


def test_a_new_decision_reaches_the_kept_register(app, session, world):
    member, _ = reader(app, session, "Jon Gupta", world["body"], "medlem")
    assert _rows(member.get("/vedtak")) == ["1/26", "2/25", "1/25", "14/25"]
    _decide(world["approved"], "Ny sak", "Fagrådet sluttet seg til forslaget.")
    session.commit()
    page = member.get("/vedtak")
    assert _rows(page) == ["1/26", "4/25", "2/25", "1/25", "14/25"]
    assert "Fagrådet sluttet seg til forslaget." in page.get_data(as_text=True)


def test_the_register_reader_class(app, session, world):
    def account(person):
        return session.scalar(select(User).where(User.person_id == person.id))

    today = date.today()
    assert register_reader(None, today) == VISITOR
    _, nobody = reader(app, session, "Per Uten Rolle")
    assert register_reader(account(nobody), today) == VISITOR
    _, member = reader(app, session, "Jon Gupta", world["body"], "medlem")
    _, clerk = reader(app, session, "Sara Sekretær", world["body"], "sekretariat")
    body_id = world["body"].id
    assert register_reader(account(member), today) == ("decisions", (), (body_id,))
    assert register_reader(account(clerk), today)[:2] == ("decisions", (body_id,))
    assert register_reader(account(clerk), today) != register_reader(account(member), today)


@pytest.mark.parametrize(
    "text",
    [
        "Fagrådet anbefaler modellen.",
        "Første avsnitt.\n\nAndre avsnitt, med <tegn> & «sitat».",
        "Innledning:\n\n- ett punkt\n- to <b>punkt</b>\n\nSlutt.",
        "  \r\n\r\n• a\r\n• b\r\n",
        "",
    ],
)
def test_text_html_is_the_text_blocks_macro_without_whitespace(app, text):
    with app.app_context():
        macro = app.jinja_env.from_string(
            '{% from "macros.html" import text_blocks %}{{ text_blocks(text) }}'
        ).render(text=text)
    built = text_html(text)
    assert isinstance(built, Markup)
    assert str(built) == re.sub(r">\s+<", "><", macro.strip())
