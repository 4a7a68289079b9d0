#!/usr/bin/env bash
# Runs the test suite on SQLite, then again on PostgreSQL + Redis when they are reachable.
# With ROOST_REQUIRE_SERVICES=1 (as .ci/run sets) a missing PostgreSQL or Redis is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
PG_URL=${ROOST_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
REDIS_URL=${ROOST_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
# Two processes (pytest-xdist), each file's tests in one of them (module fixtures such as a
# browser stay shared): the suite waits on servers and browsers as much as it computes, so
# two beat one even on two cores (1,300 tests: 22 min one by one, 13 min so).
# The slowest tests of each pass are printed: the suite should stay near 20 minutes.
WORKERS=(-n "${ROOST_TEST_WORKERS:-2}" --dist loadfile --durations=12)

echo "== pytest on SQLite"
env -u ROOST_TEST_DATABASE_URL -u ROOST_TEST_REDIS_URL "$BIN/python" -m pytest "${WORKERS[@]}" "$@"

pg_ok=0
redis_ok=0
"$BIN/python" - "$PG_URL" <<'PY' && pg_ok=1 || true
import asyncio, sys
import asyncpg
async def main() -> None:
    conn = await asyncio.wait_for(asyncpg.connect(sys.argv[1]), 5)
    await conn.close()
asyncio.run(main())
PY
"$BIN/python" - "$REDIS_URL" <<'PY' && redis_ok=1 || true
import sys
import redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
PY

if [[ $pg_ok == 1 ]] && ! command -v pg_dump >/dev/null && [[ $(id -u) == 0 ]]; then
  # tests/e2e/test_backup.py backs PostgreSQL up with pg_dump (and skips without it).
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; } >/dev/null 2>&1 ||
    echo "test.sh: installing postgresql-client failed; the PostgreSQL backup test skips" >&2
fi

if [[ $pg_ok == 1 && $redis_ok == 1 ]]; then
  echo "== pytest on PostgreSQL + Redis"
  ROOST_TEST_DATABASE_URL=$PG_URL ROOST_TEST_REDIS_URL=$REDIS_URL "$BIN/python" -m pytest "${WORKERS[@]}" "$@"
else
  msg="PostgreSQL reachable: $pg_ok, Redis reachable: $redis_ok ($PG_URL, $REDIS_URL)"
  if [[ ${ROOST_REQUIRE_SERVICES:-0} == 1 ]]; then
    echo "FAILED: the PostgreSQL + Redis run is required here but cannot run. $msg" >&2
    exit 1
  fi
  echo "SKIPPED: the PostgreSQL + Redis run of the suite. $msg"
fi
