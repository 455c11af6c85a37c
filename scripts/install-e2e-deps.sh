#!/usr/bin/env bash
# Installs what the end-to-end tests use: headless Chromium, its driver and
# CJK fonts from Debian (the browser tests), and a Python environment with
# Mastodon.py, toot, Selenium and pytest, once.
set -euo pipefail
venv=${1:-.venv}
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1 || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null
fi
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
