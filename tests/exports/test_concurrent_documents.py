"""The documents built from several threads at once, as gunicorn's threaded workers build them.

Eight threads download the innkalling, the referat, every toppnotat and the meeting pack of
one meeting several times each, each thread with its own client and database connection,
starting on a cold template cache (so the template is also prepared by several threads at
once). Every answer must be the very bytes a single thread gets, and a document Word can open.
A crash in a C extension shared between threads would take pytest down with it.
"""

from __future__ import annotations

import threading
import zipfile
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from govern import create_app
from govern.exports import docx_package
from govern.extensions import db
from govern.models import Treatment
from tests.conftest import base_config, is_postgres
from tests.exports.test_documents import login
from tests.views.test_pages import meeting_id

THREADS = 8
ROUNDS = 2


@pytest.fixture
def threaded_app(request, tmp_path, demo_snapshots):
    """The demo in an app where each thread gets its own database connection: the PostgreSQL
    test database, or an SQLite file (the in-memory database is one shared connection)."""
    if is_postgres():
        app = request.getfixturevalue("app")
        request.getfixturevalue("demo")
        yield app
        return
    path = tmp_path / "threads.sqlite"
    demo_snapshots.write_sqlite_file("demo", path)
    config = base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS={})
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def documents(session) -> list[str]:
    """The addresses of one meeting's documents."""
    mid = meeting_id(session, "fagradet", "2/26")
    treatments = session.scalars(
        select(Treatment.id).where(Treatment.meeting_id == mid).order_by(Treatment.id)
    )
    return [
        f"/meetings/{mid}/innkalling.docx",
        f"/meetings/{mid}/referat.docx",
        f"/meetings/{mid}/sakspapirer.zip",
        *(f"/treatments/{t}/toppnotat.docx" for t in treatments),
    ]


def download_all(app, paths: list[str], rounds: int) -> dict[str, list]:
    """Each path `rounds` times by one logged-in client: path -> [(status, bytes), …]."""
    client = app.test_client()
    client.post("/login", data={"email": "sek@example.no", "password": "hemmelig-passord-1"})
    got: dict[str, list] = {path: [] for path in paths}
    for _ in range(rounds):
        for path in paths:
            response = client.get(path)
            got[path].append((response.status_code, response.data))
    return got


def test_documents_built_by_many_threads_at_once_are_identical(threaded_app):
    app, session = threaded_app, db.session
    login(app.test_client(), session)  # creates the secretariat account the clients use
    paths = documents(session)
    db.session.remove()
    expected = {path: results[0] for path, results in download_all(app, paths, 1).items()}
    for path, (status, content) in expected.items():
        assert status == 200, path
        if path.endswith(".zip"):
            with zipfile.ZipFile(BytesIO(content)) as pack:
                assert pack.testzip() is None
                assert any(name.startswith("Innkalling") for name in pack.namelist())
        else:
            assert Document(BytesIO(content)).paragraphs, path

    docx_package._skeleton_for.cache_clear()  # the threads prepare the template again
    results: list[dict] = [{} for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                # Each thread starts with another document.
                k = n % len(paths)
                results[n] = download_all(app, paths[k:] + paths[:k], ROUNDS)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    for got in results:
        assert set(got) == set(paths)
        for path, answers in got.items():
            assert len(answers) == ROUNDS
            for status, content in answers:
                assert status == 200, path
                assert content == expected[path][1], path
