"""Configuration the web passes to services as arguments (services never read current_app)."""

from __future__ import annotations

from flask import current_app


def invitation_settings() -> dict[str, str | None]:
    """Keyword arguments for invitations.sync_*: the site's base URL and the mail sender."""
    config = current_app.config
    return {
        "base_url": config["BASE_URL"],
        "mail_from": config.get("MAIL_FROM"),
        "answer_key": config["SECRET_KEY"],
    }
