"""Make sure the configured database exists and has the extensions the register needs."""

import psycopg
from psycopg import sql

EXTENSIONS = ("postgis", "btree_gist")


def conninfo(db_settings, dbname=None):
    params = {
        "dbname": dbname or db_settings["NAME"],
        "user": db_settings.get("USER") or None,
        "password": db_settings.get("PASSWORD") or None,
        "host": db_settings.get("HOST") or None,
        "port": db_settings.get("PORT") or None,
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})


def ensure_database(db_settings):
    """Create the database if missing and its extensions; returns a list of what was done."""
    done = []
    name = db_settings["NAME"]
    try:
        psycopg.connect(conninfo(db_settings), connect_timeout=10).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error) and "existiert nicht" not in str(error):
            raise
        with psycopg.connect(conninfo(db_settings, "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        done.append(f"Datenbank {name} angelegt")
    with psycopg.connect(conninfo(db_settings), autocommit=True) as conn:
        for extension in EXTENSIONS:
            exists = conn.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [extension]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension)))
                done.append(f"Erweiterung {extension} angelegt")
    return done
