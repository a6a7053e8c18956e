"""Reverse `encrypt` actions for authorised users: `<ENC:...>` tokens back to their values.

The output holds personal data again: it is written with owner-only permissions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from .anonymize import decrypt_text
from .errors import InputError
from .io import atomic_write
from .keys import Key


def _reveal(value: Any, key: Key) -> Any:
    if isinstance(value, str):
        return decrypt_text(value, key)
    if isinstance(value, dict):
        return {k: _reveal(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v, key) for v in value]
    return value


def decrypt_dataset(source: str | os.PathLike[str], out: str | os.PathLike[str], key: Key) -> int:
    """Decrypt every record of a redacted Parquet dataset (a folder or file) or a JSONL file."""
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    lines: list[str] = []
    if source.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        with source.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except ValueError:
                        raise InputError(f"{source}: line {number} is not JSON") from None
                    lines.append(json.dumps(_reveal(record, key), ensure_ascii=False, default=str))
    else:
        dataset = ds.dataset(source, format="parquet")
        for batch in dataset.to_batches():
            for record in batch.to_pylist():
                lines.append(json.dumps(_reveal(record, key), ensure_ascii=False, default=str))

    def write(tmp: str) -> None:
        os.chmod(tmp, 0o600)
        Path(tmp).write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    atomic_write(Path(out), write)
    return len(lines)
