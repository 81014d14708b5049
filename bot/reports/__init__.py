"""Files the bot sends instead of text: a status chart (PNG) and workbooks (XLSX).

They render what `bot.domain.summary` computed, in the asker's language, and return bytes
so a handler can send them as a photo or a document without touching the disk.
"""
