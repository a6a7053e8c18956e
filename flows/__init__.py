"""Prefect flows over the `redaction` core.

Importing this package turns Prefect's telemetry off (server analytics and the client's usage
events) before Prefect itself is imported: Scrubline must run air-gapped. Users who want
Prefect telemetry can set the variables explicitly; setdefault leaves their choice alone.
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
