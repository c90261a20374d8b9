"""Thin command-line commands; each calls a service and owns the transaction."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from govern.extensions import db
from govern.i18n import DEFAULT_LANGUAGE, current_language, normalise, use_language
from govern.i18n import gettext as _
from govern.models.bodies import Body
from govern.services.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from govern.services.errors import GovernError
from govern.services.exchange import import_exchange

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "demo.json"


#: What a cron job prints when a run of it on another host (or this one) is under way; it
#: exits 0, since nothing is wrong.
def another_run(job: str) -> str:
    return _(
        "En annen kjøring av %(job)s pågår (her eller på en annen tjener); denne gjør ingenting.",
        job=job,
    )


class CommandError(click.ClickException):
    """A command failed for a reason the user can act on; printed in the command's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.language = current_language()  # shown after the command's language is left

    def show(self, file=None) -> None:
        with use_language(self.language):
            message = _("Feil: %(problem)s", problem=self.format_message())
        click.echo(message, err=True, file=file)


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(
            _("Kan ikke lese %(path)s: %(reason)s", path=path, reason=error.strerror)
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        if hasattr(error, "lineno"):
            raise CommandError(
                _(
                    "%(path)s er ikke gyldig JSON (linje %(line)s, kolonne %(column)s)",
                    path=path,
                    line=error.lineno,
                    column=error.colno,
                )
            ) from None
        raise CommandError(_("%(path)s er ikke gyldig JSON", path=path)) from None


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
        raise CommandError(_("Importen ble avbrutt, ingenting er lagret.") + f"\n{error}") from None
    except SQLAlchemyError as error:
        # A rule only the database knew about; the services check what they can first.
        _undo(files)
        detail = str(getattr(error, "orig", error)).splitlines()[0]
        raise CommandError(
            _("Importen ble avbrutt, ingenting er lagret.")
            + "\n"
            + _("Databasen avviste dataene: %(detail)s", detail=detail)
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
    click.echo(_("Importert: %(summary)s", summary=_import(_load_json(path), path)))


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
    if count:
        click.echo(
            _(
                "Eksportert til %(path)s og %(count)s opplastede filer til %(folder)s",
                path=path,
                count=count,
                folder=files_folder(path),
            )
        )
    else:
        click.echo(_("Eksportert til %(path)s", path=path))


def _export_files(folder: Path) -> int:
    """Write every uploaded file into the folder under its checksum, with SHA256SUMS."""

    from govern.services.attachments import read_stored
    from govern.services.exchange_files import exchange_files

    store = _file_store()
    sums = []
    for name, owner in exchange_files(db.session):
        content = read_stored(store, owner)
        if content is None:
            where = getattr(store, "folder", None) or _("databasen")
            raise CommandError(
                _(
                    "Filen %(name)s (%(stored)s) mangler i %(where)s",
                    name=owner.filename,
                    stored=owner.stored_name,
                    where=where,
                )
            )
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
        click.echo(_("Demodata er allerede lastet."))
    elif db.session.scalar(select(Body.id).limit(1)):
        click.echo(_("Databasen har allerede egne data; demodata lastes ikke inn i den."))
        return
    else:
        click.echo(_("Demodata lastet: %(summary)s", summary=_import(_load_json(DEMO_FILE))))
    ensure_demo_accounts(db.session)
    db.session.commit()
    click.echo(_("Demokontoer (passord «%(password)s»):", password=DEMO_PASSWORD))
    for email, name, _admin in DEMO_ACCOUNTS:
        click.echo(f"  {email:<26} {name}")


@click.command("reindex")
def reindex_command() -> None:
    """Rebuild the full-text search index from the database."""
    from govern.search.index import rebuild_index

    count = rebuild_index(db.session.connection())
    db.session.commit()
    click.echo(_("Søkeindeksen er bygd på nytt: %(count)s behandlinger.", count=count))


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
    click.echo(_("Skrev Word-malen til %(path)s", path=path))


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
        raise CommandError(_("Møte %(id)s finnes ikke.", id=meeting_id))
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
        _(
            "Arkivpakke %(number)s for %(meeting)s: %(count)s filer skrevet til %(folder)s",
            number=package.number,
            meeting=meeting.title,
            count=count,
            folder=folder,
        )
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
            _("Ingen filer er flyttet, fordi disse ikke kan leses riktig:")
            + "\n  "
            + "\n  ".join(problems)
        )
    db.session.commit()
    removed = 0
    if remove:
        from govern.services.file_store import is_stored_name

        for path in folder.iterdir() if folder.is_dir() else ():
            if path.is_file() and is_stored_name(path.name):
                path.unlink()
                removed += 1
    moved = _(
        "Flyttet til databasen: %(copied)s filer; %(present)s var der fra før",
        copied=copied,
        present=present,
    )
    if remove:
        moved += _("; %(removed)s slettet fra %(folder)s", removed=removed, folder=folder)
    click.echo(moved + ".")


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


def command_language(config) -> str:
    """The language the commands print in: GOVERN_LANGUAGE (nb, nn or en), else nynorsk or
    English when the system's LANGUAGE, LC_ALL, LC_MESSAGES or LANG asks for it, else bokmål."""
    chosen = normalise(config.get("LANGUAGE"))
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for tag in os.environ.get(name, "").split(":"):
            chosen = chosen or normalise(tag.split(".")[0])
    return chosen or DEFAULT_LANGUAGE


def _in_language(command: click.Command) -> click.Command:
    """Run the command's callback in the command language (once, however many apps)."""
    callback = command.callback
    if callback is None or getattr(callback, "in_language", False):
        return command

    @functools.wraps(callback)
    def run(*args, **kwargs):
        from flask import current_app

        with use_language(command_language(current_app.config)):
            return callback(*args, **kwargs)

    run.in_language = True  # type: ignore[attr-defined]
    command.callback = run
    return command


def register_cli(app: Flask) -> None:
    """Attach the commands to `flask --app govern`."""
    from govern.cli_mail import answers_in_command, remind_command, send_mail_command

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
        app.cli.add_command(_in_language(command))
