#!/usr/bin/env bash
# Create or update a virtual environment in the repository root:
#   bash tools/setup_env.sh          .venv/: the full stack that CI tests
#                                    (mmcv with compiled ops, the tests,
#                                    seg and pose extras)
#   bash tools/setup_env.sh --demo   .venv-demo/: classification only, with
#                                    mmcv-lite (pure Python, nothing built)
# The two are separate folders: neither command touches the other's, so
# running them in any order never breaks one.
#
# Safe to run again: a stamp keyed on setup.cfg, setup.py, the start-up
# hook's .pth (a copy in site-packages), constraints.txt and this script
# skips everything when nothing changed, and mmcv is never rebuilt
# once installed. Every install goes through constraints.txt, the exact
# versions of the tested stack (setup.cfg only holds the supported ranges).
#
# mmcv and mmcv-lite are two distributions of the one `mmcv` module; a venv
# holds exactly one of them (select_mmcv). mmcv 2.1.0 with ops has no wheel
# on PyPI for torch 2.14, so it comes from, in order:
#   1. an mmcv-2.1.0 cp311 wheel in $SE_PLUGIN_WHEELS or a $PIP_FIND_LINKS
#      folder (e.g. SE_PLUGIN_WHEELS=../shared/wheels, as .ci/run sets),
#   2. .whl/ (the wheel an earlier source build left there),
#   3. a source build of the PyPI sdist with compiled ops (15-25 min on
#      2 cores), whose wheel is then kept in .whl/.
#
# Environment: PYTHON (default python3.11), SE_PLUGIN_WHEELS, PIP_FIND_LINKS.
# Sourced (`source tools/setup_env.sh [--demo]`), it only defines the
# functions and settings, for tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONSTRAINTS="$ROOT/constraints.txt"
WHEEL_CACHE="$ROOT/.whl"
MMCV_VERSION="$(sed -n 's/^mmcv==//p' "$CONSTRAINTS")"

log() { echo "[setup_env] $*"; }
die() { echo "[setup_env] ERROR: $*" >&2; exit 1; }

case "${1:-}" in
    '') VENV="$ROOT/.venv" MMCV_DIST=mmcv ;;
    --demo) VENV="$ROOT/.venv-demo" MMCV_DIST=mmcv-lite ;;
    *) die "unknown argument '$1': give none (the full stack in .venv/) or --demo (classification with mmcv-lite in .venv-demo/)" ;;
esac
PY="$VENV/bin/python"
STAMP="$VENV/.se_plugin_setup_stamp"

stamp_key() {
    cat "$ROOT/setup.cfg" "$ROOT/setup.py" "$ROOT/se_plugin_hook.pth" \
        "$CONSTRAINTS" "$ROOT/tools/setup_env.sh" | sha256sum | cut -d' ' -f1
}

pip_install() {
    local args=(--constraint "$CONSTRAINTS")
    [[ -n "${SE_PLUGIN_WHEELS:-}" ]] && args+=(--find-links "$SE_PLUGIN_WHEELS")
    "$PY" -m pip install "${args[@]}" "$@"
}

# Exit status 0 when the venv's mmcv is $MMCV_VERSION from $MMCV_DIST alone,
# with all of its files, and (unless $1 is --files-only: mmcv's own
# dependencies may not be installed yet) imports, with mmcv's compiled ops;
# else prints what is wrong.
mmcv_ok() {
    "$PY" - "$MMCV_DIST" "$MMCV_VERSION" "${1:-}" <<'PYEOF'
import importlib.metadata as md
import sys

dist, wanted, only = sys.argv[1:]
other = {'mmcv': 'mmcv-lite', 'mmcv-lite': 'mmcv'}[dist]
try:
    md.distribution(other)
    sys.exit(f'{other} is installed too (the same mmcv module)')
except md.PackageNotFoundError:
    pass
try:
    found = md.distribution(dist)
except md.PackageNotFoundError:
    sys.exit(f'no {dist}')
if found.version != wanted:
    sys.exit(f'{dist} {found.version}, not {wanted}')
missing = [f for f in found.files or () if not f.locate().exists()]
if missing:
    sys.exit(f'{dist} lacks {len(missing)} of its files, e.g. {missing[0]}')
if only == '--files-only':
    sys.exit(0)
import mmcv  # noqa: E402
if dist == 'mmcv':
    from mmcv.ops import RoIAlign, nms  # noqa: F401 -- the compiled ops
PYEOF
}

