"""The house's rules, checked: the layers and import contracts in pyproject.toml (run with
the project's own `lint-imports`), and handlers that reach data only through use cases."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], check=False, cwd=ROOT, capture_output=True,
                            text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout



def test_handlers_never_touch_storage_themselves() -> None:
    """`bot/handlers/` translates between Telegram and the use cases: every read or write goes
    through `services.reporting`, `services.people`, … never `services.storage.*`."""
    offenders = []
    for path in sorted((ROOT / "bot" / "handlers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "storage":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
