"""Serve ist_flask with waitress: `python wsgi.py [--host H] [--port P] [--threads N] [--no-demo]`.

On start the database is upgraded to the latest migration and, when it holds
no statements, filled with the demo content.
"""

from __future__ import annotations

import argparse
import logging
import sys

from flask_migrate import upgrade
from waitress import serve

from ist_flask import create_app, store
from ist_flask.config import ConfigurationError
from ist_flask.i18n import supported_languages

try:
    app = create_app()
except ConfigurationError as error:
    # A setting to fix, not a bug: say so plainly, without a traceback.
    sys.exit(f"ist_flask cannot start: {error}")


def prepare_database(load_demo: bool) -> None:
    """Upgrade the schema, then load the demo statements into an empty site."""
    with app.app_context():
        upgrade()
        if load_demo and not store.has_statements():
            count = store.load_demo(supported_languages())
            logging.getLogger("ist_flask").info("Loaded %d demo statements", count)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the ist_flask site with waitress.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument("--threads", type=int, default=4, help="worker threads")
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load the demo statements into an empty site"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    prepare_database(load_demo=not args.no_demo)
    print(f"Serving on http://{args.host}:{args.port}", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
