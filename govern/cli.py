"""Thin command-line commands; each calls a service and owns the transaction."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from govern.extensions import db
from govern.models.bodies import Body
from govern.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from govern.services.errors import GovernError
from govern.services.exchange import import_exchange

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "demo.json"
#: What a cron job prints when a run of it on another host (or this one) is under way; it
#: exits 0, since nothing is wrong.
ANOTHER_RUN = (
    "En annen kjøring av {job} pågår (her eller på en annen tjener); denne gjør ingenting."
)


class CommandError(click.ClickException):
    """A command failed for a reason the user can act on; printed in Norwegian."""

    def show(self, file=None) -> None:
        click.echo(f"Feil: {self.format_message()}", err=True, file=file)


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"Kan ikke lese {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = (
            f" (linje {error.lineno}, kolonne {error.colno})" if hasattr(error, "lineno") else ""
        )
        raise CommandError(f"{path} er ikke gyldig JSON{where}") from None


def files_folder(path: Path) -> Path:
    """The folder of uploaded files beside an exchange file: backup.json → backup-filer/."""
    return path.with_name(path.stem + "-filer")


def _file_store():
    """The store of uploaded files the configuration asks for (services/file_store.py)."""
    from flask import current_app

    from govern.services.file_store import store_for

    return store_for(current_app.config, current_app.instance_path, db.session)


def _import_files(path: Path | None):
    """The uploaded files beside the exchange file, when its folder is there."""

    from govern.services.exchange_files import ImportFiles

    folder = files_folder(path) if path is not None else None
    if folder is None or not folder.is_dir():
        return None

    def read(sha256: str) -> bytes | None:
        found = sorted(p for p in folder.glob(f"{sha256}*") if p.stem == sha256)
        return found[0].read_bytes() if found else None

    return ImportFiles(read, _file_store())


def _import(document: object, path: Path | None = None) -> str:
    """Import in one transaction; nothing is kept if anything is wrong (nor any file)."""
    files = _import_files(path)
    try:
        result = import_exchange(db.session, document, files)
        db.session.commit()
    except GovernError as error:
        _undo(files)
        raise CommandError(f"Importen ble avbrutt, ingenting er lagret.\n{error}") from None
    except SQLAlchemyError as error:
        # A rule only the database knew about; the services check what they can first.
        _undo(files)
        detail = str(getattr(error, "orig", error)).splitlines()[0]
        raise CommandError(
            f"Importen ble avbrutt, ingenting er lagret.\nDatabasen avviste dataene: {detail}"
        ) from None
    except BaseException:
        _undo(files)
        raise
    return result.summary()


def _undo(files) -> None:
    db.session.rollback()
    if files is not None:
        files.remove_written()


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_command(path: Path) -> None:
    """Import bodies, people, meetings and cases from an exchange file (govern/1), with the
    uploaded files from the folder beside it (backup.json: backup-filer/) when it is there."""
    click.echo(f"Importert: {_import(_load_json(path), path)}")


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def export_command(path: Path) -> None:
    """Write the whole database to an exchange file (govern/1); '-' writes to stdout."""
    from govern.exports.exchange import build_exchange, dump_exchange

    if str(path) == "-":
        data = dump_exchange(build_exchange(db.session))
        click.echo(data.decode("utf-8"), nl=False)
        return
    data = dump_exchange(build_exchange(db.session, files=True))
    count = _export_files(files_folder(path))
    path.write_bytes(data)
    written = f" og {count} opplastede filer til {files_folder(path)}" if count else ""
    click.echo(f"Eksportert til {path}{written}")


def _export_files(folder: Path) -> int:
    """Write every uploaded file into the folder under its checksum, with SHA256SUMS."""

    from govern.services.attachments import read_stored
    from govern.services.exchange_files import exchange_files

    store = _file_store()
    sums = []
    for name, owner in exchange_files(db.session):
        content = read_stored(store, owner)
        if content is None:
            where = getattr(store, "folder", "databasen")
            raise CommandError(f"Filen {owner.filename} ({owner.stored_name}) mangler i {where}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        sums.append(f"{owner.sha256}  {name}\n")
    if sums:
        (folder / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    return len(sums)


@click.command("demo")
def demo_command() -> None:
    """Load the demo data (Fagrådet and the DIPS Arena councils) and the demo accounts."""
    if db.session.scalar(select(Body.id).where(Body.slug == "fagradet")):
        click.echo("Demodata er allerede lastet.")
    elif db.session.scalar(select(Body.id).limit(1)):
        click.echo("Databasen har allerede egne data; demodata lastes ikke inn i den.")
        return
    else:
        click.echo(f"Demodata lastet: {_import(_load_json(DEMO_FILE))}")
    ensure_demo_accounts(db.session)
    db.session.commit()
    click.echo(f"Demokontoer (passord «{DEMO_PASSWORD}»):")
    for email, name, _admin in DEMO_ACCOUNTS:
        click.echo(f"  {email:<26} {name}")


@click.command("reindex")
def reindex_command() -> None:
    """Rebuild the full-text search index from the database."""
    from govern.search.index import rebuild_index

    count = rebuild_index(db.session.connection())
    db.session.commit()
    click.echo(f"Søkeindeksen er bygd på nytt: {count} behandlinger.")


def prepare_demo_database(app: Flask) -> None:
    """Migrate the app's (fresh) database and load the demo, as `make run` does; for the
    checks in .ci/ and the benchmarks, which each start from an empty database."""
    import logging

    from flask_migrate import upgrade

    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' progress lines
        upgrade()
        logging.disable(logging.NOTSET)
        result = app.test_cli_runner().invoke(args=["demo"])
        if result.exit_code != 0:
            raise SystemExit(f"Loading the demo failed:\n{result.output}")
        db.session.remove()


@click.command("docx-template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Bygg pakkens mal på nytt fra python-docx.")
def docx_template_command(path: Path, rebuild: bool) -> None:
    """Write the Word template the documents start from, to restyle it in Word."""
    from flask import current_app

    from govern.exports.docx_package import template_bytes
    from govern.exports.docx_template import make_template

    content = make_template() if rebuild else template_bytes(current_app.config["DOCX_TEMPLATE"])
    path.write_bytes(content)
    click.echo(f"Skrev Word-malen til {path}")


@click.command("send-mail")
@click.option("--limit", default=100, show_default=True, help="Høyst så mange e-poster.")
def send_mail_command(limit: int) -> None:
    """Send the queued e-mail that is due (run from cron every minute or so)."""
    from flask import current_app

    from govern.operations.job_lock import only_one_run

    with only_one_run(db.engine, "send-mail") as mine:
        if not mine:
            click.echo(ANOTHER_RUN.format(job="send-mail"))
            return
        _send_mail(current_app.config, limit)


def _send_mail(config, limit: int) -> None:
    from govern.services.mail import MailServerUnreachable, send_queued

    try:
        sent, failed = send_queued(db.session, config, limit=limit, commit=db.session.commit)
    except MailServerUnreachable as error:
        raise CommandError(
            f"Fikk ikke kontakt med e-posttjeneren ({error.reason}). Sendt: 0, feilet: "
            f"{error.failed}; de prøves igjen senere."
        ) from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    click.echo(f"Sendt: {sent}, feilet: {failed}")


@click.command("remind")
@click.option("--today", "today_text", help="Regn som om det er denne dagen (ÅÅÅÅ-MM-DD).")
def remind_command(today_text: str | None) -> None:
    """Queue e-mail reminders of the annual cycles' deadlines (run from cron once a day)."""
    from datetime import date

    from flask import current_app

    from govern.services.reminders import send_reminders

    try:
        today = date.fromisoformat(today_text) if today_text else date.today()
    except ValueError:
        raise CommandError(
            f"«{today_text}» er ikke en gyldig dato; skriv den som ÅÅÅÅ-MM-DD, f.eks. 2026-04-01"
        ) from None
    from govern.operations.job_lock import only_one_run

    with only_one_run(db.engine, "remind") as mine:
        if not mine:
            click.echo(ANOTHER_RUN.format(job="remind"))
            return
        count = send_reminders(db.session, today, current_app.config["BASE_URL"])
        db.session.commit()
    click.echo(f"Påminnelser lagt i kø: {count}")


