#!/usr/bin/env bash
# Install what the tests need, then run the whole suite on SQLite and, when the
# PostgreSQL server on 127.0.0.1:5432 answers, again on a database of its own.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: Chromium for the browser tests (Playwright
# never downloads a browser here), Java for the Nu HTML Checker, wrk for load,
# newsboat as a second real feed reader, nginx in front of the site.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v newsboat >/dev/null 2>&1 || missing+=(newsboat)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# openssl makes the DKIM test's key.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "tests/run.sh: install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

# The Nu HTML Checker (vnu-jar) and axe-core, pinned in tests/package-lock.json.
npm ci --prefix tests --no-audit --no-fund --loglevel=error

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

echo "== tests on SQLite"
.venv/bin/python -m pytest -q "$@"

pg_url="postgresql+psycopg://postgres@127.0.0.1:5432"
if .venv/bin/python - "$pg_url/postgres" <<'PY' 2>/dev/null; then
import sys, psycopg
psycopg.connect(sys.argv[1].replace("+psycopg", ""), connect_timeout=3).close()
PY
  db="ist_test_$$"
  drop() { .venv/bin/python - "$pg_url/postgres" "$db" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1].replace("+psycopg", ""), autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
PY
  }
  trap drop EXIT
  .venv/bin/python - "$pg_url/postgres" "$db" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1].replace("+psycopg", ""), autocommit=True) as c:
    c.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
  echo "== tests on PostgreSQL ($db)"
  IST_TEST_DATABASE_URI="$pg_url/$db" .venv/bin/python -m pytest -q "$@"
else
  echo "PostgreSQL does not answer on 127.0.0.1:5432: the PostgreSQL run is skipped" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
fi
