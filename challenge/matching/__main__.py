"""Entry point for ``python -m challenge.matching``."""

import sys

from .cli import main

sys.exit(main())
