"""Fixtures: an app with a fresh database per test, on SQLite or on PostgreSQL.

SQLite (in memory) is the default. With GOVERN_TEST_DATABASE_URL set, the suite runs on that
PostgreSQL database: the schema is built once per run by the migrations, and every test
starts from empty tables. Under pytest-xdist every worker has a database of its own, named
after the configured one and the worker ("govern_test" -> "govern_test_gw0"), created when
missing.

The demo (govern/demo/demo.json) is imported once per run, not once per test: `demo` and
`demo_with_accounts` copy that snapshot into the test's empty database (see tests/snapshots.py).
"""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import StaticPool

from govern import create_app
from govern.config import normalise_database_url
from govern.extensions import db
from govern.models import Body, Person
from govern.services import agenda, bodies, meetings, people
from tests import snapshots

#: The xdist worker ("gw0", "gw1", ...), or "" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = snapshots.worker_database_url(os.environ.get("GOVERN_TEST_DATABASE_URL"), WORKER)
_pg_schema_ready = False


def _share_url_rule_builders() -> None:
    """Reuse werkzeug's compiled URL builders across the apps of a test run.

    Every test makes a new app, and werkzeug compiles two Python functions (the URL builders)
    for each of the app's ~160 URL rules: most of what `create_app` costs. A builder is made
    from the rule's parsed parts and defaults only, and bound to its rule afterwards, so
    rules alike in those share one. (Tests only: an app in production is made once.)
    """
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a werkzeug without it: nothing to share
        return
    builders: dict = {}

    def shared_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        key = (
            self.rule,
            append_unknown,
            tuple(self._trace),
            # What the builder holds of the defaults: their names, and the URL text of those
            # in the rule (the converters themselves are looked up when a URL is built).
            tuple(defaults),
            tuple(
                (name, converter.to_url(defaults[name]))
                for name, converter in sorted(self._converters.items())
                if name in defaults
            ),
        )
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    Rule._compile_builder = shared_builder

    # Parsing a rule into its parts (what the matcher walks) is the rest of the cost: it
    # depends on the rule's text and the map's converters only, so rules alike in those
    # share the parts (werkzeug's converters keep nothing of their map).
    compile_rule = Rule.compile
    parsed: dict = {}

    def shared_compile(self) -> None:
        url_map = self.map
        key = (
            self.rule,
            self.host if url_map.host_matching else self.subdomain,
            self.merge_slashes,
            tuple(url_map.converters.items()),
        )
        found = parsed.get(key)
        if found is None:
            arguments = set(self.arguments)
            compile_rule(self)
            parsed[key] = (self._parts, self._trace, self._converters, self.arguments - arguments)
            return
        parts, trace, converters, variables = found
        self._parts, self._trace = list(parts), list(trace)
        self._converters = dict(converters)
        self.arguments |= variables
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    Rule.compile = shared_compile


_share_url_rule_builders()