@click.command("arkiv")
@click.argument("meeting_id", type=int)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def arkiv_command(meeting_id: int, folder: Path) -> None:
    """Write a meeting's archive package (Noark 5 arkivmelding, PDF/A) into FOLDER.

    A new package is recorded when there is none, or when the minutes were corrected since
    the latest; otherwise the latest is written again."""
    from flask import current_app

    from govern import queries
    from govern.exports.pdfa import RenderError
    from govern.services import archive

    meeting = queries.meeting_documents(db.session, meeting_id)
    if meeting is None:
        raise CommandError(f"Møte {meeting_id} finnes ikke.")
    package = archive.latest_package(db.session, meeting)
    try:
        if package is None or archive.needs_new_package(db.session, meeting, package):
            package = archive.make_package(db.session, meeting, None)
        files = archive.build_files(
            db.session, meeting, package, Path(current_app.instance_path), current_app.config
        )
        count = archive.write_package(files, folder)
    except (GovernError, RenderError, OSError) as error:
        db.session.rollback()
        raise CommandError(str(error)) from None
    db.session.commit()
    click.echo(
        f"Arkivpakke {package.number} for {meeting.title}: {count} filer skrevet til {folder}"
    )


@click.command("files-to-database")
@click.option("--remove", is_flag=True, help="Slett filene i mappen når de er flyttet.")
def files_to_database_command(remove: bool) -> None:
    """Move the uploaded files from the folder instance/uploads into the database."""
    from flask import current_app

    from govern.services.file_store import move_folder_into_database

    folder = Path(current_app.instance_path) / "uploads"
    copied, present, problems = move_folder_into_database(db.session, folder)
    if problems:
        db.session.rollback()
        raise CommandError(
            "Ingen filer er flyttet, fordi disse ikke kan leses riktig:\n  " + "\n  ".join(problems)
        )
    db.session.commit()
    removed = 0
    if remove:
        from govern.services.file_store import is_stored_name

        for path in folder.iterdir() if folder.is_dir() else ():
            if path.is_file() and is_stored_name(path.name):
                path.unlink()
                removed += 1
    click.echo(
        f"Flyttet til databasen: {copied} filer; {present} var der fra før"
        + (f"; {removed} slettet fra {folder}" if remove else "")
        + "."
    )


