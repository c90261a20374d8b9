"""Fuzz the JSON API against its own OpenAPI document with schemathesis.

Starts the app with gunicorn on 127.0.0.1 over a fresh, migrated SQLite database with the
demo loaded, makes an API token for the demo administrator, and runs `schemathesis run` with a
fixed number of examples per operation and a fixed seed. Fails on any 5xx answer and on any
answer that does not match the document's schema for its status.

    .venv/bin/python .ci/check_api.py [--max-examples 30]

`make check-api` runs this.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / ".ci"))

ADMIN = "admin@example.no"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Path parameters the fuzzer fills with the demo's real ids (often, not always), so the
#: operations reach their rules instead of answering 404: name -> (model, column).
REAL_IDS = {
    "slug": ("Body", "slug"),
    "meeting_id": ("Meeting", "id"),
    "item_id": ("AgendaItem", "id"),
    "treatment_id": ("Treatment", "id"),
    "case_id": ("Case", "id"),
    "follow_up_id": ("FollowUp", "id"),
    "person_id": ("Person", "id"),
    "membership_id": ("Membership", "id"),
}


#: Text path parameters also get a NUL byte, a vertical tab and other control characters
#: (TOML escapes): the answer must be a 400, never a 5xx.
HOSTILE = ["x\\u0000y", "a\\u000bb", "\\u001f", "x\\u007f", "a\\r\\nb"]


def real_ids_config(ids: dict[str, list]) -> str:
    """schemathesis.toml: a dictionary of real values per path parameter, used half the time;
    text parameters' dictionaries hold some control characters too (see HOSTILE)."""
    lines = []
    for name, values in ids.items():
        if values:
            quoted = ", ".join(repr(v) if isinstance(v, int) else f'"{v}"' for v in values)
            if not isinstance(values[0], int):
                quoted += ", " + ", ".join(f'"{v}"' for v in HOSTILE)
            lines += [f"[dictionaries.{name}]", f"values = [{quoted}]", ""]
    lines.append("[parameters]")
    for name, values in ids.items():
        if values:
            lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}')
    return "\n".join(lines) + "\n"


def prepare(env: dict[str, str]) -> tuple[str, dict[str, list]]:
    """Migrate the database, load the demo; return a fresh token for the demo admin and the
    demo's ids per path parameter (see REAL_IDS)."""
    os.environ.update(env)
    from check_documents import prepare_demo
    from sqlalchemy import select

    from govern import create_app, models
    from govern.extensions import db
    from govern.models.accounts import User
    from govern.services.api_tokens import create_token

    app = create_app()
    prepare_demo(app)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        _, secret = create_token(db.session, admin, "check-api")
        db.session.commit()
        ids = {
            name: list(
                db.session.scalars(select(getattr(getattr(models, model), column)).limit(40))
            )
            for name, (model, column) in REAL_IDS.items()
        }
    return secret, ids


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {seconds} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="check-api-") as tmp:
        env = {
            "GOVERN_SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'api.sqlite'}",
            "GOVERN_SECRET_KEY": "check-api",
            "GOVERN_PAGE_CACHE_SIZE": "0",
        }
        token, ids = prepare(env)
        (Path(tmp) / "schemathesis.toml").write_text(real_ids_config(ids), encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
                "govern:create_app()",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        try:
            wait_for(f"{base}/api/v1/", server)
            command = [
                str(BIN / "schemathesis"),
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                base,
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                str(args.max_examples),
                "--seed",
                str(args.seed),
                "--generation-allow-x00",
                "true",
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "1",  # hypothesis parses lambdas with ast; not thread-safe on 3.11
                "--request-timeout",
                "10",
                "--no-color",
            ]
            return subprocess.run(command, cwd=tmp).returncode
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
