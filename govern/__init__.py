"""govern: meetings, cases and decisions for Norwegian e-health governance councils."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    from govern.config import load_config

    load_config(app, test_config)

    from govern.extensions import init_extensions

    init_extensions(app)

    from govern.views import register_views

    register_views(app)

    from govern.cli import register_cli

    register_cli(app)
    return app
