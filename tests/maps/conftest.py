"""Browser fixtures live in tests/conftest.py (shared with tests/ogc)."""
