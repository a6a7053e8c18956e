"""Start-up work that depends on no policy, done once in the forkserver of a run's worker pool.

`BatchProcessor` has the forkserver import this module: every pool worker is forked from it, so
each starts with the core imported and with what every policy's registry reads on first use
already built (measured in `benchmarks/startup.py --part registry`): the coded recognizers'
class-level patterns, the first-name lexicon (a parse of gender-guesser's 48,000-name
dictionary) and the place names. The same functions run, only earlier and once: detection is
unchanged.

Nothing here may stop the forkserver (it would break the pool before any worker starts): on any
error the warm-up is left undone and each worker builds what it needs itself, meeting (and
reporting) the error where a run without the warm-up would.
"""

from __future__ import annotations

from . import pipeline  # noqa: F401  (the core: spaCy, Presidio, pyarrow)


def warm() -> None:
    from . import places
    from .names import ambiguous_first_names, first_names, world_first_names
    from .recognizers import registered
    from .recognizers.salutation_name import _known_first_names
    from .runtime import configure_runtime

    configure_runtime()  # before any recognizer module is imported, as `build_registry` does
    registered()
    first_names(), world_first_names(), ambiguous_first_names()
    _known_first_names()
    places.regions()


try:
    warm()
except Exception:  # noqa: BLE001, S110  (see the module docstring)
    pass
