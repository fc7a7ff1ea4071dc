"""gunicorn's settings for production (read from the working directory by `gunicorn registry.wsgi`):
the Dockerfile's CMD, `bash setup.sh serve` and tests/ops/test_production.py all start it this way.

GUNICORN_BIND: address:port (default 0.0.0.0:8000 in the container; setup.sh serve uses 127.0.0.1:8000).
WEB_CONCURRENCY: worker processes (default 3). Large exports stream, hence the generous timeout.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 120
graceful_timeout = 30
# The application's own address logic (registry.ops.clients, TRUSTED_PROXY_COUNT) decides what to
# believe of X-Forwarded-*; gunicorn passes the headers through unchanged.
forwarded_allow_ips = "127.0.0.1"
