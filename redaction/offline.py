"""Keep the pipeline air-gapped: nothing Scrubline loads may reach for the network at run time.

Presidio's email and URL recognizers call tldextract, whose default extractor fetches the
public suffix list on first use. Point it at the snapshot bundled with the package instead.
"""

from __future__ import annotations

import logging
import os

_configured = False


def configure_offline() -> None:
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
    logging.getLogger("presidio-analyzer").addFilter(_drop_other_language_notices)
    _configured = True


def _drop_other_language_notices(record: logging.LogRecord) -> bool:
    # Presidio warns once per predefined recognizer of every language the policy does not use.
    return not str(record.msg).startswith("Recognizer not added to registry because language")
