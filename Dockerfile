# syntax=docker/dockerfile:1
#
# CSP Portal production image: one image for the web (gunicorn), worker and beat (Celery) and
# migrate services of docker-compose.yml. Build: `docker build -t csp-portal .`
#
# Stages:
#   assets       Node 20 builds the front end (npm ci && npm run build) into static/dist/.
#   python-deps  compiles the Python dependencies (psycopg2 from source needs gcc and libpq-dev)
#                into a virtualenv, so that no compiler reaches the final image.
#   runtime      Debian libraries WeasyPrint and psycopg2 load at run time, the virtualenv, the
#                project and the built assets; static files collected at build time; runs as a
#                non-root user.
#
# Debian bookworm is named explicitly so that the package names below keep meaning what they mean.

# --- Front-end assets ------------------------------------------------------------------------
FROM node:20-bookworm AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/src static/src
RUN npm run build

# --- Python dependencies, compiled ---------------------------------------------------------
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# --- Runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

# libpq5: psycopg2's client library. Pango, PangoFT2 and HarfBuzz-subset: what WeasyPrint loads
# (they bring GLib, fontconfig and FreeType). fontconfig and DejaVu: a fallback font and a font
# cache built now, so PDF rendering has text even where a stylesheet names no font file.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpq5 \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && fc-cache -f

# The application runs as an unprivileged user. The code stays owned by root, so the process
# cannot change it; it can write only to the media folder and /data (beat's schedule), which are
# volumes in docker-compose.yml and take this ownership when first mounted.
RUN groupadd --system --gid 10001 csp \
    && useradd --system --uid 10001 --gid csp --create-home --home-dir /home/csp \
        --shell /usr/sbin/nologin csp

COPY --from=python-deps /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=csp_portal.settings.production

WORKDIR /app
COPY . .
COPY --from=assets /build/static/dist static/dist

# static/src holds the front end's sources (Sass, the build script); only its output, static/dist,
# is served. collectstatic runs with production settings, which refuse to load without a secret
# key, allowed hosts, a PostgreSQL URL and a Redis URL; it connects to neither, so these
# throwaway values exist for this command only and are not kept in the image's environment.
# The project is compiled to bytecode now: the unprivileged user cannot write it, and every process
# would otherwise compile it again.
RUN rm -rf static/src \
    && python -m compileall -q /app \
    && SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
       ALLOWED_HOSTS=build.invalid \
       DATABASE_URL=postgres://build:build@build.invalid:5432/build \
       REDIS_URL=redis://build.invalid:6379/0 \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/media /data \
    && chown csp:csp /app/media /data

USER csp
EXPOSE 8000
CMD ["gunicorn", "-c", "csp_portal/gunicorn.conf.py", "csp_portal.wsgi:application"]
