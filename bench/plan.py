"""What the benchmark measures, and the targets it holds each figure to."""

from __future__ import annotations

# The trivial route: a route of the site itself, through all its hooks.
TRIVIAL = ("trivial route", "/bench/trivial")
# A bare Flask app's one route, on the same waitress (bench/bare.py): Flask's
# own dispatch, the ceiling that kept pages, answered before Flask, should reach.
BARE = ("bare Flask route", "/")
# A URL's headers with "Connection: close" load it, and its ceiling, with a new
# connection per request. waitress (3.0.2, task.py) closes the connection
# after every 304, whatever the client asks, so on kept-alive connections a
# revalidation also pays for a new connection that the trivial route never
# does. Feed readers poll minutes apart, each poll on a new connection, which
# is what the row with the target measures; the kept-alive row is shown for
# comparison, without a target.
FRESH = {"Connection": "close"}
# name, path, extra headers ("etag" is filled in), minimum ratio to the trivial
# route and to the bare Flask route (None: shown without a target)
ENDPOINTS = [
    ("`/`", "/", {}, 0.70, 1.00),
    ("`/fr/`", "/fr/", {}, 0.70, 1.00),
    ("statement page", "/fr/statements/statement-0-fr", {}, 0.70, 1.00),
    ("`/fr/feed.atom`", "/fr/feed.atom", {}, 0.60, 1.00),
    (
        "feed 304 revalidation, new connections",
        "/fr/feed.atom",
        {"If-None-Match": "etag", **FRESH},
        0.85,
        1.00,
    ),
    ("feed 304 revalidation, kept-alive", "/fr/feed.atom", {"If-None-Match": "etag"}, None, None),
    ("`/?page=50`", "/?page=50", {}, 0.50, None),
]
MEMORY_LIMIT_MB = 150
FIRST_ANSWER_LIMIT_S = 2.0
IMPORT_LIMIT_S = 300.0
SAME_AS_SMALLEST = 0.15


# Pages timed without the process cache, sequentially: (name, path).
UNCACHED = [
    ("`/`", "/"),
    ("`/fr/`", "/fr/"),
    ("statement page", "/fr/statements/statement-0-fr"),
    ("`/fr/feed.atom`", "/fr/feed.atom"),
    ("`/?page=50`", "/?page=50"),
]
UNCACHED_REQUESTS = 30
