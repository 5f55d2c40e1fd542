#!/usr/bin/env python3
"""Write the demo history shipped in the package: jit_core/data/demo_history.npz.

    python3 tools/make_demo_history.py

Deterministic: jit_core.demo.generate() with its fixed seed (DEMO_SEED), 300
SKUs, a 90-day warm-up and a replayed year. The test
tests/jit_core/test_jit_core_demo.py checks that the shipped file is exactly
what this script writes.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jit_core import demo  # noqa: E402

if __name__ == "__main__":
    target = ROOT / "jit_core" / "data" / demo.DEMO_FILE
    demo.save(demo.generate(), target)
    print(f"wrote {target} ({target.stat().st_size} bytes)")