# Install $MMCV_DIST from "$@" (a wheel or a requirement) as the venv's only
# distribution of the mmcv module: the other one is uninstalled first (its
# uninstall removes the files they share, so the wanted one is always
# reinstalled whole). The stamp goes first: a run stopped half-way repeats
# all of this next time.
select_mmcv() {
    local other=mmcv
    [[ "$MMCV_DIST" == mmcv ]] && other=mmcv-lite
    rm -f "$STAMP"
    if "$PY" -m pip show -q "$other" >/dev/null 2>&1; then
        log "uninstalling $other: $MMCV_DIST replaces it (the same mmcv module)"
        "$PY" -m pip uninstall -y "$other"
    fi
    pip_install --no-deps --force-reinstall "$@"
    local problem
    problem="$(mmcv_ok --files-only 2>&1)" || die "mmcv after installing $*: $problem"
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

# The demo's stack: everything from wheels, mmcv-lite (classification needs
# no mmcv ops), scikit-learn for the digits. --no-compile: Python compiles
# the modules the demo imports on first use, not all of torch's (27 of the
# install's 66 CPU-seconds; docs/get_started/quick_run.md).
install_demo() {
    pip_install --no-compile setuptools wheel torch torchvision numpy \
        mmengine mmpretrain mmdet scikit-learn
    mmcv_ok 2>/dev/null || select_mmcv "mmcv-lite==$MMCV_VERSION"
    pip_install --no-build-isolation -e "$ROOT"
    "$PY" - <<'PYEOF' || die "the demo environment is broken: mmcv-lite or se_plugin do not import"
import mmcv, mmengine, mmpretrain, torch, se_plugin  # noqa: F401
print('[setup_env] mmcv-lite', mmcv.__version__, '; torch', torch.__version__,
      '; mmengine', mmengine.__version__, '; mmpretrain', mmpretrain.__version__)
PYEOF
}

# The full stack of the tests and detection: mmcv with compiled ops.
install_full() {
    # mmcv's setup.py imports pkg_resources, which setuptools 80 dropped.
    pip_install setuptools wheel
    pip_install torch torchvision numpy
    if mmcv_ok 2>/dev/null; then
        log "mmcv $MMCV_VERSION with ops already installed"
    else
        local whl
        if ! whl="$(find_mmcv_wheel)"; then
            build_mmcv_wheel
            whl="$(find_mmcv_wheel)" || die "the mmcv build left no wheel in $WHEEL_CACHE"
        fi
        log "installing $whl"
        select_mmcv "$whl"
    fi
    pip_install mmengine mmpretrain mmdet
    # seg, pose: mmsegmentation and mmpose (pip warns while an extra is not
    # declared yet).
    pip_install --no-build-isolation -e "$ROOT[tests,seg,pose]"
    "$PY" - <<'PYEOF' || die "the environment is broken: mmcv's compiled ops or se_plugin do not import"
import torch
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mmdet, mmengine, mmpretrain, se_plugin  # noqa: F401

boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
_, keep = nms(boxes, torch.tensor([0.9, 0.8]), iou_threshold=0.5)
assert keep.tolist() == [0], keep
print('[setup_env] mmcv', __import__('mmcv').__version__, 'ops work; torch',
      torch.__version__, '; mmengine', mmengine.__version__,
      '; mmpretrain', mmpretrain.__version__, '; mmdet', mmdet.__version__)
PYEOF
}

main() {
    if [[ -x "$PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_key)" ]]; then
        log "${VENV#"$ROOT/"} is up to date (delete $STAMP to force a re-install)"
        exit 0
    fi
    local start=$SECONDS
    if [[ ! -x "$PY" ]]; then
        local base_py="${PYTHON:-python3.11}"
        command -v "$base_py" >/dev/null || die "$base_py not found; install Python 3.11 or set PYTHON=/path/to/python3.11"
        "$base_py" -c 'import sys; assert sys.version_info[:2] == (3, 11)' \
            || die "$base_py is not Python 3.11 (PYTHON=$base_py); set PYTHON to a Python 3.11"
        log "creating $VENV with $base_py"
        "$base_py" -m venv "$VENV"
    fi
    [[ -n "$MMCV_VERSION" ]] || die "no mmcv==<version> line in $CONSTRAINTS"
    if [[ "$MMCV_DIST" == mmcv ]]; then install_full; else install_demo; fi
    stamp_key > "$STAMP"
    log "done in $((SECONDS - start)) s"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main
fi
