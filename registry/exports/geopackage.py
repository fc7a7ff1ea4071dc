"""GeoPackage export: GDAL's ogr2ogr reads the export SELECT straight from PostgreSQL into a temporary file.

Why ogr2ogr, not a table in Python: the rows never pass through the worker (its memory stays flat at
1 M units, bench/export_gpkg.py), GDAL types each column from PostgreSQL's own result types (date → Date,
integer → Integer, double → Real, boolean → Boolean, text → String) whatever the filter and even for an
empty result, NULL stays NULL, and Debian's GDAL writes a GeoPackage version that GDAL 3.6 and QGIS 3.22
open without warnings. The file is then streamed from an unlinked temporary file.

ogr2ogr is a separate client: it sees committed data only, and gets the SELECT with its parameters
inlined by psycopg's own client-side quoting (the same escaping psycopg uses for every literal).
"""

import os
import subprocess
import tempfile

import psycopg
from django.conf import settings
from django.db import connection


class ExportFailed(Exception):
    pass


def inline(sql, params):
    """The SELECT as one statement with its parameters quoted as literals by psycopg."""
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(sql, params)


def _libpq_environment():
    """Connection settings for ogr2ogr as libpq variables: no password on a command line (ps shows those)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or "", "PGPASSWORD": db["PASSWORD"] or "",
           "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGAPPNAME": "leerstand-gpkg-export",
           # GDAL: no attempt to list every table of the database when it only runs our SELECT
           "PG_LIST_ALL_TABLES": "NO"}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if option in db.get("OPTIONS", {}):
            env[variable] = str(db["OPTIONS"][option])
    return {key: value for key, value in env.items() if value != ""}


def temporary_directory():
    base = settings.BASE_DIR / "var"
    return tempfile.mkdtemp(prefix="gpkg-", dir=base if base.is_dir() else None)


def write(sql, params, srid, description):
    """Run ogr2ogr into a temporary GeoPackage; returns an open binary handle of the already unlinked file."""
    directory = temporary_directory()
    query_path = os.path.join(directory, "query.sql")
    target = os.path.join(directory, "units.gpkg")
    try:
        with open(query_path, "w", encoding="utf-8") as query:
            query.write(inline(sql, params))
        command = [
            "ogr2ogr", "-f", "GPKG", target, "PG:", "-sql", "@" + query_path,
            "-nln", "units", "-nlt", "POINT", "-a_srs", f"EPSG:{int(srid)}",
            "-lco", "IDENTIFIER=units", "-lco", f"DESCRIPTION={description}",
            "-gt", "65536",  # rows per transaction: fewer commits, same memory
        ]
        result = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True, timeout=3600)
        if result.returncode != 0 or not os.path.exists(target):
            raise ExportFailed(result.stderr.strip()[-2000:])
        handle = open(target, "rb")
    finally:
        for path in (query_path, target):
            if os.path.exists(path):
                os.unlink(path)  # an open handle keeps the data until the response is sent
        os.rmdir(directory)
    return handle
