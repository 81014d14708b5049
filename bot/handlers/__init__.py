"""Chat handlers: they translate between Telegram updates and the domain, nothing more."""