@click.command("svar-inn")
@click.option(
    "--fil",
    "path",
    type=click.Path(exists=True, path_type=Path),
    help="En mbox-fil eller en Maildir-mappe.",
)
@click.option("--imap", "host", help="IMAP-tjener (TLS, port 993).")
@click.option("--bruker", "user", help="Brukernavn på IMAP-tjeneren.")
@click.option("--mappe", "folder", default="INBOX", show_default=True, help="IMAP-mappen.")
def answers_in_command(path: Path | None, host: str | None, user: str | None, folder: str):
    """Record the calendar replies (iTIP REPLY) in a mailbox as answers to the invitations.

    The IMAP password is read from GOVERN_IMAP_PASSWORD."""
    import os

    from govern.services.replies import imap_messages, mbox_messages, record_replies

    if bool(path) == bool(host):
        raise CommandError("Oppgi enten --fil (mbox eller Maildir) eller --imap.")
    try:
        if path:
            messages = mbox_messages(path)
        else:
            messages = imap_messages(
                host, user or "", os.environ.get("GOVERN_IMAP_PASSWORD", ""), folder
            )
        count = record_replies(db.session, messages)
    except (OSError, mailbox_errors()) as error:
        db.session.rollback()
        raise CommandError(f"Kunne ikke lese postkassen: {error}") from None
    db.session.commit()
    for problem in count.problems:
        click.echo(f"  {problem}")
    click.echo(f"Svar registrert: {count.recorded}, ukjente: {count.unknown}")


def mailbox_errors() -> tuple[type[Exception], ...]:
    """What reading a mailbox can fail with besides OSError."""
    import imaplib
    import mailbox

    return (imaplib.IMAP4.error, mailbox.Error)


@click.command("translations")
@click.option("--check", is_flag=True, help="Only report what is missing; write nothing.")
def translations_command(check: bool) -> None:
    """Bring the catalogs in govern/translations/ in step with the texts in the code."""
    from govern.i18n_catalog import problems, update_catalogs

    if not check:
        for path in update_catalogs():
            click.echo(f"updated {path.relative_to(path.parents[4])}")
    found = problems()
    for problem in found:
        click.echo(problem)
    if found:
        raise SystemExit(1)
    click.echo("The catalogs are complete (nb, nn, en).")


def register_cli(app: Flask) -> None:
    """Attach the commands to `flask --app govern`."""
    for command in (
        import_command,
        export_command,
        demo_command,
        reindex_command,
        docx_template_command,
        send_mail_command,
        remind_command,
        files_to_database_command,
        arkiv_command,
        answers_in_command,
        translations_command,
    ):
        app.cli.add_command(command)
