"""What a run needs that no orchestrator does, checked before one starts.

Starting a Prefect server costs seconds (minutes on a loaded machine); a missing input, an
output folder on a read-only or full disk, a model that is not installed or a malformed key
should cost none. Each check raises the error the run would have met later, in one line, and
leaves nothing behind (a brand-new installation stays as it was: no folder, no key).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError
from .home import scrubline_home
from .io import Source, discover_inputs
from .policy import Action, Policy

_KEY_ACTIONS = {
    Action.HASH: "hash",
    Action.PSEUDONYMIZE: "pseudonym",
    Action.SURROGATE: "pseudonym",
    Action.ENCRYPT: "encrypt",
}
PROBE_BYTES = 64 * 1024  # a folder that cannot take this cannot take a batch


def check_run(
    policy: Policy,
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    audit: bool = True,
) -> list[Source]:
    """The run's sources, once every check passed: inputs exist and read to their end, the
    policy's spaCy models are installed, its keys (and the audit key) are well-formed where they
    exist, and the output folder and SCRUBLINE_HOME can be written."""
    from .detect import check_models_installed
    from .keys import check_key

    sources = discover_inputs(inputs)
    check_models_installed(policy)
    names = [
        getattr(policy.keys, purpose)
        for action, purpose in _KEY_ACTIONS.items()
        if action in policy.actions_used()
    ]
    if audit:
        from .audit.store import AUDIT_KEY_ENV

        names.append(AUDIT_KEY_ENV)
    for name in names:
        check_key(name)
    check_writable(Path(out), "output folder", "choose another --out")
    check_writable(scrubline_home(create=False), "SCRUBLINE_HOME", "point SCRUBLINE_HOME elsewhere")
    return sources


_CHECKED_RECOGNIZERS: set[str] = set()


def check_recognizers(policy: Policy) -> None:
    """Raise PolicyError when an entity of the policy has no recognizer (`build_registry`'s
    check), building the registry once per policy content and process: the CLI checks the policy
    before Prefect starts and the flow's first task checks it again in the same process. Only a
    pass is remembered: a failing policy is checked (and fails) every time."""
    key = policy.content_hash()
    if key in _CHECKED_RECOGNIZERS:
        return
    from .detect import build_registry

    build_registry(policy)
    _CHECKED_RECOGNIZERS.add(key)


def check_writable(folder: Path, what: str, fix: str) -> None:
    """Write (and remove) a small file where `folder` is, or would be created."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{folder}: the {what} cannot be created ({existing} is not a folder); {fix}")
    probe = existing / f".scrubline-write-check-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        reason = {errno.ENOSPC: "no space left on device", errno.EROFS: "read-only file system"}.get(
            exc.errno, (exc.strerror or str(exc)).lower()
        )
        raise OutputError(f"{folder}: the {what} cannot be written ({reason}); {fix}") from None
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass
