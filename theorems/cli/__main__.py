"""``python -m theorems.cli ...``: the same as ``convac ...``."""

import sys

from theorems.entry import main

sys.exit(main())
