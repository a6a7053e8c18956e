"""The core never imports Prefect: it must import and run with Prefect unavailable."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_with_prefect_blocked(repo):
    code = (
        "import sys\n"
        "sys.modules['prefect'] = None\n"  # any 'import prefect' now raises ImportError
        "import redaction.policy, redaction.detect, redaction.anonymize, redaction.io, "
        "redaction.pipeline, redaction.fields, redaction.keys, redaction.decrypt, redaction.evaluate\n"
        "from redaction.policy import load_policy\n"
        "load_policy('policies/default.yaml')\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_core_source_never_names_prefect(repo):
    offenders = [
        path.relative_to(repo)
        for path in (repo / "redaction").rglob("*.py")
        if "import prefect" in path.read_text() or "from prefect" in path.read_text()
    ]
    assert offenders == []
