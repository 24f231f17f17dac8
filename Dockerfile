# The platform's image: one image for web (gunicorn), worker and beat (Celery) and the one-shot
# `setup_platform`. The base is Debian bookworm with its Python 3.11, built locally from Debian's
# packages by deploy/scripts/base-images.sh (or pulled from your own registry under the same name).
ARG BASE_IMAGE=mfd/debian-python:3.11-bookworm

# --- build: the virtualenv and the collected static files ------------------------------------------
FROM ${BASE_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
WORKDIR /app
# dependencies first: this layer is reused while pyproject.toml is unchanged
COPY pyproject.toml ./
RUN /opt/venv/bin/pip install --quiet .
COPY . .
# build settings: production's apps and static storage without its secrets (prod.py refuses to start without
# them); settings need a database URL to import, but nothing connects while collecting static files. The
# development signing key the settings write under .data/ is removed, never shipped.
RUN DJANGO_SETTINGS_MODULE=config.settings.build \
    DATABASE_URL=postgres://build@127.0.0.1:1/build \
    /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf build *.egg-info .data

# --- runtime: no compilers, no pip cache, a non-root user ------------------------------------------
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /var/lib/mfd/media /var/lib/mfd/private /tmp/prometheus \
    && chown -R app:app /var/lib/mfd /tmp/prometheus
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod \
    GUNICORN_BIND=0.0.0.0:8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    MEDIA_ROOT=/var/lib/mfd/media \
    PRIVATE_STORAGE_ROOT=/var/lib/mfd/private
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "config.wsgi", "-c", "deploy/gunicorn.conf.py"]
