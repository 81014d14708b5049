# Kotobot in a container: slim Python, a non-root user, the database on a volume, and a
# health check that asks the running bot (`kotobot health`: fresh heartbeat, database opens).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    KOTOBOT_DATABASE=/var/lib/kotobot/kotobot.sqlite3 \
    KOTOBOT_BACKUP_DIR=/var/backups/kotobot \
    KOTOBOT_LOG_FORMAT=json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY data ./data
COPY locales ./locales

# An editable install on purpose: the catalogue (data/) and the translations (locales/) are
# read from beside the packages, so the code runs from /app. The translations are compiled
# here, as root, so that the bot's user never needs to write into /app.
RUN pip install -e . \
 && python -c "from bot.i18n import Translators; Translators()" \
 && kotobot catalogue validate \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/kotobot --shell /usr/sbin/nologin kotobot \
 && install -d -o kotobot -g kotobot -m 0750 /var/lib/kotobot /var/backups/kotobot

USER kotobot
VOLUME ["/var/lib/kotobot", "/var/backups/kotobot"]
HEALTHCHECK --interval=60s --timeout=15s --start-period=90s --retries=3 CMD ["kotobot", "health"]
CMD ["kotobot", "run"]
