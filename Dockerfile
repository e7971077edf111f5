# syntax=docker/dockerfile:1
# The bot on a pinned slim Python. Dependencies come from the lock file only; the code is
# whatever .dockerignore admits (never .env or state); it runs as an unprivileged user with
# its state on the /data volume. Settings and secrets are given at run time (--env-file).

FROM python:3.11.7-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements/main.lock /tmp/main.lock
RUN python -m venv /venv \
    && /venv/bin/pip install --no-deps -r /tmp/main.lock \
    && /venv/bin/pip check

FROM python:3.11.7-slim-bookworm
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/data
RUN groupadd --gid 10001 bot \
    && useradd --uid 10001 --gid bot --no-log-init --create-home --shell /usr/sbin/nologin bot \
    && mkdir /data \
    && chown bot:bot /data
COPY --from=build /venv /venv
WORKDIR /app
# Root-owned, so the bot cannot change its own code; .dockerignore lists what comes in.
COPY . .
USER 10001:10001
VOLUME ["/data"]
# Healthy while the poll keeps writing DATA_DIR/heartbeat.json (even when BTCTurk is down).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "balance_bot.healthcheck"]
CMD ["python", "-m", "balance_bot"]
