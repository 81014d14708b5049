"""Everything that renders or parses Telegram things: message texts (HTML), keyboards and
their checked callback payloads, notices, the digest's parts, and the Telegram side of the
outreach port (`messenger`). Handlers and jobs call into it; the core never does."""
