#!/bin/sh
# Records tests/fixtures/workload/mariadb/slow.log from a real MariaDB (Debian's mariadb-server) and the
# expected query classes from pt-query-digest (percona-toolkit), the reference the digest is compared to.
#
# A throwaway server: its own data directory under a temporary folder, no TCP port (skip-networking, a
# socket in that folder), slow query log on with long_query_time = 0 and admin statements logged. The
# workload is workload.sql (literals of every kind, IN and VALUES lists, LIMIT forms, ASC, SET, CALL,
# backticked identifiers, comments, admin statements) sent by the mariadb client with --comments, plus
# mariadb-admin ping/status and a USE from a second client, so the log holds administrator commands.
# The server is stopped and its folder removed at the end. Does not import perfpilot.
#
#   sh scripts/record_mariadb/record.sh   # rewrites slow.log, pt_classes.json and pt_fingerprints.tsv
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/../../tests/fixtures/workload/mariadb"
WORK=$(mktemp -d /tmp/dbplans_mariadb.XXXXXX)
SOCK="$WORK/mysqld.sock"
mkdir -p "$OUT"
mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$WORK/data" --auth-root-authentication-method=socket \
    --skip-test-db > "$WORK/install.log" 2>&1
mariadbd --no-defaults --user="$(id -un)" --datadir="$WORK/data" --socket="$SOCK" --skip-networking \
    --pid-file="$WORK/mysqld.pid" --log-error="$WORK/error.log" \
    --slow-query-log=1 --slow-query-log-file="$WORK/slow.log" --long-query-time=0 \
    --log-slow-admin-statements=1 --log-slow-verbosity=query_plan &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
    mariadb-admin --no-defaults --socket="$SOCK" -uroot ping > /dev/null 2>&1 && break
    sleep 0.2
done
CLIENT="mariadb --no-defaults --socket=$SOCK -uroot --comments"
$CLIENT -e "CREATE DATABASE dbplans_shop"
$CLIENT dbplans_shop < "$HERE/workload.sql" > /dev/null
# Repeated statements with other literals: classes with more than one member.
for i in 1 2 3 4 5; do
    $CLIENT dbplans_shop -e "SELECT * FROM orders WHERE id = $i; SELECT * FROM orders WHERE id IN ($i, $((i + 1)), 7);
        INSERT INTO orders (customer_id, status) VALUES ($i, 'bulk$i'), ($((i * 2)), 'bulk');
        SELECT * FROM orders ORDER BY id LIMIT $i, 5;" > /dev/null
done
mariadb-admin --no-defaults --socket="$SOCK" -uroot ping status > /dev/null
$CLIENT -e "USE dbplans_shop; SELECT COUNT(*) FROM orders" > /dev/null
$CLIENT -e "DROP DATABASE dbplans_shop"
mariadb-admin --no-defaults --socket="$SOCK" -uroot shutdown
wait "$SERVER" || true
cp "$WORK/slow.log" "$OUT/slow.log"
# The reference: pt-query-digest's classes (fingerprint, count, total Query_time), every class kept.
pt-query-digest --limit 100% --output json "$OUT/slow.log" 2>/dev/null | python3 -c '
import json, sys
report = json.load(sys.stdin)
classes = [
    {"fingerprint": c["fingerprint"], "count": c["query_count"],
     "query_time_sum": float(c["metrics"]["Query_time"]["sum"]), "example": c.get("example", {}).get("query")}
    for c in report["classes"]
]
classes.sort(key=lambda c: c["fingerprint"])
json.dump({"tool": "pt-query-digest " + sys.argv[1], "classes": classes}, sys.stdout, indent=1)
print()
' "$(pt-query-digest --version | awk '{print $2}')" > "$OUT/pt_classes.json"
# And pt's fingerprint of every entry, in log order (byte offset, fingerprint): QueryRewriter's
# fingerprint is what pt-query-digest groups by, printed here from its --filter hook.
pt-query-digest --no-report \
    --filter 'print("$event->{pos_in_log}\t" . QueryRewriter->new()->fingerprint($event->{arg}) . "\n") || 1' \
    "$OUT/slow.log" > "$OUT/pt_fingerprints.tsv"
echo "recorded $OUT/slow.log ($(grep -c '^# Query_time' "$OUT/slow.log") entries) pt_classes.json and pt_fingerprints.tsv"
