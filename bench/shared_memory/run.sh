#!/bin/sh
# Shared-memory vs pickle vs np.save exchange benchmark; writes bench/shared_memory/RESULTS.md.
# Usage: bench/shared_memory/run.sh [--max-mib 256]
exec /usr/bin/python3 "$(dirname "$0")/bench.py" "$@"
