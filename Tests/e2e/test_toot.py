"""Chorus driven by the `toot` command line client (0.52.1).

toot keeps its config under $XDG_CONFIG_HOME/toot (and a cache under
$XDG_CACHE_HOME), so every run gets a private home. toot only prepends
https:// when the instance has no scheme, so `-i http://127.0.0.1:PORT` works
against the plain-http test server. `login_cli` registers an app, then sends
the e-mail as the password-grant username; `login` prints the sign-in page's
URL and reads the out-of-band authorization code from stdin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import HOST, PEOPLE, ChorusServer, authorize_on_sign_in_page

TOOT_TIMEOUT = 30
TOOT_CLIENT_NAME = "toot - a Mastodon CLI client"

# MARK: Helpers


def toot_env(home: Path) -> dict[str, str]:
    """The environment of a toot run whose config and cache live under `home`."""
    env = {**os.environ, "HOME": str(home)}
    for name, folder in [("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache"),
                         ("XDG_DATA_HOME", ".local/share"), ("XDG_STATE_HOME", ".local/state")]:
        env[name] = str(home / folder)
    return env


def toot(home: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess:
    """Runs `toot ARGS` from this Python environment; `answers` is all it can read from stdin."""
    return subprocess.run([sys.executable, "-m", "toot", *args], env=toot_env(home), input=answers,
                          capture_output=True, text=True, timeout=TOOT_TIMEOUT)


def succeeded(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"toot exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


# MARK: Fixtures


@pytest.fixture(scope="module")
def toot_home(tmp_path_factory: pytest.TempPathFactory, chorus: ChorusServer) -> Path:
    """A home folder in which toot has logged in as `tooter` with login_cli."""
    home = tmp_path_factory.mktemp("toot-home")
    person = PEOPLE["tooter"]
    result = succeeded(toot(home, "login_cli", "--instance", chorus.base_url,
                            "--email", person.email, "--password", person.password))
    assert "Successfully logged in" in result.stdout
    return home


# MARK: Tests


def test_login_cli_saves_app_and_user(toot_home: Path, chorus: ChorusServer):
    config = json.loads((toot_home / ".config" / "toot" / "config.json").read_text())
    instance = f"{HOST}:{chorus.port}"
    assert config["apps"][instance]["base_url"] == chorus.base_url
    assert config["active_user"] == f"tooter@{instance}"
    assert config["users"][f"tooter@{instance}"]["username"] == "tooter"


def test_post_in_chinese(toot_home: Path, chorus: ChorusServer):
    result = succeeded(toot(toot_home, "post", "你好 Chorus"))
    url = result.stdout.split("Toot posted:", 1)[1].strip()
    assert url.startswith(chorus.url("/@tooter/"))

    response = chorus.get(f"/api/v1/statuses/{url.rsplit('/', 1)[1]}", "alice")
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["content"] == "<p>你好 Chorus</p>"
    assert status["account"]["username"] == "tooter"
    assert status["application"]["name"] == TOOT_CLIENT_NAME


def test_post_over_the_limit_fails(toot_home: Path):
    result = toot(toot_home, "post", "长" * 141)
    assert result.returncode != 0
    assert "too long" in (result.stdout + result.stderr).lower()


def test_browser_login_with_authorization_code(tmp_path: Path, chorus: ChorusServer):
    """`toot login`: toot prints the sign-in URL, the person signs in and pastes the code."""
    first = toot(tmp_path, "login", "--instance", chorus.base_url, answers="n\n")  # no code yet: toot gives up
    assert first.returncode != 0
    login_url = next(line for line in first.stdout.splitlines() if "/oauth/authorize" in line).strip()
    assert login_url.startswith(chorus.url("/oauth/authorize"))

    person = PEOPLE["erin"]
    code = authorize_on_sign_in_page(login_url, person.username, person.password)
    result = succeeded(toot(tmp_path, "login", "--instance", chorus.base_url, answers=f"n\n{code}\n"))
    assert "Successfully logged in" in result.stdout
    whoami = succeeded(toot(tmp_path, "whoami"))
    assert "@erin" in whoami.stdout
