"""Two app servers behind nginx on one PostgreSQL, as deploy/ runs govern: the issue's "done
when" test, run by `.ci/run` (`make check-hosts`).

1. makes a throw-away database on the PostgreSQL server of GOVERN_HOSTS_DATABASE_URL (the
   CI's cluster), migrates it and loads the demo;
2. starts two gunicorn servers (the repository's gunicorn.conf.py) on free 127.0.0.1 ports
   with one secret key, GOVERN_TRUSTED_PROXIES=1 and the files in the database (the
   default on PostgreSQL), each ready when its /readyz says so, and
   Debian's nginx in front of them, round-robin, with the proxy settings of
   deploy/nginx/govern.conf (nginx tells which server answered in X-Upstream);
3. through nginx: logs in (the session works on both servers); uploads a Vedlegg through
   one server and downloads it through the other, byte for byte; changes a meeting's place
   and reads the change at once through both (visitor and logged in: no stale page from
   either cache); fails logins until the shared limiter locks the address, at the
   documented count (five) across both; restarts PostgreSQL (GOVERN_HOSTS_PG_RESTART, a
   shell command) and sees no 5xx afterwards; checks /readyz and /metrics;
4. stops everything and drops the database. Prints what it checked and how long it took;
   exits non-zero on the first thing that is wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import GunicornServer, free_port  # noqa: E402

ADMIN = "admin@example.no"
SECRET = "check-hosts-" + "0" * 32
#: The failures in a row that lock an address (README, "Login limits").
LOCK_AFTER = 5
LOCKED = re.compile(r"For mange mislykkede forsøk\. Kontoen er låst i \d+ minutter til\.")
WRONG = "Feil e-postadresse eller passord"
TIMEOUT = 30


class Failed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


# -- the database ------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(server_url: str):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from govern.config import normalise_database_url

    server = make_url(normalise_database_url(server_url))
    name = f"govern_hosts_{os.getpid()}"
    # Tested before use: the check restarts the server meanwhile.
    admin = create_engine(server, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate_and_load_demo(url: str) -> None:
    """The migrations and the demo, in this process (that two `flask db upgrade` at once
    both succeed is tested in tests/operations/test_many_hosts.py)."""
    from govern import create_app
    from govern.cli import prepare_demo_database

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    prepare_demo_database(app)
    with app.app_context():
        from govern.extensions import db

        db.engine.dispose()


def ids(database_url: str) -> dict[str, int]:
    """The demo's meeting 2/26 of Fagrådet (called: public, with members to invite)."""
    from sqlalchemy import create_engine, text

    from govern.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        meeting = conn.execute(
            text(
                "SELECT m.id FROM meetings m JOIN bodies b ON b.id = m.body_id "
                "WHERE b.slug = 'fagradet' AND m.status = 'innkalt' ORDER BY m.id LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    return {"meeting": meeting}


# -- nginx -------------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream govern {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://govern;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_read_timeout 60s;
            # Not in deploy/: which server answered, for this check only. No retry on the
            # other server either, so a 5xx is seen.
            proxy_next_upstream off;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(folder: Path, upstreams: list[int]):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    check(Path(binary).exists(), "nginx is not installed (apt-get install nginx)")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(
        NGINX_CONF.format(dir=folder, a=upstreams[0], b=upstreams[1], port=port, user=user)
    )
    proc = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            check(proc.poll() is None, f"nginx exited: {proc.stderr.read().decode()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            check(time.monotonic() < deadline, "nginx did not answer in 15 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# -- forms -------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of the form whose action is `action` (or the first form), as a browser
    would send them."""

    def __init__(self, action: str | None = None) -> None:
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.selected: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            target = a.get("action", "").split("?")[0]
            # A form without an action posts to the page's own address.
            self.inside = self.action is None or target in ("", self.action)
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.selected, self.first_option = name, None, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.selected = value
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self.select:
            value = self.selected if self.selected is not None else self.first_option
            self.fields.append((self.select, value or ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(page: str, action: str | None = None) -> list[tuple[str, str]]:
    parser = FormFields(action)
    parser.feed(page)
    check(parser.fields != [], f"no form {action or ''} on the page")
    return parser.fields


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    check(found is not None, "no CSRF token on the page")
    return found.group(1)


# -- the checks --------------------------------------------------------------------------------


class Through:
    """Requests through nginx; remembers which server answered each and fails on a 5xx."""

    def __init__(self, base: str, servers: dict[str, str]) -> None:
        self.base, self.servers = base, servers
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "govern-check-hosts"
        self.count = 0

    def send(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        response = self.session.request(method, self.base + path, timeout=TIMEOUT, **kw)
        self.count += 1
        check(
            response.status_code < 500,
            f"{method} {path}: {response.status_code} from {self.server(response)} "
            f"(request id {response.headers.get('X-Request-ID')})",
        )
        return response

    def server(self, response: requests.Response) -> str:
        return self.servers.get(response.headers.get("X-Upstream", ""), "?")

    def get(self, path: str, **kw) -> requests.Response:
        return self.send("GET", path, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        return self.send("POST", path, **kw)

    def on_each(self, path: str) -> dict[str, requests.Response]:
        """GET `path` until both servers have answered it (round-robin: two or three)."""
        seen: dict[str, requests.Response] = {}
        for _ in range(6):
            response = self.get(path)
            seen.setdefault(self.server(response), response)
            if {"A", "B"} <= set(seen):
                return seen
        raise Failed(f"nginx did not send GET {path} to both servers: {sorted(seen)}")


def log_in(web: Through, email: str, password: str) -> requests.Response:
    page = web.get("/login").text
    return web.post("/login", data={"email": email, "password": password, "csrf_token": csrf(page)})


def check_login(web: Through) -> None:
    from govern.services.accounts import DEMO_PASSWORD

    response = log_in(web, ADMIN, DEMO_PASSWORD)
    check(response.status_code == 302, f"log-in answered {response.status_code}")
    for server, page in web.on_each("/profile").items():
        check(page.status_code == 200, f"/profile on {server}: {page.status_code}")
        check("Logg ut" in page.text, f"not logged in on server {server}")


def check_upload(web: Through, meeting: int, database_url: str) -> int:
    """A Vedlegg uploaded through one server is downloaded through the other."""
    from sqlalchemy import create_engine, text

    from govern.config import normalise_database_url

    content = b"%PDF-1.4\n" + os.urandom(1536 * 1024)  # two chunks in the database
    page = web.get(f"/meetings/{meeting}/attachments").text
    response = web.post(
        f"/meetings/{meeting}/attachments",
        data={"csrf_token": csrf(page), "title": "Flere tjenere", "source": "file"},
        files={"file": ("flere-tjenere.pdf", content, "application/pdf")},
    )
    check(
        response.status_code == 302,
        f"upload answered {response.status_code}: {response.text[:500]}",
    )
    uploaded_by = web.server(response)
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        attachment = conn.execute(
            text("SELECT id FROM attachments WHERE sha256 = :s"),
            {"s": hashlib.sha256(content).hexdigest()},
        ).scalar_one()
    engine.dispose()
    for _ in range(4):
        download = web.get(f"/attachments/{attachment}")
        if web.server(download) != uploaded_by:
            break
    check(web.server(download) != uploaded_by, "every download went to the uploading server")
    check(download.status_code == 200, f"download answered {download.status_code}")
    check(download.content == content, "the downloaded Vedlegg differs from the upload")
    return attachment


def check_meeting_change(web: Through, meeting: int) -> None:
    """Both servers have the meeting page cached (visitor and logged in); a change through
    one is read at once through both."""
    visitor = Through(web.base, web.servers)
    path = f"/meetings/{meeting}"
    for reader in (web, visitor):
        for _ in range(2):  # twice on each: the second is served from the cache
            reader.on_each(path)
    place = f"Møterom {os.getpid()}, Oslo"
    edit = web.get(f"{path}/edit").text
    fields = [(k, place if k == "location" else v) for k, v in form_fields(edit, f"{path}/edit")]
    response = web.post(f"{path}/edit", data=fields)
    check(response.status_code == 302, f"changing the meeting answered {response.status_code}")
    for who, reader in (("logged in", web), ("visitor", visitor)):
        for server, page in reader.on_each(path).items():
            check(place in page.text, f"server {server} showed a stale meeting page ({who})")


def check_login_limit(web: Through) -> None:
    """Wrong passwords for one address, alternating servers: after LOCK_AFTER failures the
    shared limit locks it, and then not even the right password gets in, on either server."""
    from govern.services.accounts import DEMO_PASSWORD

    client = Through(web.base, web.servers)
    token = csrf(client.get("/login").text)  # one form, posted again and again: round-robin

    def attempt_with(password: str) -> requests.Response:
        data = {"email": "sekretariat@example.no", "password": password, "csrf_token": token}
        return client.post("/login", data=data)

    servers = []
    for attempt in range(1, LOCK_AFTER + 1):
        page = attempt_with(f"feil-passord-{attempt}")
        servers.append(client.server(page))
        check(
            WRONG in page.text and not LOCKED.search(page.text),
            f"attempt {attempt}: {page.status_code}",
        )
    check({"A", "B"} <= set(servers), f"the attempts did not reach both servers: {servers}")
    refused_by = set()
    for _ in range(6):  # the right password, until both servers have refused it
        page = attempt_with(DEMO_PASSWORD)
        check(
            page.status_code == 400 and LOCKED.search(page.text) is not None,
            f"not locked after {LOCK_AFTER} failures on server {client.server(page)}",
        )
        refused_by.add(client.server(page))
        if refused_by >= {"A", "B"}:
            return
    raise Failed(f"the locked attempts did not reach both servers: {sorted(refused_by)}")


def check_database_restart(web: Through, restart: str, meeting: int) -> None:
    for path in ("/bodies", f"/meetings/{meeting}", "/profile"):
        web.on_each(path)  # every worker's pool holds connections now
    done = subprocess.run(restart, shell=True, capture_output=True, text=True, timeout=120)
    check(done.returncode == 0, f"restarting PostgreSQL failed:\n{done.stdout}{done.stderr}")
    statuses = []
    for _ in range(6):
        for path in (
            "/bodies",
            f"/meetings/{meeting}",
            "/profile",
            f"/meetings/{meeting}/attachments",
        ):
            statuses.append(web.get(path).status_code)  # a 5xx fails in send()
    check(set(statuses) == {200}, f"after the restart: {sorted(set(statuses))}")


def check_ready_and_metrics(web: Through) -> None:
    for server, ready in web.on_each("/readyz").items():
        check(ready.status_code == 200, f"/readyz on {server}: {ready.status_code} {ready.text}")
        check(ready.json()["status"] == "ok", f"/readyz on {server}: {ready.text}")
    texts = {}
    for server, metrics in web.on_each("/metrics").items():
        check(metrics.status_code == 200, f"/metrics on {server}: {metrics.status_code}")
        texts[server] = metrics.text
        for needle in (
            'govern_http_requests_total{method="GET",route="/meetings/<int:meeting_id>",status="200"}',
            "govern_mail_queue_length ",
            'govern_cache_hit_ratio{cache="page"}',
            "govern_database_up 1.0",
        ):
            check(needle in metrics.text, f"/metrics on {server} lacks {needle}")
    # Each server counts its own requests (summed over its workers): the download went to one.
    download = 'route="/attachments/<int:attachment_id>",status="200"}'
    check(any(download in text for text in texts.values()), "no server counted the download")
    queued = re.search(r"^govern_mail_queue_length (\S+)$", texts["A"], re.M)
    check(queued is not None and float(queued.group(1)) > 0, "the changed meeting queued no mail")


def start_both(stack: contextlib.ExitStack, servers: list[GunicornServer]) -> None:
    """Start the servers side by side (each waits for its /readyz), stopped on exit."""
    from concurrent.futures import ThreadPoolExecutor

    for server in servers:
        stack.callback(server.stop)
    with ThreadPoolExecutor(len(servers)) as pool:
        for started in [pool.submit(server.__enter__) for server in servers]:
            started.result()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("GOVERN_HOSTS_DATABASE_URL"))
    parser.add_argument("--restart", default=os.environ.get("GOVERN_HOSTS_PG_RESTART"))
    opts = parser.parse_args(argv)
    if not opts.database_url or not opts.restart:
        print("GOVERN_HOSTS_DATABASE_URL and GOVERN_HOSTS_PG_RESTART must be set", file=sys.stderr)
        return 2
    started = time.monotonic()

    def step(name: str, since: float) -> float:
        now = time.monotonic()
        print(f"ok  {name} ({now - since:.1f} s)", flush=True)
        return now

    with (
        tempfile.TemporaryDirectory(prefix="govern-hosts-") as tmp,
        fresh_database(opts.database_url) as url,
    ):
        folder = Path(tmp)
        env = {
            **os.environ,
            "GOVERN_DATABASE_URL": url,
            "GOVERN_SECRET_KEY": SECRET,
            "GOVERN_TRUSTED_PROXIES": "1",
            "GOVERN_WORKERS": "1",
            "GOVERN_THREADS": "4",
        }
        for name in ("GOVERN_TEST_DATABASE_URL", "GOVERN_FILE_STORAGE", "GOVERN_ACCESS_LOG"):
            env.pop(name, None)
        t = time.monotonic()
        migrate_and_load_demo(url)
        t = step("database migrated, demo loaded", t)
        meeting = ids(url)["meeting"]
        servers = [
            GunicornServer(
                "govern:create_app()",
                {**env, "PROMETHEUS_MULTIPROC_DIR": str(folder / f"metrics-{n}")},
                folder / f"gunicorn-{n}.log",
                ready_path="/readyz",
                startup_timeout=60,
            )
            for n in ("a", "b")
        ]
        try:
            with contextlib.ExitStack() as stack:
                start_both(stack, servers)
                base = stack.enter_context(nginx(folder / "nginx", [s.port for s in servers]))
                names = {f"127.0.0.1:{s.port}": n for s, n in zip(servers, "AB", strict=True)}
                t = step("two gunicorn servers and nginx started", t)
                web = Through(base, names)
                check_login(web)
                t = step("logged in: the session works on both servers", t)
                check_upload(web, meeting, url)
                t = step("Vedlegg uploaded through one server, downloaded through the other", t)
                check_meeting_change(web, meeting)
                t = step("meeting changed: both servers show it at once", t)
                check_login_limit(web)
                t = step(f"login limit locks after {LOCK_AFTER} failures across both", t)
                check_database_restart(web, opts.restart, meeting)
                t = step("PostgreSQL restarted: no 5xx afterwards", t)
                check_ready_and_metrics(web)
                t = step("/readyz and /metrics on both servers", t)
                for server in servers:
                    check(server.alive(), f"a gunicorn server died:\n{server.log_tail()}")
        except Failed as error:
            print(f"FAILED: {error}", file=sys.stderr)
            for n in ("a", "b"):
                log = folder / f"gunicorn-{n}.log"
                if log.exists():
                    tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
                    print(f"\n-- gunicorn {n} --\n{tail}", file=sys.stderr)
            return 1
    print(f"check-hosts passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
