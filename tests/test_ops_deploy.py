"""The deployment files: the container image builds (where a Docker engine runs) and the
systemd unit passes `systemd-analyze verify` (where systemd is installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _docker_engine() -> str | None:
    """None if a Docker engine answers, else why not."""
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    probe = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60,
                           check=False)
    if probe.returncode != 0:
        return "no Docker engine is running here (`docker info` failed)"
    return None


def test_container_image_builds_and_runs_kotobot() -> None:
    reason = _docker_engine()
    if reason is not None:
        pytest.skip(reason)
    build = subprocess.run(["docker", "build", "-q", "-t", "kotobot:test", str(ROOT)],
                           capture_output=True, text=True, timeout=1800, check=False)
    assert build.returncode == 0, build.stderr[-3000:]
    user = subprocess.run(["docker", "run", "--rm", "kotobot:test", "id", "-u"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert user.stdout.strip() not in ("", "0"), "the bot must not run as root"
    health = subprocess.run(["docker", "run", "--rm", "kotobot:test", "kotobot", "health"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert health.returncode == 1 and "no database" in health.stderr  # nothing runs yet


def test_compose_reads_env_and_keeps_data_on_volumes() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["kotobot"]
    assert service["env_file"] == ".env" and service["build"] == "."
    mounts = dict(volume.split(":") for volume in service["volumes"])
    assert mounts["kotobot-data"] == "/var/lib/kotobot"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "KOTOBOT_DATABASE=/var/lib/kotobot/" in dockerfile
    assert 'HEALTHCHECK' in dockerfile and '"kotobot", "health"' in dockerfile
    assert "\nUSER kotobot\n" in dockerfile
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()  # no secrets


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    unit = (ROOT / "deploy" / "kotobot.service").read_text(encoding="utf-8")
    for needed in ("Restart=on-failure", "DynamicUser=yes", "StateDirectory=kotobot",
                   "EnvironmentFile=", "ProtectSystem=strict", "NoNewPrivileges=yes"):
        assert needed in unit, needed
    # verify checks that ExecStart exists: point it at this checkout's kotobot
    kotobot = shutil.which("kotobot", path=str(Path(__file__).resolve().parents[1] / ".venv" / "bin"))
    if kotobot is None:
        pytest.skip("no .venv/bin/kotobot in this checkout to stand in for /opt/kotobot")
    local = tmp_path / "kotobot.service"
    local.write_text(unit.replace("/opt/kotobot/.venv/bin/kotobot", kotobot)
                     .replace("WorkingDirectory=/opt/kotobot", f"WorkingDirectory={ROOT}"),
                     encoding="utf-8")
    verify = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True,
                            timeout=120, check=False)
    complaints = [line for line in (verify.stdout + verify.stderr).splitlines()
                  if "kotobot.service" in line]
    assert verify.returncode == 0 and not complaints, verify.stdout + verify.stderr
