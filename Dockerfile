# Web image for docker-compose.yml: Debian 12 with GDAL/GEOS/PROJ from Debian, as on the servers.
# Python packages exactly as locked in requirements.lock (versions and hashes; `bash setup.sh lock`).
FROM debian:12-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
      python3 python3-venv gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext postgresql-client ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN python3 -m venv /venv && /venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY registry ./registry
RUN /venv/bin/pip install --no-deps . && /venv/bin/pip check
COPY . .
RUN /venv/bin/python manage.py compilemessages -v0 --ignore='.venv/*' \
    && DEBUG=false SECRET_KEY=build-only /venv/bin/python manage.py collectstatic --no-input -v0
# Not root: the application's own account owns only what it writes (photos, import uploads).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin leerstand \
    && mkdir -p /app/media /app/var/imports /backups && chown leerstand:leerstand /app/media /app/var/imports /backups
USER leerstand
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/venv/bin/python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4).status != 200)"]
# settings in gunicorn.conf.py (bind 0.0.0.0:8000, WEB_CONCURRENCY workers)
CMD ["/venv/bin/gunicorn", "registry.wsgi"]
