#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests and benchmarks. It never
# touches the system's default cluster: everything lives in DIR, the server
# listens on 127.0.0.1 only (on a free port) and on a Unix socket in DIR.
#
#   scripts/pg-cluster.sh start DIR [--durable]
#       Installs Debian's PostgreSQL when missing (scripts/install-postgres.sh),
#       creates a cluster in DIR/data (UTF8, locale C, superuser "chorus",
#       trust authentication), starts it, creates the database "chorus" and
#       prints one line, its URL: postgres://chorus@127.0.0.1:PORT/chorus
#       (also written to DIR/url). The server logs to DIR/postgres.log.
#       Without --durable, fsync, synchronous_commit and full_page_writes are
#       off: fast, and a crash of the machine loses the cluster, which is
#       fine for tests. Benchmarks pass --durable to measure real commits.
#   scripts/pg-cluster.sh stop DIR
#       Stops the server (fast shutdown) and removes DIR. Does nothing when
#       DIR is gone; safe after a failed start.
#
# As root, the server runs as the unprivileged "postgres" user (initdb and
# postgres refuse to run as root): DIR is given to that user, so DIR must be
# reachable by it (a directory under /tmp is). Otherwise it runs as the
# current user.
#
# PG_BINDIR may name the directory of the server binaries; by default the
# newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`.
set -euo pipefail

prog="pg-cluster"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
marker=".pg-cluster"   # written first by start: what stop may remove
start_timeout=30        # seconds for the server to accept connections
stop_timeout=30         # seconds for a fast shutdown

die() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "usage: scripts/pg-cluster.sh start DIR [--durable] | stop DIR" >&2; exit 1; }

# A command bounded in time, where coreutils' timeout exists.
bounded() {
  local seconds=$1; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$seconds" "$@"; else "$@"; fi
}

server_bindir() {
  local bin=$1
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/postgres" ] && [ -x "$bin/pg_ctl" ]
}

