#!/usr/bin/env bash
# The README's main command: set up .venv-demo/ (once: classification only,
# with mmcv-lite, so nothing is compiled; see tools/setup_env.sh), write
# scikit-learn's digits to data/digits/ (once), train SE-ResNet-18 on them
# and print the validation accuracy. Arguments go to tools/train.py, e.g.
# `--cfg-options train_cfg.max_epochs=3`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup_env.sh" --demo
cd "$ROOT"
PY=.venv-demo/bin/python
CONFIG=configs/digits/se_resnet18_digits.py
DATA=data/digits
WORK_DIR="${WORK_DIR:-work_dirs/se_resnet18_digits}"

if [[ ! -f "$DATA/meta/val.txt" ]]; then
    "$PY" tools/dataset_converters/prepare_digits.py "$DATA"
fi
start=$SECONDS
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
# The checkpoint hook records the path of the last checkpoint it saved.
"$PY" tools/test.py "$CONFIG" "$(cat "$WORK_DIR/last_checkpoint")" \
    --work-dir "$WORK_DIR" --out "$WORK_DIR/val_metrics.json"
"$PY" - "$WORK_DIR/val_metrics.json" "$((SECONDS - start))" <<'PYEOF'
import json, sys
top1 = json.load(open(sys.argv[1]))['accuracy/top1']
print(f'\n==> SE-ResNet-18 on the digits validation split (360 images): '
      f'top-1 accuracy {top1:.2f}% (training + test: {sys.argv[2]} s)')
PYEOF