class _TemplateCodeCache:
    """Jinja's compiled templates kept in memory for every app of the process.

    Every test makes a new app, whose Jinja environment would parse and compile each template
    it renders again (tens of milliseconds a template). With this bytecode cache the code is
    compiled once per process; Jinja checks it against the template's source on every load,
    so an edited template is compiled anew. (Tests only, like the URL builders above.)
    """

    def __init__(self) -> None:
        from jinja2 import BytecodeCache

        codes: dict[str, bytes] = {}

        class Cache(BytecodeCache):
            def load_bytecode(self, bucket) -> None:
                if bucket.key in codes:
                    bucket.bytecode_from_string(codes[bucket.key])

            def dump_bytecode(self, bucket) -> None:
                codes[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()

    def install(self) -> None:
        from flask import Flask

        create_environment = Flask.create_jinja_environment
        cache = self.cache

        def create_jinja_environment(app):
            environment = create_environment(app)
            environment.bytecode_cache = cache
            return environment

        Flask.create_jinja_environment = create_jinja_environment


_TemplateCodeCache().install()


def _cheap_password_hashes() -> None:
    """Hash and check passwords with argon2id at its lowest cost in tests.

    The production parameters (64 MiB, three passes) cost about 0.2 s of CPU per login, and
    the suite logs in and creates accounts many hundred times. The hashes are still argon2id,
    checked the same way; a hash carries its own parameters, so the demo snapshots (built in
    this process) hold cheap ones. A server a test starts in a subprocess checks them too,
    and rehashes at the production cost on login.
    """
    from argon2 import PasswordHasher

    from govern.services import accounts

    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._DUMMY_HASH = accounts.HASHER.hash("govern-no-such-account")


_cheap_password_hashes()


def _collect_garbage_less_often() -> None:
    """Run the cyclic garbage collector's full passes less often in tests.

    Each test makes an app, an engine and hundreds of ORM objects, many of them in cycles:
    with the default thresholds a worker ran a full collection every few tests, over a heap
    of several hundred thousand objects (a quarter of a second or more each time; about a
    fifth of the suite's CPU). With these the young generations take ten times as many
    allocations before a pass, and few objects survive to the full ones. (Tests only: the
    web workers run the collector themselves, govern/collector.py.)
    """
    import gc

    gc.set_threshold(20_000, 20, 20)


_collect_garbage_less_often()


def _forget_compiled_statements() -> None:
    """Empty the mappers' caches of compiled INSERT/UPDATE/DELETE statements.

    SQLAlchemy keeps them per mapper (a hundred each) keyed by the engine's dialect, and
    every test has an engine of its own: without this the caches hold the statements of
    the last tests' engines, a few hundred thousand objects the collector looks at again
    and again, of no use to the next test."""
    from govern.models.base import Base

    for mapper in Base.registry.mappers:
        cache = mapper.__dict__.get("_compiled_cache")
        if cache:
            cache.clear()


def is_postgres() -> bool:
    return bool(PG_URL)


def base_config(**extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "govern.test",
        # The tests that put files in place read them from the folder; the database store
        # (the default on PostgreSQL) has tests of its own (tests/services/test_file_store.py).
        "FILE_STORAGE": "folder",
        # The commands print in bokmål whatever the machine's LANG (govern.cli.command_language).
        "LANGUAGE": "nb",
    }
    if PG_URL:
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(PG_URL)
    else:
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "poolclass": StaticPool,
            "connect_args": {"check_same_thread": False},
        }
    config.update(extra)
    return config


def _build_pg_schema(app) -> None:
    """Drop everything and run the migrations once per test run."""
    global _pg_schema_ready
    if _pg_schema_ready:
        return
    from flask_migrate import upgrade

    snapshots.create_database(os.environ["GOVERN_TEST_DATABASE_URL"], PG_URL)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        # Tests begin on empty tables, as on SQLite: not with the rows a migration seeds
        # (the usual exemption bases), which a restored snapshot would hold a second time.
        _empty_pg_tables()
    _pg_schema_ready = True


def _empty_pg_tables() -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        conn.exec_driver_sql(snapshots.EMPTY_POSTGRES)


def _forget_login_between_requests() -> None:
    """Tests keep one app context open for the whole test, so flask.g (where Flask-Login
    caches the current user) would outlive a request; in production every request has its
    own. Clearing it makes each request load its user from its own session cookie."""
    from flask import g

    g.pop("_login_user", None)


#: The empty SQLite schema as `create_all` builds it, serialised once per process: copying it
#: into a test's in-memory database is much cheaper than running the DDL again.
_sqlite_schema: bytes | None = None


def _create_sqlite_schema() -> None:
    global _sqlite_schema
    first = _sqlite_schema is None
    if first:
        db.create_all()
        with db.engine.begin() as connection:
            snapshots.stamp_sqlite_head(connection)
    raw = db.engine.raw_connection()
    try:
        if first:
            _sqlite_schema = raw.driver_connection.serialize()
        else:
            raw.driver_connection.deserialize(_sqlite_schema)
    finally:
        raw.close()


@pytest.fixture
def app():
    app = create_app(base_config())
    app.before_request(_forget_login_between_requests)
    if PG_URL:
        _build_pg_schema(app)
    with app.app_context():
        if not PG_URL:
            _create_sqlite_schema()
        yield app
        db.session.remove()
        if PG_URL:
            _empty_pg_tables()
        db.engine.dispose()
    _forget_compiled_statements()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    return db.session


# -- the demo, imported once per run ---------------------------------------------------------


