# Web image for docker-compose.yml: Debian 12 with GDAL/GEOS/PROJ from Debian, as on the servers.
FROM debian:12-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends \
      python3 python3-venv gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext postgresql-client ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY registry ./registry
RUN python3 -m venv /venv && /venv/bin/pip install --upgrade pip && /venv/bin/pip install .
COPY . .
RUN /venv/bin/python manage.py compilemessages -v0 --ignore='.venv/*' \
    && DEBUG=false SECRET_KEY=build-only /venv/bin/python manage.py collectstatic --no-input -v0
EXPOSE 8000
# settings in gunicorn.conf.py (bind 0.0.0.0:8000, WEB_CONCURRENCY workers)
CMD ["/venv/bin/gunicorn", "registry.wsgi"]
