"""What the benchmark measures, and the targets it holds each figure to."""

from __future__ import annotations

# The trivial route: a route of the site itself, through all its hooks.
TRIVIAL = ("trivial route", "/bench/trivial")
# A bare Flask app's one route, on the same waitress (bench/bare.py): Flask's
# own dispatch, the ceiling that kept pages, answered before Flask, should reach.
BARE = ("bare Flask route", "/")
# A URL's headers with "Connection: close" load it, and its ceiling, with a new
# connection per request: feed readers poll minutes apart, each poll on a new
# connection.
FRESH = {"Connection": "close"}
GZIP = {"Accept-Encoding": "gzip"}
# name, path, extra headers ("etag" is filled in), minimum ratio to the trivial
# route and to the bare Flask route (None: shown without a target)
ENDPOINTS = [
    ("`/`", "/", {}, 0.70, 1.00),
    ("`/fr/`", "/fr/", {}, 0.70, 1.00),
    ("statement page", "/fr/statements/statement-0-fr", {}, 0.70, 1.00),
    ("`/fr/feed.atom`", "/fr/feed.atom", {}, 0.60, 1.00),
    # As feed readers and browsers ask for it: the kept gzipped variant.
    ("`/fr/feed.atom`, gzip", "/fr/feed.atom", GZIP, 0.60, 1.00),
    (
        "feed 304 revalidation, new connections",
        "/fr/feed.atom",
        {"If-None-Match": "etag", **FRESH},
        0.85,
        1.00,
    ),
    # waitress alone closes after every 304, so each revalidation also paid
    # for a new connection; ist_flask/keep_alive.py keeps it (wsgi.make_server).
    ("feed 304 revalidation, kept-alive", "/fr/feed.atom", {"If-None-Match": "etag"}, None, 1.00),
    # ?page=N now redirects to the keyset page where page N starts (the
    # listing's own links): the row measures that page, found once by run.py.
    ("page 50 (`?older=`)", "/?page=50", {}, 0.50, None),
]
# A serving process's peak (VmHWM), the page cache included (issue 15). The
# job queue's library loads without psycopg, and signing and verifying load
# cryptography only when used (queue_library.py, signed_posts.py): 116 MB
# measured at 10,000 statements, where it was 131 MB with both loaded.
MEMORY_LIMIT_MB = 120
FIRST_ANSWER_LIMIT_S = 2.0
# Importing 100,000 statements: twice as fast as the 241 s measured before
# the import was parallel (and before SQLite's index held stems).
IMPORT_LIMIT_S = 120.0
IMPORT_LIMIT_SIZE = 100_000
# A page of a larger site may cost at most this much more than the same page
# of the smallest: as a share of its ratio to the trivial route there. One
# way only: a larger site faster than the smallest is noise, not a miss.
SLOWER_THAN_SMALLEST = 0.15


# Pages timed without the process cache, sequentially: (name, path, the most
# milliseconds its median may take, or None). {deep} is the page a tenth of
# the way down the listing's pages of statements (?page=N redirects there).
UNCACHED = [
    ("`/`", "/", 3.0),
    ("`/fr/`", "/fr/", 3.0),
    ("statement page", "/fr/statements/statement-0-fr", 3.0),
    ("`/fr/feed.atom`", "/fr/feed.atom", 6.0),
    ("page 50", "/?page=50", None),
    ("deep page", "/?page={deep}", None),
]
UNCACHED_REQUESTS = 100
# Rounds of those requests, one page after another: each page's figure is the
# lowest of its rounds' medians. Another process on a shared machine only ever
# adds time (as Python's timeit notes), and its share comes and goes over
# minutes, so the lowest round is the nearest to what the page itself costs;
# the highest is shown beside it.
UNCACHED_ROUNDS = 3
# A deep page costs what page 50 does, give or take this: keyset, not OFFSET.
DEEP_AS_PAGE_50 = 0.25


def deep_page(size: int) -> int:
    """A page number far down the listing of ``size`` statements (it holds
    about 2.6 entries per statement, 20 a page)."""
    return max(2, size // 10)


# The cached page through nginx (deploy/nginx.conf, bench/nginx.py) as a ratio
# to the same nginx serving the same bytes as a static file: what the site adds
# to nginx's own answer once a page is in its cache.
BEHIND_NGINX = ("`/fr/` behind nginx", "/fr/")
NGINX_STATIC = "nginx static file"
NGINX_TARGET = 0.90
