"""The site as wsgi.py serves it (its server options, without the access log),
plus one trivial route: the framework's ceiling.

python bench/serve.py --port P [--threads N]   (database from IST_SQLALCHEMY_DATABASE_URI)
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import wsgi


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    app = wsgi.app

    @app.get("/bench/trivial")
    def trivial() -> str:
        return "ok"

    wsgi.prepare_database(load_demo=False)
    # Under the benchmark's load the task queue is never empty: waitress would
    # log a warning for nearly every request, and the logging would be measured.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    options = wsgi.server_options(
        wsgi.parse_arguments(
            ["--host", "127.0.0.1", "--port", str(args.port), "--threads", str(args.threads)]
        )
    )
    wsgi.make_server(app, options).run()


if __name__ == "__main__":
    main()
