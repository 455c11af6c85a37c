"""The `chorus` command line: exit codes 0 / 1 with a one-line reason / 64 for usage."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from support import CLI_TIMEOUT, REPO_ROOT, chorus_binary

# MARK: Helpers


def run(*args: str, database: Path) -> subprocess.CompletedProcess:
    command = [str(chorus_binary()), *args]
    if args and args[0] in ("users", "migrate") and "--help" not in args:
        command += ["--database", str(database)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")}
    return subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)


# MARK: Tests


def test_users_lifecycle_and_exit_codes(tmp_path: Path):
    db = tmp_path / "cli.sqlite"
    assert run("migrate", database=db).returncode == 0

    created = run("users", "create", "lihua", "--password", "long enough 1", "--display-name", "李华", "--role", "editor", database=db)
    assert created.returncode == 0, created.stderr
    assert "@lihua" in created.stdout

    taken = run("users", "create", "lihua", "--password", "long enough 1", database=db)
    assert taken.returncode == 1
    assert taken.stderr.strip().count("\n") == 0 and "taken" in taken.stderr

    invalid = run("users", "create", "李华", "--password", "long enough 1", database=db)
    assert invalid.returncode == 1 and "Username" in invalid.stderr

    assert run("users", "set-role", "lihua", "admin", database=db).returncode == 0
    listing = run("users", "list", database=db)
    assert "lihua\tadmin\tactive\t李华" in listing.stdout

    assert run("users", "deactivate", "lihua", database=db).returncode == 0
    assert "lihua\tadmin\tdeactivated" in run("users", "list", database=db).stdout

    missing = run("users", "deactivate", "nobody", database=db)
    assert missing.returncode == 1 and "nobody" in missing.stderr


def test_usage_errors_exit_64(tmp_path: Path):
    db = tmp_path / "cli.sqlite"
    assert run("users", "frobnicate", database=db).returncode == 64
    assert run("users", "set-role", "lihua", "boss", database=db).returncode == 64
    assert run("serve", "--port", "not-a-port", database=db).returncode == 64


def test_environment_variables_configure_the_database(tmp_path: Path):
    db = tmp_path / "env.sqlite"
    env = {**os.environ, "CHORUS_DATABASE": str(db)}
    result = subprocess.run([str(chorus_binary()), "users", "create", "envuser", "--password", "long enough 1"],
                            capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_a_database_url_that_cannot_be_used_is_one_line_and_exit_1(tmp_path: Path):
    for url, words in [("postgres://chorus@db.internal/chorus?sslmode=maybe", "sslmode"),
                       ("postgres://db.internal/chorus", "no user"),
                       ("mysql://chorus@db/chorus", "scheme"),
                       ("postgres://chorus:secret@127.0.0.1:1/chorus", "not supported")]:
        for command in (["migrate"], ["serve", "--port", "0"], ["users", "list"]):
            env = {key: value for key, value in os.environ.items() if not key.startswith("CHORUS_")}
            result = subprocess.run([str(chorus_binary()), *command, "--database", url], capture_output=True, text=True,
                                    timeout=CLI_TIMEOUT, env=env, cwd=tmp_path)
            assert result.returncode == 1, (command, url, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and words in lines[0] and "secret" not in lines[0], (command, url, result.stderr)
    assert list(tmp_path.iterdir()) == [], "no file is made for a URL"
