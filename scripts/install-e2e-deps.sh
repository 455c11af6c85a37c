#!/usr/bin/env bash
# Creates the Python environment the end-to-end tests use (Mastodon.py,
# toot, pytest), once.
set -euo pipefail
venv=${1:-.venv}
requirements="Tests/e2e/requirements.txt"
stamp="$venv/.installed"
if [ -f "$stamp" ] && [ "$stamp" -nt "$requirements" ]; then exit 0; fi
python3 -m venv "$venv" 2>/dev/null || {
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
  python3 -m venv "$venv"
}
"$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
touch "$stamp"
