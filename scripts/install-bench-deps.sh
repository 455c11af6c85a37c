#!/usr/bin/env bash
# Installs what the benchmarks need (wrk, sqlite3), when missing.
set -euo pipefail
missing=()
for package in wrk sqlite3; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
