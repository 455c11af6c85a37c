#!/usr/bin/env bash
# Installs Debian's PostgreSQL server when no server binaries are found.
# Exits at once when they are there. Debian's package would also create and
# start a default cluster ("main", port 5432); Chorus never uses it (tests
# and benchmarks run private clusters, see scripts/pg-cluster.sh), so when
# this script installs the package it asks for no default cluster.
# Everything it prints goes to stderr.
set -euo pipefail

have_server() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ] && [ -x "$bin/pg_ctl" ] && return 0
  done
  if command -v pg_config >/dev/null 2>&1; then
    bin=$(pg_config --bindir 2>/dev/null || true)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ] && [ -x "$bin/pg_ctl" ] && return 0
  fi
  return 1
}

have_server && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-postgres: PostgreSQL is not installed and sudo is missing: run as root" >&2; exit 1; }
  sudo="sudo"
fi

echo "Installing PostgreSQL (Debian package postgresql)" >&2
# No default cluster: postgresql-common reads createcluster.d/*.conf.
$sudo mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/chorus-no-main-cluster.conf >/dev/null
$sudo apt-get update -qq >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2

have_server || { echo "install-postgres: the postgresql package installed, but no server binaries were found" >&2; exit 1; }
