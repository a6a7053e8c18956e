"""Process-wide settings every Scrubline process applies before detection starts.

* Air-gapped: Presidio's email and URL recognizers call tldextract, whose default extractor
  fetches the public suffix list on first use; point it at the snapshot bundled with the package.
* No PII in logs: Presidio logs raw text at DEBUG level (the context words around each match,
  for one), so its loggers are held at WARNING whatever level the application sets.
"""

from __future__ import annotations

import logging
import os

# Third-party loggers known to log record text below WARNING.
TEXT_LOGGING_LIBRARIES = ("presidio-analyzer", "presidio-anonymizer")

_configured = False


def configure_runtime() -> None:
    """Idempotent: call before building any analyzer."""
    global _configured
    if _configured:
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import tldextract
    import tldextract.tldextract as _tld

    # suffix_list_urls=() means "use the bundled snapshot"; cache_dir=None means no disk cache.
    _tld.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    for name in TEXT_LOGGING_LIBRARIES:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        logger.addFilter(_drop_other_language_notices)
    _configured = True


def _drop_other_language_notices(record: logging.LogRecord) -> bool:
    # Presidio warns once per predefined recognizer of every language the policy does not use.
    return not str(record.msg).startswith("Recognizer not added to registry because language")
