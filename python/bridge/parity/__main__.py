"""``python -m bridge.parity diff REF.csv CAND.csv [--junit F] [--html F] [--markdown F]``"""
import sys

from .cli import main

sys.exit(main())
