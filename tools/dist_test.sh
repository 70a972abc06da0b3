#!/usr/bin/env bash
# Test a checkpoint on NPROC processes with torchrun (see dist_train.sh for
# the environment variables).
# Usage: bash tools/dist_test.sh CONFIG CHECKPOINT NPROC [tools/test.py options]
set -euo pipefail
TOOL=test.py exec bash "$(dirname "${BASH_SOURCE[0]}")/dist_train.sh" \
    "$1" "$3" "$2" "${@:4}"
