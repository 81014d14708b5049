"""Pure reminder planning: which reminder or digest is due when, with no I/O and no clock reads."""
