#!/usr/bin/env bash
# Runs a command with a private PostgreSQL cluster (scripts/pg-cluster.sh)
# started for it: its URL is in CHORUS_TEST_POSTGRES, and the cluster is
# stopped and removed when the command ends, whatever its outcome.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2; exit 64; }
here=$(cd "$(dirname "$0")" && pwd)
folder=$(mktemp -d /tmp/chorus-pg-XXXXXX)
chmod 755 "$folder"
cleanup() {
  "$here/pg-cluster.sh" stop "$folder/cluster" >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap cleanup EXIT
CHORUS_TEST_POSTGRES=$("$here/pg-cluster.sh" start "$folder/cluster")
export CHORUS_TEST_POSTGRES
status=0
"$@" || status=$?
exit "$status"
