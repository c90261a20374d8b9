"""The commands cron runs for mail and the mailbox: send the queue, queue reminders, read
the calendar replies (split from govern/cli.py, which registers them)."""

from __future__ import annotations

from pathlib import Path

import click

from govern.cli import CommandError, another_run
from govern.extensions import db
from govern.i18n import gettext as _


@click.command("send-mail")
@click.option("--limit", default=100, show_default=True, help="Høyst så mange e-poster.")
def send_mail_command(limit: int) -> None:
    """Send the queued e-mail that is due (run from cron every minute or so)."""
    from flask import current_app

    from govern.operations.job_lock import only_one_run

    with only_one_run(db.engine, "send-mail") as mine:
        if not mine:
            click.echo(another_run("send-mail"))
            return
        _send_mail(current_app.config, limit)


def _send_mail(config, limit: int) -> None:
    from govern.services.mail import MailServerUnreachable, send_queued

    try:
        sent, failed = send_queued(db.session, config, limit=limit, commit=db.session.commit)
    except MailServerUnreachable as error:
        raise CommandError(
            _(
                "Fikk ikke kontakt med e-posttjeneren (%(reason)s). Sendt: 0, feilet: "
                "%(failed)s; de prøves igjen senere.",
                reason=error.reason,
                failed=error.failed,
            )
        ) from None
    except ValueError as error:
        raise CommandError(str(error)) from None
    click.echo(_("Sendt: %(sent)s, feilet: %(failed)s", sent=sent, failed=failed))


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
            _(
                "«%(value)s» er ikke en gyldig dato; skriv den som ÅÅÅÅ-MM-DD, f.eks. 2026-04-01",
                value=today_text,
            )
        ) from None
    from govern.operations.job_lock import only_one_run

    with only_one_run(db.engine, "remind") as mine:
        if not mine:
            click.echo(another_run("remind"))
            return
        count = send_reminders(db.session, today, current_app.config["BASE_URL"])
        db.session.commit()
    click.echo(_("Påminnelser lagt i kø: %(count)s", count=count))


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
    """Act on the calendar replies (iTIP REPLY) in a mailbox as on the answer links: a
    member's DECLINED reports forfall and calls in the vara, ACCEPTED withdraws it.

    The IMAP password is read from GOVERN_IMAP_PASSWORD."""
    import os
    from datetime import date

    from flask import current_app

    from govern.services.replies import imap_messages, mbox_messages, record_replies
    from govern.services.stand_ins import MailSettings

    if bool(path) == bool(host):
        raise CommandError(_("Oppgi enten --fil (mbox eller Maildir) eller --imap."))
    try:
        if path:
            messages = mbox_messages(path)
        else:
            messages = imap_messages(
                host, user or "", os.environ.get("GOVERN_IMAP_PASSWORD", ""), folder
            )
        config = current_app.config
        settings = MailSettings(config["BASE_URL"], config.get("MAIL_FROM"), config["SECRET_KEY"])
        count = record_replies(db.session, messages, settings, date.today())
    except (OSError, mailbox_errors()) as error:
        db.session.rollback()
        raise CommandError(_("Kunne ikke lese postkassen: %(error)s", error=error)) from None
    db.session.commit()
    for problem in count.problems:
        click.echo(f"  {problem}")
    click.echo(
        _(
            "Svar registrert: %(recorded)s, ukjente: %(unknown)s",
            recorded=count.recorded,
            unknown=count.unknown,
        )
    )


def mailbox_errors() -> tuple[type[Exception], ...]:
    """What reading a mailbox can fail with besides OSError."""
    import imaplib
    import mailbox

    return (imaplib.IMAP4.error, mailbox.Error)
