"""Chart of SE's time cost from ``benchmark_speed.py``'s JSON files.

One group of bars per mode (``infer-1``, ``infer-32``, ``train-32``, ...),
one bar per SE implementation: the median SE / baseline ratio of the
interleaved rounds, with the quartiles as error bars::

    python tools/analysis/plot_speed.py work_dirs/speed_cpu_b1.json \\
        work_dirs/speed_cpu_b32.json --out docs/_static/speed_ratios.png
"""
import argparse
import json

import matplotlib

matplotlib.use('Agg')  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402


def read_ratios(paths):
    """``{mode: {model: ratio dict}}`` from the files, in their order."""
    modes = {}
    for path in paths:
        with open(path) as f:
            results = json.load(f)
        if 'modes' not in results:
            raise ValueError(f'{path}: no "modes" key; expected the JSON '
                             f'that benchmark_speed.py --out writes')
        for mode, data in results['modes'].items():
            modes[mode] = data['ratios']
    return modes


def plot(modes, out, title):
    models = sorted({m for ratios in modes.values() for m in ratios})
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(4 + 1.6 * len(modes), 3.6))
    for i, model in enumerate(models):
        xs, medians, lower, upper = [], [], [], []
        for x, ratios in enumerate(modes.values()):
            if model in ratios:
                r = ratios[model]
                xs.append(x + (i - (len(models) - 1) / 2) * width)
                medians.append(r['median'])
                lower.append(r['median'] - r['q1'])
                upper.append(r['q3'] - r['median'])
        ax.bar(xs, medians, width, yerr=[lower, upper], capsize=2,
               label=model)
        for x, median, up in zip(xs, medians, upper):
            ax.text(x, median + up + 0.004, f'{median:.3f}', fontsize=7,
                    ha='center', va='bottom')
    ax.axhline(1.0, color='black', linewidth=0.8, linestyle='--')
    ax.set_xticks(range(len(modes)), list(modes))
    ax.set_ylim(0.9, max(1.1, ax.get_ylim()[1] + 0.02))
    ax.set_ylabel('time SE-ResNet-50 / ResNet-50')
    ax.set_title(title)
    ax.legend(fontsize='small', loc='upper left', bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('jsons', nargs='+', help='benchmark_speed.py output')
    parser.add_argument('--out', required=True, help='PNG file to write')
    parser.add_argument('--title', default='What SE costs in time')
    args = parser.parse_args(argv)
    plot(read_ratios(args.jsons), args.out, args.title)
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
