# Minqing 民情: Node builds the PWA, a slim Python image runs the service.
#   docker build -t minqing .
#   docker run -p 8000:8000 -e MINQING_SECRET_KEY=$(openssl rand -base64 48) minqing

# ── the PWA ────────────────────────────────────────────────────────────────────────────────
FROM node:20-slim AS pwa
WORKDIR /pwa
COPY pwa/package.json pwa/package-lock.json ./
# The lock lists every platform's optional packages: `npm ci` installs from it as it is.
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

# ── the service ────────────────────────────────────────────────────────────────────────────
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MINQING_PWA_DIST=/app/pwa/dist

# The family file PDF needs a CJK font: Noto Sans CJK (backend/measures/familyfile.py).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /app minqing

# The package is installed editable from /app on purpose: backend.config.ROOT is the
# directory above the package, where alembic.ini, migrations/ and pwa/dist live (and the
# default SQLite file, data/minqing.sqlite).
WORKDIR /app
COPY pyproject.toml alembic.ini ./
COPY backend/ backend/
RUN pip install -e .
COPY migrations/ migrations/
COPY --from=pwa /pwa/dist pwa/dist
RUN mkdir -p data && chown minqing:minqing data

USER minqing
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Migrate, then serve; production refuses to start without a real MINQING_SECRET_KEY.
CMD ["sh", "-c", "minqing migrate && exec minqing serve --host 0.0.0.0 --port 8000 --no-migrate"]
