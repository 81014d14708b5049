"""Domain rules: rounds, due measures, the report walk, answers, permissions, summaries.

Nothing here knows about Telegram; handlers translate between chat and these functions.
"""
