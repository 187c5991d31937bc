"""Whatever a crawler or feed reader sends, no answer is a 5xx (Hypothesis)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

# Slow: hundreds of generated requests. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

PREFIXES = [
    "",
    "/fr",
    "/en/statements",
    "/archive",
    "/fr/archive",
    "/static",
    "/admin",
    "/admin/statements",
    "/es/feed.atom",
]

percent_bytes = st.binary(min_size=1, max_size=6).map(
    lambda b: "".join(f"%{byte:02x}" for byte in b)
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "00", "07", "2021", "99999999999999999999", "1e9", "NaN", "١٢"]),
)
segments = st.one_of(
    st.text(min_size=0, max_size=30).map(lambda s: quote(s, safe="")),
    percent_bytes,
    numbers,
    st.sampled_from(
        [
            "..",
            ".",
            "%2e%2e",
            "..%2f",
            "feed.atom",
            "feed.rss",
            "statements",
            "about",
            "edit",
            "delete",
        ]
    ),
    st.integers(min_value=200, max_value=5000).map(lambda n: "x" * n),
)
paths = st.builds(
    lambda prefix, parts, slash: prefix + "/" + "/".join(parts) + ("/" if slash else ""),
    st.sampled_from(PREFIXES),
    st.lists(segments, min_size=0, max_size=5),
    st.booleans(),
)
query_values = st.one_of(
    numbers, percent_bytes, st.text(max_size=50).map(lambda s: quote(s, safe=""))
)
queries = st.lists(
    st.tuples(st.sampled_from(["page", "fm", "fy", "q", "next", "x", "page[]"]), query_values),
    max_size=4,
).map(lambda pairs: "&".join(f"{key}={value}" for key, value in pairs))
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Accept-Language": st.one_of(
            header_text,
            st.sampled_from(
                [
                    "*",
                    "fr-CH, fr;q=0.9, en;q=0.8",
                    "xx-YY;q=2",
                    ";q=",
                    "en;q=-1",
                    ",,,",
                    "zh-Hant-TW",
                ]
            ),
        ),
        "If-None-Match": st.one_of(
            header_text, st.sampled_from(['"', "W/", "*", '"abc", W/"def"'])
        ),
        "If-Modified-Since": st.one_of(
            header_text, st.sampled_from(["Mon, 32 Foo 99999 99:99:99 GMT", "0", "-1", "yesterday"])
        ),
        "Range": header_text,
        "Cookie": header_text,
    },
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=paths, query=queries, request_headers=headers, method=st.sampled_from(["GET", "HEAD"]))
def test_no_request_gets_a_server_error(
    app: Flask, path: str, query: str, request_headers: dict[str, str], method: str
) -> None:
    # The test client reads "//x" as a host name, not a path: no request to send.
    assume(not path.startswith("//"))
    client = app.test_client()
    response = client.open(path, method=method, query_string=query, headers=request_headers)
    assert response.status_code < 500, (method, path, query, request_headers, response.status_code)
    response.close()
