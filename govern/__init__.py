"""govern: meetings, cases and decisions for Norwegian e-health governance councils."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    from govern.config import load_config

    load_config(app, test_config)
    from govern.operations.logs import configure_logging

    configure_logging(app)

    from govern.cache import register_listeners as keep_revisions
    from govern.search.index import register_listeners as keep_search_index

    # Session listeners, in this order: the revisions' flush at commit feeds the index.
    keep_revisions()
    keep_search_index()
    from govern.extensions import init_extensions

    init_extensions(app)

    from govern.views import register_views

    register_views(app)

    from govern.cli import register_cli

    register_cli(app)
    from govern.operations import init_operations

    init_operations(app)
    return app
