"""What the process builds at start-up lives as long as the process: keep it out of the
cyclic garbage collector's full collections.

Why: a full collection walks every object the collector tracks. The catalogue (its
pydantic models, the index's look-ups) is most of them: about 80,000 objects for the city,
half a million for a synthetic 5,000-unit catalogue. A summary decodes whole rounds, and the
objects it keeps alive while it works make full collections come more often the larger the
round is; each one walked the whole catalogue again, so the summary's cost per unit grew
with the number of units (bench/summary_scaling.py: ×1.46 from 504 to 5,012 units with the
answers already slimmed, 1.16 with the start-up heap frozen). `gc.freeze` moves everything
alive now into a generation collections never walk; nothing in it was ever going to be
freed.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect what start-up left behind, then freeze what is alive; returns how many
    objects were frozen. Call once the application is built (catalogue loaded, handlers
    added), before it starts taking updates."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
