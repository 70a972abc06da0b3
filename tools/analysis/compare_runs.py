"""Compare finished runs arm by arm: is SE's gain more than seed noise?

Each WORK_DIR is one finished ``tools/train.py`` run (one seed). Runs are
grouped into arms by the config file mmengine dumped in the work dir (its
name, e.g. ``se_resnet110_cifar10.py``), or by ``--arm`` (one label per
WORK_DIR, in order). For each arm: mean +- sample std of the final value of
``--metric`` (the last one logged in ``vis_data/scalars.json``); for each
other arm against the first (or ``--baseline``): the difference of means,
its 95% confidence interval and Welch's t-test (unequal variances;
scipy's). ``--plot`` draws the metric's curves, one thin line per run and
the arm's mean bold::

    python tools/analysis/compare_runs.py work_dirs/resnet20_s* \\
        work_dirs/se_resnet20_s* --plot compare.png
"""
import argparse
import json
import math
import statistics
import sys
from collections import OrderedDict
from pathlib import Path

import matplotlib

matplotlib.use('Agg')  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from scipy import stats  # noqa: E402

from se_plugin.engine.errors import OutputExistsError  # noqa: E402
from se_plugin.engine.outputs import check_output  # noqa: E402


class RunError(ValueError):
    """A work dir or option that cannot be compared."""


def scalars_file(work_dir: Path) -> Path:
    """The newest run's ``vis_data/scalars.json`` of a work dir."""
    if not work_dir.is_dir():
        raise RunError(f'{work_dir}: not a directory')
    files = sorted(work_dir.glob('*/vis_data/scalars.json'))
    if not files:
        raise RunError(f'{work_dir}: no */vis_data/scalars.json (not a '
                       'finished tools/train.py run?)')
    return files[-1]


def read_curve(work_dir: Path, metric: str):
    """``[(step, value), ...]`` of ``metric`` in a work dir's log."""
    path = scalars_file(work_dir)
    curve, keys = [], set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise RunError(f'{path}:{number}: not JSON ({e})') from None
        keys.update(record)
        if metric in record:
            curve.append((record.get('step', len(curve)),
                          float(record[metric])))
    if not curve:
        raise RunError(f'{path}: no {metric!r}; logged keys: '
                       f'{sorted(keys - {"step"})}')
    return curve


def config_arm(work_dir: Path) -> str:
    """The name of the config mmengine dumped into the work dir."""
    names = sorted(p.name for p in work_dir.glob('*.py'))
    if len(names) != 1:
        raise RunError(f'{work_dir}: {len(names)} config files {names}; '
                       'expected the one tools/train.py dumps (or use --arm)')
    return names[0]


def group(work_dirs, arms=None):
    """``{arm: [work_dir, ...]}`` in order of first appearance."""
    if arms is not None and len(arms) != len(work_dirs):
        raise RunError(f'--arm has {len(arms)} labels for {len(work_dirs)} '
                       'work dirs; give one label per work dir')
    groups = OrderedDict()
    for i, work_dir in enumerate(work_dirs):
        scalars_file(work_dir)  # a run at all, before its arm
        arm = arms[i] if arms is not None else config_arm(work_dir)
        groups.setdefault(arm, []).append(work_dir)
    return groups


def summary(values):
    """``(n, mean, sample std)``."""
    return len(values), statistics.fmean(values), statistics.stdev(values)


def welch(a, b, level=0.95):
    """Difference of means ``mean(b) - mean(a)``, its confidence interval
    (Welch-Satterthwaite degrees of freedom) and Welch's two-sided p."""
    (na, ma, sa), (nb, mb, sb) = summary(a), summary(b)
    va, vb = sa**2 / na, sb**2 / nb
    diff = mb - ma
    se = math.sqrt(va + vb)
    if se == 0:
        return dict(diff=diff, low=diff, high=diff, df=float('nan'),
                    t=float('nan'), p=float('nan'))
    df = (va + vb)**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    test = stats.ttest_ind(b, a, equal_var=False)
    return dict(diff=diff, low=diff - half, high=diff + half, df=df,
                t=float(test.statistic), p=float(test.pvalue))


def compare(groups, metric, baseline=None):
    """The table's rows and the differences against the baseline arm."""
    finals = OrderedDict()
    for arm, dirs in groups.items():
        if len(dirs) < 2:
            raise RunError(f'arm {arm!r} has {len(dirs)} run; a standard '
                           'deviation needs at least 2 (seeds)')
        finals[arm] = [read_curve(d, metric)[-1][1] for d in dirs]
    if baseline is None:
        baseline = next(iter(finals))
    if baseline not in finals:
        raise RunError(f'--baseline {baseline!r} is not an arm; arms: '
                       f'{list(finals)}')
    rows = {arm: summary(v) for arm, v in finals.items()}
    diffs = {arm: welch(finals[baseline], v)
             for arm, v in finals.items() if arm != baseline}
    return rows, baseline, diffs


def format_report(rows, baseline, diffs, metric):
    lines = [f'{"arm":<40} {"n":>3} {metric + " mean +- std":>28}']
    for arm, (n, mean, std) in rows.items():
        lines.append(f'{arm:<40} {n:>3} {mean:>19.3f} +- {std:.3f}')
    for arm, d in diffs.items():
        lines.append(
            f'{arm} - {baseline}: {d["diff"]:+.3f} (95% CI '
            f'[{d["low"]:+.3f}, {d["high"]:+.3f}]), Welch t={d["t"]:.3f}, '
            f'df={d["df"]:.2f}, p={d["p"]:.2g}')
    return '\n'.join(lines)


def plot(groups, metric, out: Path):
    fig, ax = plt.subplots(figsize=(6, 4))
    for color, (arm, dirs) in zip(plt.rcParams['axes.prop_cycle'].by_key()
                                  ['color'] * 8, groups.items()):
        curves = [read_curve(d, metric) for d in dirs]
        for curve in curves:
            ax.plot(*zip(*curve), color=color, alpha=0.3, linewidth=0.8)
        steps = [s for s, _ in curves[0]]
        if all([s for s, _ in c] == steps for c in curves):
            mean = [statistics.fmean(v) for v in zip(
                *[[x for _, x in c] for c in curves])]
            ax.plot(steps, mean, color=color, linewidth=2,
                    label=f'{arm} (mean of {len(curves)})')
    ax.set_xlabel('step')
    ax.set_ylabel(metric)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+', type=Path, metavar='WORK_DIR')
    parser.add_argument('--metric', default='accuracy/top1',
                        help='key in scalars.json (default: accuracy/top1)')
    parser.add_argument('--arm', nargs='+', help='one arm label per WORK_DIR')
    parser.add_argument('--baseline', help='arm the others are compared to '
                        '(default: the first)')
    parser.add_argument('--plot', type=Path, help='PNG of the curves '
                        '(an existing file only with --overwrite)')
    parser.add_argument('--overwrite', action='store_true',
                        help='let --plot replace an existing file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.plot is not None:
            check_output(args.plot, args.work_dirs, args.overwrite,
                         option='--plot')
        groups = group(args.work_dirs, args.arm)
        rows, baseline, diffs = compare(groups, args.metric, args.baseline)
        print(format_report(rows, baseline, diffs, args.metric))
        if args.plot is not None:
            plot(groups, args.metric, args.plot)
    except (RunError, OutputExistsError) as e:
        sys.exit(f'error: {e}')
    return rows, diffs


if __name__ == '__main__':
    main()
