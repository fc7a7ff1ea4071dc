#!/usr/bin/env bash
# Set-up of the Leerstandsregister on Debian 12, run as root or with sudo.
#
#   bash setup.sh run    install what is missing, prepare the database, load the demo, serve :8000
#                        (development: Django's runserver, DEBUG on, demo accounts)
#   bash setup.sh serve  production mode: gunicorn, DEBUG=false, SECRET_KEY generated once and kept in
#                        .env, no demo unless LOAD_DEMO=true (README, "Betrieb")
#   bash setup.sh test   the same set-up as run, then the whole test suite
#   bash setup.sh prepare  the set-up alone (used by run and test and by the tests)
#   bash setup.sh lock   re-pin requirements.lock / requirements-test.lock after changing pyproject.toml
#
# Re-running is fast: every step checks first and does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
MODE=${1:-run}
shift || true
ENV_FILE=${ENV_FILE:-$ROOT/.env}
VENV=$ROOT/.venv
PY=$VENV/bin/python
LOCAL_DB_URL="postgres://leerstand:leerstand@127.0.0.1:5432/leerstand"

log() { printf '==> %s\n' "$*"; }
die() { printf 'FEHLER: %s\n' "$*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null || die "Bitte als root oder mit sudo ausführen."; SUDO=sudo; fi

APT_UPDATED=""
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Debian-Pakete: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

system_packages() {
  # GeoDjango links GDAL, GEOS and PROJ from Debian; gdal-bin gives ogrinfo/ogr2ogr.
  apt_install ca-certificates gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext postgresql-client
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3 python3-venv
  # libreoffice-calc-nogui: the CSV export is checked as a double-click in LibreOffice would read it
  if [ "$MODE" = test ]; then apt_install chromium fonts-dejavu-core libreoffice-calc-nogui; fi
}

python_env() {
  [ -x "$PY" ] || { log "Virtuelle Umgebung .venv/"; python3 -m venv "$VENV"; }
  local stamp
  stamp="$VENV/.installed-$(cat pyproject.toml requirements-test.lock | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "Python-Abhängigkeiten (requirements-test.lock: Versionen und Prüfsummen fest)"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q --require-hashes --no-deps -r requirements-test.lock
    "$PY" -m pip install -q --no-deps -e .
    if ! "$PY" -m pip check >/dev/null; then
      # a dependency added to pyproject.toml without re-locking: install it unpinned so that work goes on,
      # and say so loudly (tests/ops/test_container.py fails until the lock files are renewed)
      printf 'WARNUNG: requirements-test.lock passt nicht zu pyproject.toml (%s).\n  Bitte "bash setup.sh lock" ausführen und beide .lock-Dateien committen.\n' \
        "$("$PY" -m pip check | head -3 | tr '\n' ' ')" >&2
      "$PY" -m pip install -q -e ".[test]"
    fi
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

lock() {
  # Pins every package (also indirect ones) with its hashes; the Dockerfile installs requirements.lock,
  # setup.sh requirements-test.lock (the same versions plus the test tools).
  [ -x "$PY" ] || python3 -m venv "$VENV"
  "$PY" -m pip install -q pip-tools
  local compile=("$VENV/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras
                 --no-emit-index-url --no-emit-find-links)
  "${compile[@]}" --output-file requirements.lock pyproject.toml
  "${compile[@]}" --extra test --constraint requirements.lock --output-file requirements-test.lock pyproject.toml
  log "requirements.lock und requirements-test.lock neu geschrieben"
}

dotenv_value() { [ -f "$ENV_FILE" ] && sed -n "s/^$1=//p" "$ENV_FILE" | tail -n1; }

production_env() {
  # The secret key is generated once and kept in .env (mode 600): sessions and links survive restarts.
  touch "$ENV_FILE"
  chmod 600 "$ENV_FILE"
  if [ -z "${SECRET_KEY:-}" ] && [ -z "$(dotenv_value SECRET_KEY)" ]; then
    echo "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" >> "$ENV_FILE"
    log "SECRET_KEY erzeugt und in $ENV_FILE gespeichert"
  fi
  SECRET_KEY=${SECRET_KEY:-$(dotenv_value SECRET_KEY)}
  export SECRET_KEY DEBUG=false
  # Local defaults; a server behind TLS sets HTTPS=true, ALLOWED_HOSTS and TRUSTED_PROXY_COUNT in .env.
  [ -n "${ALLOWED_HOSTS:-}$(dotenv_value ALLOWED_HOSTS)" ] || export ALLOWED_HOSTS=127.0.0.1,localhost
  [ -n "${HTTPS:-}$(dotenv_value HTTPS)" ] || export HTTPS=false
}

configured_database_url() {
  # The URL the application will use: environment first, then .env.
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  if [ -f "$ENV_FILE" ]; then sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n1; fi
}

port_open() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

pg_super() {
  # psql as a superuser of the local server: peer auth on the socket, else trust on TCP.
  if id postgres >/dev/null 2>&1 && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'select 1' >/dev/null 2>&1; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
  else
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres "$@"
  fi
}

local_postgres() {
  if ! port_open; then
    log "PostgreSQL installieren und starten"
    apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -n | tail -n1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
      || $SUDO pg_ctlcluster "$version" main start
    for _ in $(seq 30); do port_open && break; sleep 1; done
    port_open || die "PostgreSQL lauscht nicht auf 127.0.0.1:5432."
  fi
  local major
  major=$(pg_super -tAc 'show server_version_num' | cut -c1-2) || die "Kein Superuser-Zugang zum lokalen PostgreSQL."
  if [ -z "$(pg_super -tAc "select 1 from pg_available_extensions where name = 'postgis'")" ]; then
    apt_install "postgresql-$major-postgis-3"
  fi
  # Superuser because the test runner creates PostGIS in its own databases.
  pg_super -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'leerstand') THEN
        CREATE ROLE leerstand LOGIN SUPERUSER PASSWORD 'leerstand';
      END IF; END \$\$;"
}

database() {
  local url
  url=$(configured_database_url)
  if [ -z "$url" ]; then
    local_postgres
    url=$LOCAL_DB_URL
  elif [ -n "${DATABASE_URL:-}" ]; then
    # Remember the URL so that later `.venv/bin/python manage.py …` needs no environment.
    touch "$ENV_FILE"
    grep -v '^DATABASE_URL=' "$ENV_FILE" > "$ENV_FILE.tmp" || true
    echo "DATABASE_URL=$DATABASE_URL" >> "$ENV_FILE.tmp"
    cat "$ENV_FILE.tmp" > "$ENV_FILE" && rm -f "$ENV_FILE.tmp"  # keeps the file and its mode (600 with a SECRET_KEY)
  fi
  DATABASE_URL=$url "$PY" manage.py ensure_database
}

install() {
  system_packages
  python_env
  database
  log "Migrationen, Übersetzungen"
  "$PY" manage.py migrate --no-input -v0
  "$PY" manage.py compilemessages -v0 --ignore '.venv/*'
}

prepare() {
  install
  log "Statische Dateien, Demodaten"
  "$PY" manage.py collectstatic --no-input -v0
  "$PY" manage.py load_demo
}

background_jobs() {
  # Large imports run as background jobs: the worker takes them from a table in the same database.
  "$PY" manage.py db_worker --no-reload &
  WORKER=$!
  # retention rules (README, Betrieb): inquiries after 12 months, unused import files after a week (hourly)
  "$PY" manage.py housekeeping --every 1 >/dev/null &
  HOUSEKEEPING=$!
  trap 'kill "$WORKER" "$HOUSEKEEPING" 2>/dev/null || true' EXIT
}

case "$MODE" in
  prepare) prepare ;;
  run)
    prepare
    background_jobs
    log "Leerstandsregister läuft auf http://127.0.0.1:8000 (Strg+C beendet; Hintergrundjobs: db_worker)"
    "$PY" manage.py runserver 127.0.0.1:8000 "$@"
    ;;
  serve)
    production_env
    install
    log "Statische Dateien (DEBUG=false: Namen mit Prüfsumme)"
    "$PY" manage.py collectstatic --no-input -v0
    if [ "${LOAD_DEMO:-$(dotenv_value LOAD_DEMO)}" = true ]; then "$PY" manage.py load_demo; fi
    "$PY" manage.py check --deploy --fail-level ERROR
    background_jobs
    export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:${PORT:-8000}}
    log "Leerstandsregister (Produktionsmodus, gunicorn) auf http://$GUNICORN_BIND (Strg+C beendet)"
    "$VENV/bin/gunicorn" registry.wsgi "$@"
    ;;
  lock) lock ;;
  test)
    prepare
    log "ruff (pyproject.toml, [tool.ruff])"
    "$VENV/bin/ruff" check --quiet .
    log "import-linter (pyproject.toml, [tool.importlinter]: Schichten der Apps, keine Importzyklen)"
    # PYTHONPATH: this checkout's registry/, also when the venv's editable install points to another one
    PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/lint-imports" --no-cache
    log "Testsuite"
    # A fresh test database each run: no schema or demo data left over from older code.
    exec "$VENV/bin/pytest" --create-db "$@"
    ;;
  *) die "Unbekannter Modus '$MODE' (run, serve, test, prepare oder lock)." ;;
esac
