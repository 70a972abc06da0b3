#!/usr/bin/env bash
# Train on NPROC processes of this node (or of NNODES nodes) with torchrun.
# Usage: bash tools/dist_train.sh CONFIG NPROC [tools/train.py options]
# Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1),
# PORT (29500), PYTHON (python); TOOL (train.py) is set by dist_test.sh.
set -euo pipefail
CONFIG=$1
NPROC=$2
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PYTHONPATH="$TOOLS/..${PYTHONPATH:+:$PYTHONPATH}" \
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$TOOLS/${TOOL:-train.py}" "$CONFIG" "${@:3}" --launcher pytorch
