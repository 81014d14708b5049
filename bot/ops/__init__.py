"""Running Kotobot for the city: health, backups, logs, retention (no Telegram handlers here)."""
