#!/usr/bin/env bash
# Start the local PostgreSQL 15 cluster for tests and benchmarks, with pg_stat_statements and HypoPG.
# Idempotent. Creates role perfpilot/perfpilot (superuser, for fixtures) and database perfpilot_test.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql/15/main ]; then
  echo "postgres-up: PostgreSQL 15 is not installed (apt-get install postgresql-15 postgresql-15-hypopg)" >&2
  exit 1
fi
conf=/etc/postgresql/15/main/conf.d/perfpilot.conf
if [ ! -f "$conf" ]; then
  mkdir -p "$(dirname "$conf")"
  cat > "$conf" <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
listen_addresses = '127.0.0.1'
CONF
  pg_ctlcluster 15 main restart >/dev/null 2>&1 || true
fi
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt $*"; }
psql_admin "-c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='perfpilot') THEN CREATE ROLE perfpilot LOGIN SUPERUSER PASSWORD 'perfpilot'; END IF; END\\\$\\\$;\""
if [ "$(psql_admin "-c \"SELECT 1 FROM pg_database WHERE datname='perfpilot_test'\"")" != "1" ]; then
  psql_admin "-c 'CREATE DATABASE perfpilot_test OWNER perfpilot'"
fi
psql_admin "-d perfpilot_test -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements'"
if [ -f /usr/share/postgresql/15/extension/hypopg.control ]; then
  psql_admin "-d perfpilot_test -c 'CREATE EXTENSION IF NOT EXISTS hypopg'"
else
  echo "postgres-up: HypoPG not installed (apt-get install postgresql-15-hypopg)" >&2
fi
echo "postgres-up: ready at postgresql://perfpilot:perfpilot@127.0.0.1:5432/perfpilot_test"