@pytest.fixture(scope="session")
def shared_tmp(tmp_path_factory) -> Path:
    """A folder shared by every xdist worker of this run (the run's own folder without xdist)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if WORKER else root


@pytest.fixture(scope="session")
def demo_snapshots(shared_tmp) -> snapshots.DemoSnapshots:
    """The demo imported once for the whole run (and every worker), as database snapshots."""
    return snapshots.DemoSnapshots(shared_tmp, PG_URL, _snapshot_app)


def _snapshot_app(url: str | None = None):
    """An app on the test database (PostgreSQL, schema from the migrations) or on `url`."""
    if url is None:
        app = create_app(base_config())
        _build_pg_schema(app)
        return app
    return create_app(base_config(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}))


@pytest.fixture
def demo(app, demo_snapshots):
    """The demo as `flask demo` loads it (without accounts), committed."""
    demo_snapshots.restore(db, "demo")


@pytest.fixture
def demo_with_accounts(app, demo_snapshots):
    """The demo with its accounts (password DEMO_PASSWORD), committed."""
    demo_snapshots.restore(db, "demo_with_accounts")


# -- small factories -------------------------------------------------------------------------


def make_body(slug: str = "fagradet", short_name: str = "Fagrådet", **kw) -> Body:
    data = bodies.BodyInput(
        slug=slug,
        name=kw.pop("name", f"Nasjonalt {short_name.lower()} for digitalisering"),
        short_name=short_name,
        kind=kw.pop("kind", "fagråd"),
        **kw,
    )
    return bodies.create_body(db.session, data)


def make_person(name: str, organisation: str | None = "Helsedirektoratet", email=None) -> Person:
    return people.create_person(db.session, people.PersonInput(name, organisation, email))


def make_meeting(body: Body, *days: date, start=time(10), end=time(16), **kw):
    """A meeting; called (innkalt) unless told otherwise, so its agenda is public."""
    days = days or (date(2026, 4, 29),)
    kw.setdefault("status", "innkalt")
    data = meetings.MeetingInput(days=tuple(meetings.DayInput(d, start, end) for d in days), **kw)
    return meetings.schedule_meeting(db.session, body, data)


def add_case(meeting, title: str | None, sakstype: str = "Drøfting", *, case=None, **kw):
    """A case item at the end of the agenda (a new case, or `case`), built as a record with
    no audit line, also in a meeting made with its minutes already approved;
    agenda.add_case_item is the service that checks the rules."""
    data = agenda.CaseItemInput(sakstype=sakstype, title=title, **kw)
    return agenda._new_case_item(db.session, meeting, data, case)


# -- a real SMTP server on loopback ----------------------------------------------------------


class MailServer:
    """aiosmtpd on 127.0.0.1 that keeps what arrives; stop() and start() simulate an outage."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.envelopes: list = []
        self.controller = None
        #: Addresses answered with "550 no such user".
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list:
        """What arrived, parsed as email.message.EmailMessage."""
        from email import message_from_bytes, policy

        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def config(self) -> dict:
        return {
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_SECURITY": "none",
            "MAIL_FROM": "sekretariat@govern.test",
            "MAIL_TIMEOUT": 5,
        }


@pytest.fixture
def smtp_server(app):
    server = MailServer()
    server.start()
    app.config.update(server.config())
    yield server
    server.stop()


# -- the order of a parallel run -------------------------------------------------------------

#: Tests of ten seconds and more (crawls and fuzzing of every page or route, servers in
#: subprocesses). pytest-xdist hands out tests in collection order, after the browser
#: modules (the largest groups); these come first, the longest first, so that a worker does not start one of
#: them near the end of a run while the other waits. (Whole modules, or single tests of
#: modules without module-scoped fixtures.)
LONG_FIRST = (
    # A crawl of the site in Chromium per reader, handed out one by one (tests/browser/conftest.py).
    "tests/browser/test_narrow_screens.py",
    # The first form fuzz test crawls for the others (tests/views/test_form_fuzz.py): the
    # other worker has other work meanwhile instead of waiting for the crawl.
    "tests/views/test_form_fuzz.py::test_every_form_survives_bad_input[hostile]",
    "tests/views/test_route_permissions.py::test_every_route_for_every_role",
    "tests/views/test_url_map_fuzz.py",
    "tests/views/test_form_fuzz.py",
    "tests/views/test_crawl.py",
    "tests/views/test_language_crawl.py",
    "tests/test_openness_crawl.py",
    "tests/operations/test_health_and_metrics.py",
    "tests/api/test_fuzz.py",
    "tests/exports/test_arkivmelding.py",
    "tests/test_migrations.py",
    "tests/browser/test_meeting_workflow.py",
)


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        for place, prefix in enumerate(LONG_FIRST):
            if item.nodeid.startswith(prefix):
                return place
        return len(LONG_FIRST)

    items.sort(key=rank)
