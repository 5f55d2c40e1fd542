from . import jit_snapshot_backfill
