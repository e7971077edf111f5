# syntax=docker/dockerfile:1
FROM python:3.11.7-slim-bookworm AS build
WORKDIR /app
COPY requirements/main.lock requirements/main.lock
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r requirements/main.lock

FROM python:3.11.7-slim-bookworm
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/data
RUN useradd --create-home --uid 10001 bot \
    && mkdir /data \
    && chown bot:bot /data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=root:root *.py ./
COPY --chown=root:root btcturk ./btcturk
COPY --chown=root:root core ./core
COPY --chown=root:root fakes ./fakes
COPY --chown=root:root handlers ./handlers
COPY --chown=root:root services ./services
COPY --chown=root:root store ./store
USER 10001:10001
VOLUME ["/data"]
CMD ["python", "bot.py"]
