"""A bare Flask app, one route answering "ok", on the same waitress: the
ceiling that the site's cached pages are measured against (issue: a kept page
needs no template, no query and no locale, so it should cost no more than
Flask's own dispatch).

python bench/bare.py --port P [--threads N]
"""

from __future__ import annotations

import argparse
import logging

from flask import Flask
from waitress import serve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    app = Flask(__name__)

    @app.get("/")
    def bare() -> str:
        return "ok"

    # As in serve.py: waitress's queue warnings would be measured too.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    serve(app, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
