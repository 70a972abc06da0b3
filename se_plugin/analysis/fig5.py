"""Writing Fig. 5: raw numbers (npz, CSV) and one plot per SE block."""
import csv
import os
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np


def write_numbers(out_dir: str, record: dict, rows: List[dict],
                  class_names: Sequence[str]) -> Dict[str, str]:
    """Save the recorded gates (npz) and the summary rows (CSV) in
    ``out_dir``; returns the two paths."""
    os.makedirs(out_dir, exist_ok=True)
    arrays = dict(labels=record['labels'], predictions=record['predictions'],
                  indices=np.asarray(record['indices']))
    for block, gates in record['gates'].items():
        arrays[f'gates_{block}'] = gates
        arrays[f'channels_{block}'] = np.asarray(
            sorted({r['channel'] for r in rows if r['block'] == block}))
    paths = dict(npz=osp.join(out_dir, 'excitation.npz'),
                 csv=osp.join(out_dir, 'excitation.csv'))
    np.savez_compressed(paths['npz'], **arrays)
    with open(paths['csv'], 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=[
            'block', 'class', 'class_name', 'channel', 'mean_activation',
            'num_images'])
        writer.writeheader()
        for r in rows:
            writer.writerow({
                'block': r['block'], 'class': r['cls'], 'class_name': 'all'
                if r['cls'] == 'all' else class_names[int(r['cls'])],
                'channel': r['channel'], 'num_images': r['num_images'],
                'mean_activation': repr(r['mean_activation'])})
    return paths


def plot_blocks(out_dir: str, rows: List[dict],
                class_names: Sequence[str]) -> List[str]:
    """One PNG per block: mean activation of each sampled channel, a line
    per class and a dashed black line for all classes (as in Fig. 5).

    Returns:
        list[str]: The PNG paths.
    """
    import matplotlib
    matplotlib.use('Agg')  # files only, no display
    import matplotlib.pyplot as plt

    paths = []
    for block in dict.fromkeys(r['block'] for r in rows):
        fig, ax = plt.subplots(figsize=(5, 3.2))
        block_rows = [r for r in rows if r['block'] == block]
        for cls in dict.fromkeys(r['cls'] for r in block_rows):
            values = [r['mean_activation'] for r in block_rows
                      if r['cls'] == cls]
            if cls == 'all':
                ax.plot(values, 'k--', label='all', linewidth=1.5)
            else:
                ax.plot(values, label=class_names[int(cls)], linewidth=1)
        ax.set(title=block, xlabel='channel index (sampled)',
               ylabel='activation')
        if all(0 <= r['mean_activation'] <= 1 for r in block_rows):
            ax.set_ylim(0, 1.05)  # sigmoid gates: Fig. 5's scale
        ax.legend(fontsize='small', ncol=2)
        fig.tight_layout()
        path = osp.join(out_dir, f'{block}.png')
        fig.savefig(path, dpi=100)
        plt.close(fig)
        paths.append(path)
    return paths