# The directory of the newest server binaries, or nothing.
find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    server_bindir "$PG_BINDIR" && echo "$PG_BINDIR"
    return 0
  fi
  local bin newest=""
  newest=$(for bin in /usr/lib/postgresql/*/bin; do
             if server_bindir "$bin"; then echo "$bin"; fi
           done | sort -V | tail -n 1)
  if [ -z "$newest" ] && command -v pg_config >/dev/null 2>&1; then
    bin=$(pg_config --bindir 2>/dev/null || true)
    if server_bindir "$bin"; then newest=$bin; fi
  fi
  echo "$newest"
}

# Runs a command as the cluster's user, for at most SECONDS, from / (the
# caller's directory may not be readable by that user).
as_owner() {
  local seconds=$1; shift
  local run=("$@")
  if [ "$owner" != "$(id -un)" ]; then run=(runuser -u "$owner" -- "${run[@]}"); fi
  if command -v timeout >/dev/null 2>&1; then run=(timeout "$seconds" "${run[@]}"); fi
  (cd / && "${run[@]}")
}

# A free TCP port on 127.0.0.1.
pick_port() {
  local port
  if command -v python3 >/dev/null 2>&1 && port=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null) && [ -n "$port" ]; then
    echo "$port"
    return 0
  fi
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start() {
  local dir=$1 durable=$2

  case "$dir" in
    *"'"* | *"\\"* | *$'\n'*) die "DIR may not contain quotes, backslashes or newlines: $dir" ;;
  esac
  mkdir -p "$dir" 2>/dev/null || die "cannot create $dir"
  dir=$(cd "$dir" && pwd -P)
  [ "$dir" != "/" ] || die "DIR may not be /"
  if [ -e "$dir/$marker" ]; then
    die "$dir holds a cluster already: stop it first (scripts/pg-cluster.sh stop $dir)"
  fi
  if [ -n "$(ls -A "$dir")" ]; then
    die "$dir is not empty: give a new or empty directory"
  fi
  # The server's socket is DIR/.s.PGSQL.PORT, and a socket path has at most 107 bytes.
  local socket="$dir/.s.PGSQL.65535"
  [ "${#socket}" -le 107 ] || die "DIR is too long for a Unix socket path (at most 90 bytes): $dir"

  local bindir
  bindir=$(find_bindir)
  if [ -z "$bindir" ]; then
    bounded 1200 "$here/install-postgres.sh" >&2 || die "PostgreSQL is not installed and installing it failed"
    bindir=$(find_bindir)
    [ -n "$bindir" ] || die "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and pg_config --bindir)"
  fi

  : >"$dir/$marker"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || die "running as root, but there is no postgres user to run the server as (install Debian's postgresql package)"
    owner=postgres
    chown postgres: "$dir" || die "cannot give $dir to the postgres user"
    runuser -u postgres -- test -w "$dir" 2>/dev/null ||
      die "the postgres user cannot reach $dir (a parent directory is not searchable by it): use a directory under /tmp"
  else
    owner=$(id -un)
  fi

  if ! as_owner 120 "$bindir/initdb" -D "$dir/data" -U chorus -E UTF8 --locale=C -A trust --no-sync \
      >"$dir/initdb.log" 2>&1; then
    die "initdb failed (see $dir/initdb.log)"
  fi

  {
    echo ""
    echo "# Written by scripts/pg-cluster.sh: a private, throwaway cluster."
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir'"
    echo "max_connections = 200"
    # Tests migrate a schema per fixture, many at once: each migration locks every table it creates.
    echo "max_locks_per_transaction = 512"
    echo "timezone = 'UTC'"
    echo "log_timezone = 'UTC'"
    if [ "$durable" -eq 0 ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$dir/data/postgresql.conf"

  # Another process may take the port between picking and binding: then
  # try another one.
  local port="" logsize started=0
  for _ in 1 2 3; do
    port=$(pick_port) || die "no free TCP port found on 127.0.0.1"
    logsize=$(stat -c %s "$dir/postgres.log" 2>/dev/null || echo 0)
    if as_owner 60 "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" -w -t "$start_timeout" >/dev/null 2>&1; then
      started=1
      break
    fi
    # A server that did not come up in time may still be starting: end it.
    as_owner 30 "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
    if tail -c +"$((logsize + 1))" "$dir/postgres.log" 2>/dev/null | grep -q "could not bind\|Address already in use"; then
      continue
    fi
    break
  done
  [ "$started" -eq 1 ] || die "the server did not start (see $dir/postgres.log)"

  local deadline=$((SECONDS + start_timeout))
  until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U chorus -d postgres -t 2 >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      as_owner 30 "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
      die "the server did not accept connections within ${start_timeout} s (see $dir/postgres.log)"
    fi
    sleep 0.2
  done

  if ! PGCONNECT_TIMEOUT=10 bounded 60 "$bindir/createdb" -h 127.0.0.1 -p "$port" -U chorus chorus >"$dir/createdb.log" 2>&1; then
    as_owner 30 "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
    die "creating the database chorus failed (see $dir/createdb.log)"
  fi
  rm -f "$dir/createdb.log"

  local url="postgres://chorus@127.0.0.1:$port/chorus"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  local dir=$1
  [ -e "$dir" ] || return 0
  [ -d "$dir" ] || die "$dir is not a directory"
  dir=$(cd "$dir" && pwd -P)
  [ "$dir" != "/" ] || die "DIR may not be /"
  local data="$dir/data"

  if [ -d "$data" ]; then
    owner=$(stat -c %U "$data")
    if [ "$(id -u)" -ne 0 ] && [ "$owner" != "$(id -un)" ]; then
      die "$data belongs to $owner: stop it as $owner or as root"
    fi
  fi
  if [ -f "$data/PG_VERSION" ]; then
    local bindir
    bindir="/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin"
    server_bindir "$bindir" || bindir=$(find_bindir)
    [ -n "$bindir" ] || die "no PostgreSQL binaries found to stop the server in $data"
    if [ -f "$data/postmaster.pid" ]; then
      if ! as_owner 60 "$bindir/pg_ctl" stop -D "$data" -m fast -w -t "$stop_timeout" >/dev/null 2>&1; then
        local status=0
        as_owner 30 "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1 || status=$?
        if [ "$status" -eq 0 ]; then
          # Still running after a fast shutdown's time: stop it at once.
          if ! as_owner 30 "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 10 >/dev/null 2>&1; then
            local pid
            pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
            case "$pid" in
              '' | *[!0-9]*) die "the server in $data does not stop" ;;
            esac
            kill -KILL "$pid" 2>/dev/null || true
            local deadline=$((SECONDS + 10))
            while kill -0 "$pid" 2>/dev/null; do
              [ "$SECONDS" -lt "$deadline" ] || die "the server in $data (pid $pid) does not stop"
              sleep 0.2
            done
          fi
        fi
      fi
    fi
  fi

  # Only what start made is removed; a directory that holds more stays.
  if [ -e "$dir/$marker" ] || [ -f "$data/PG_VERSION" ]; then
    rm -rf "$data" 2>/dev/null || die "cannot remove $data"
  fi
  rm -f "$dir/$marker" "$dir/url" "$dir/postgres.log" "$dir/initdb.log" "$dir/createdb.log" "$dir"/.s.PGSQL.* 2>/dev/null ||
    die "cannot remove the cluster's files in $dir"
  rmdir "$dir" 2>/dev/null || die "$dir holds files the cluster did not make: left in place"
}

[ $# -ge 2 ] || usage
command=$1 dir=$2
shift 2
owner=""
case "$command" in
  start)
    durable=0
    for arg in "$@"; do
      case "$arg" in
        --durable) durable=1 ;;
        *) usage ;;
      esac
    done
    start "$dir" "$durable"
    ;;
  stop)
    [ $# -eq 0 ] || usage
    stop "$dir"
    ;;
  *) usage ;;
esac
