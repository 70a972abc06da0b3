#!/usr/bin/env bash
# The README's test command: set up .venv/ (once; see tools/setup_env.sh) and
# run the test suite. Arguments go to pytest, e.g. `-m slow` for the slow
# demonstrations that the suite leaves out by default.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh"
cd "$ROOT"
# The venv's tools (ninja, for SELayer(cpu_kernel=True)'s C++ build) on PATH.
export PATH="$ROOT/.venv/bin:$PATH"
# exec: pytest's exit status is the script's (5 = no tests collected).
exec .venv/bin/python -m pytest tests/ --durations=15 "$@"
