"""Allow `python -m ourplan.cli`."""

import sys

from ourplan.cli import main

sys.exit(main())
