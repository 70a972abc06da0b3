#!/usr/bin/env bash
# Create or update the virtual environment .venv/ in the repository root.
#
# Safe to run again: a stamp keyed on setup.cfg, setup.py, the start-up
# hook's .pth (a copy in site-packages), constraints.txt and this script
# skips everything when nothing changed, and mmcv is never rebuilt
# once installed. Every install goes through constraints.txt, the exact
# versions of the tested stack (setup.cfg only holds the supported ranges).
#
# mmcv 2.1.0 has no wheel on PyPI for torch 2.14, so it comes from, in order:
#   1. an mmcv-2.1.0 cp311 wheel in $SE_PLUGIN_WHEELS or a $PIP_FIND_LINKS
#      folder (e.g. SE_PLUGIN_WHEELS=../shared/wheels, as .ci/run sets),
#   2. .whl/ (the wheel an earlier source build left there),
#   3. a source build of the PyPI sdist with compiled ops (15-25 min on
#      2 cores), whose wheel is then kept in .whl/.
#
# Environment: PYTHON (default python3.11), SE_PLUGIN_WHEELS, PIP_FIND_LINKS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.se_plugin_setup_stamp"
WHEEL_CACHE="$ROOT/.whl"
CONSTRAINTS="$ROOT/constraints.txt"
MMCV_VERSION="$(sed -n 's/^mmcv==//p' "$CONSTRAINTS")"

log() { echo "[setup_env] $*"; }
die() { echo "[setup_env] ERROR: $*" >&2; exit 1; }

stamp_key() {
    cat "$ROOT/setup.cfg" "$ROOT/setup.py" "$ROOT/se_plugin_hook.pth" \
        "$CONSTRAINTS" "$ROOT/tools/setup_env.sh" | sha256sum | cut -d' ' -f1
}

if [[ -x "$PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_key)" ]]; then
    log ".venv is up to date (delete $STAMP to force a re-install)"
    exit 0
fi

start=$SECONDS
if [[ ! -x "$PY" ]]; then
    BASE_PY="${PYTHON:-python3.11}"
    command -v "$BASE_PY" >/dev/null || die "$BASE_PY not found; install Python 3.11 or set PYTHON=/path/to/python3.11"
    "$BASE_PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' \
        || die "$BASE_PY is not Python 3.11 (PYTHON=$BASE_PY); set PYTHON to a Python 3.11"
    log "creating $VENV with $BASE_PY"
    "$BASE_PY" -m venv "$VENV"
fi

[[ -n "$MMCV_VERSION" ]] || die "no mmcv==<version> line in $CONSTRAINTS"
PIP_ARGS=(--constraint "$CONSTRAINTS")
[[ -n "${SE_PLUGIN_WHEELS:-}" ]] && PIP_ARGS+=(--find-links "$SE_PLUGIN_WHEELS")
pip_install() { "$PY" -m pip install "${PIP_ARGS[@]}" "$@"; }

# mmcv's setup.py imports pkg_resources, which setuptools 80 dropped.
pip_install setuptools wheel
pip_install torch torchvision numpy

mmcv_ok() {
    "$PY" - "$MMCV_VERSION" <<'EOF' 2>/dev/null
import mmcv, sys
assert mmcv.__version__ == sys.argv[1], mmcv.__version__
from mmcv.ops import nms, RoIAlign  # noqa: F401 -- needs the compiled ops
EOF
}

find_mmcv_wheel() {
    local dir whl
    for dir in ${SE_PLUGIN_WHEELS:-} ${PIP_FIND_LINKS:-} "$WHEEL_CACHE"; do
        dir="${dir#file://}"
        [[ -d "$dir" ]] || continue
        for whl in "$dir"/mmcv-$MMCV_VERSION-cp311-cp311-*.whl; do
            [[ -f "$whl" ]] && { echo "$whl"; return 0; }
        done
    done
    return 1
}

build_mmcv_wheel() {
    local src
    src="$(mktemp -d)"
    log "no mmcv-$MMCV_VERSION wheel found: building it from source with ops (15-25 min on 2 cores)"
    # --no-build-isolation: the sdist's metadata step needs the venv's
    # setuptools<80 (pkg_resources) and torch.
    "$PY" -m pip download --no-deps --no-binary :all: --no-build-isolation \
        -d "$src" "mmcv==$MMCV_VERSION"
    tar -xzf "$src/mmcv-$MMCV_VERSION.tar.gz" -C "$src"
    # torch 2.14's headers need C++20; mmcv 2.1.0 asks for C++17.
    sed -i 's/-std=c++17/-std=c++20/g' "$src/mmcv-$MMCV_VERSION/setup.py"
    grep -q -- '-std=c++20' "$src/mmcv-$MMCV_VERSION/setup.py" \
        || die "could not switch mmcv's setup.py to -std=c++20"
    mkdir -p "$WHEEL_CACHE"
    MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" "$PY" -m pip wheel \
        --no-deps --no-build-isolation -w "$WHEEL_CACHE" \
        "$src/mmcv-$MMCV_VERSION"
    rm -rf "$src"
}

if mmcv_ok; then
    log "mmcv $MMCV_VERSION with ops already installed"
else
    if ! whl="$(find_mmcv_wheel)"; then
        build_mmcv_wheel
        whl="$(find_mmcv_wheel)" || die "the mmcv build left no wheel in $WHEEL_CACHE"
    fi
    log "installing $whl"
    pip_install --no-deps --force-reinstall "$whl"
fi

pip_install mmengine mmpretrain mmdet
pip_install --no-build-isolation -e "$ROOT[tests]"

"$PY" - <<'EOF' || die "the environment is broken: mmcv's compiled ops or se_plugin do not import"
import torch
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mmdet, mmengine, mmpretrain, se_plugin  # noqa: F401

boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
_, keep = nms(boxes, torch.tensor([0.9, 0.8]), iou_threshold=0.5)
assert keep.tolist() == [0], keep
print('[setup_env] mmcv', __import__('mmcv').__version__, 'ops work; torch',
      torch.__version__, '; mmengine', mmengine.__version__,
      '; mmpretrain', mmpretrain.__version__, '; mmdet', mmdet.__version__)
EOF

stamp_key > "$STAMP"
log "done in $((SECONDS - start)) s"
