"""Plumbing shared by every machine-readable surface (exports, OGC API, the seekers' API): who asks (API token
or session), errors as JSON, streaming out of PostgreSQL's COPY. A neutral module below those surfaces, so none
of them imports another's views (as healthchecks keeps hc/api/decorators.py)."""
