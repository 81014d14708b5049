"""Translated words for the core's values (statuses, schedules, targets, unit names), shared
by chat messages, files and the command line. No Telegram here."""
