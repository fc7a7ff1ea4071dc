import pytest

from .production import collectstatic, database_url, production_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic with DEBUG=false (hashed names, manifest) once for all production-mode tests."""
    folder = tmp_path_factory.mktemp("production")
    collectstatic(production_env(folder, database_url("unused")))
    return folder / "static"
