"""Read checkpoints with one-line errors (torch's name neither file nor
fault) and compare them with a model."""
import os
import os.path as osp
import pickle
import re
import zipfile

import torch

from .errors import CheckpointError

# The names mmengine's CheckpointHook gives (filename_tmpl defaults).
STEP_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')
MAX_LISTED = 5


def read_checkpoint(path):
    """Load a checkpoint (or ``.safetensors``) on the CPU, ``weights_only``:
    every read of se_plugin goes here; CheckpointError for a bad file."""
    if osp.isdir(path):
        raise CheckpointError(
            f'{path}: is a folder, not a checkpoint file; give a .pth file '
            '(--resume without a value picks the newest one in the work '
            'dir)')
    if not osp.isfile(path):
        raise CheckpointError(f'{path}: no such file')
    if (size := osp.getsize(path)) == 0:
        raise CheckpointError(f'{path}: the file is empty (0 bytes)')
    if os.fspath(path).endswith('.safetensors'):
        return _read_safetensors(path)
    if not zipfile.is_zipfile(path):
        with open(path, 'rb') as f:
            magic = f.read(4)
        # Zip archives start with 'PK'; a cut one has lost its directory.
        fault = ('truncated (the zip archive torch writes lacks its end)'
                 if magic.startswith(b'PK') else
                 'not a torch checkpoint (torch.save writes a zip archive)')
        raise CheckpointError(f'{path}: {fault}; {size} bytes')
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as error:
        # torch's text goes on with advice to turn weights_only off; keep
        # only what it refused ("Unsupported global: GLOBAL x.Y ...").
        refused = re.search(r'Unsupported global: GLOBAL (\S+)', str(error))
        what = refused[1] if refused else str(error).split('. ')[0]
        raise CheckpointError(
            f'{path}: holds objects that may not be loaded safely ({what} is '
            'not among the allowed types)') from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise CheckpointError(
            f'{path}: not a readable torch checkpoint ({type(error).__name__}'
            f': {str(error).splitlines()[0]})') from None
    if not isinstance(checkpoint, dict):
        raise CheckpointError(
            f'{path}: holds a {type(checkpoint).__name__}, not the dict of a '
            'checkpoint')
    return checkpoint


def _read_safetensors(path):
    from safetensors import SafetensorError  # comes with timm
    from safetensors.torch import load_file
    try:
        return load_file(path)
    except (SafetensorError, OSError) as error:
        raise CheckpointError(f'{path}: not a readable safetensors file '
                              f'({error})') from None


def _listed(items, sep=', '):
    items = sorted(items)
    more = len(items) - MAX_LISTED
    return sep.join(items[:MAX_LISTED]) + (f' and {more} more' if more > 0
                                           else '')


def checkpoint_weights(checkpoint):
    """The weights of a loaded checkpoint as mmengine's ``load_checkpoint``
    reads them: the ``state_dict`` entry if there is one, else the whole
    dict, with a leading ``module.`` (DDP) removed."""
    weights = checkpoint.get('state_dict', checkpoint)
    return {re.sub(r'^module\.', '', k): v for k, v in weights.items()}


def state_mismatch(model_state, checkpoint):
    """One line per kind of mismatch of a checkpoint's weights with
    ``model_state``, empty if they fit (missing BN counters are allowed)."""
    weights = checkpoint_weights(checkpoint)
    if not any(isinstance(v, torch.Tensor) for v in weights.values()):
        return f'it holds no weights (keys: {_listed(map(str, weights))})'
    missing = {k for k in model_state.keys() - weights.keys()
               if not k.endswith('num_batches_tracked')}
    unexpected = weights.keys() - model_state.keys()
    shapes = [f'{k} {tuple(weights[k].shape)} in the checkpoint, '
              f'{tuple(model_state[k].shape)} in the model'
              for k in model_state.keys() & weights.keys()
              if isinstance(weights[k], torch.Tensor)
              and weights[k].shape != model_state[k].shape]
    return '\n'.join(
        f'{len(keys)} {what} keys: {_listed(keys, sep)}'
        for what, keys, sep in (('missing', missing, ', '), (
            'unexpected', unexpected, ', '), ('mis-shaped', shapes, '; '))
        if keys)


def check_resumable(path, checkpoint):
    """CheckpointError for a checkpoint without ``meta.epoch``/``meta.iter``
    or optimizer state (``best_*.pth``, published or converted files)."""
    meta = checkpoint.get('meta')
    lacks = [f'meta.{key}' for key in ('epoch', 'iter')
             if not isinstance(meta, dict) or key not in meta]
    lacks += ['optimizer'] if 'optimizer' not in checkpoint else []
    if lacks:
        raise CheckpointError(
            f'{path}: cannot be resumed, it has no {", ".join(lacks)} (a '
            'weights-only checkpoint); to start a new training from its '
            f'weights, train without --resume and with --cfg-options '
            f'load_from={path}')


def _candidates(work_dir):
    """The work dir's step checkpoints, newest name first per kind."""
    found = {}
    for name in os.listdir(work_dir):
        if match := STEP_NAME.match(name):
            found.setdefault(match[1], []).append(
                (int(match[2]), osp.join(work_dir, name)))
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        # A pointer into another out_dir names a checkpoint we do not list.
        match = STEP_NAME.match(osp.basename(target))
        if match and osp.dirname(osp.abspath(target)) != osp.abspath(
                work_dir):
            found.setdefault(match[1], []).append((int(match[2]), target))
    return [sorted(paths, reverse=True) for paths in found.values()]


def find_resumable(work_dir, logger=None):
    """The newest complete checkpoint of a work dir (``last_checkpoint`` is
    not trusted: docs/user_guides/checkpoints.md); unloadable files are
    named in a warning, nothing resumable raises CheckpointError."""
    if not osp.isdir(work_dir):
        raise CheckpointError(
            f'--resume: the work dir {work_dir} does not exist; train without '
            '--resume to start from scratch')
    best, skipped = None, []
    for paths in _candidates(work_dir):
        for _, path in paths:
            try:
                checkpoint = read_checkpoint(path)
                check_resumable(path, checkpoint)
            except CheckpointError as error:
                skipped.append(path)
                if logger is not None:
                    logger.warning(f'--resume skips {error}')
                continue
            step = checkpoint['meta']['iter']
            if best is None or step > best[0]:
                best = (step, path)
            break
    if best is None:
        tried = f' (none of {_listed(skipped)} can be resumed)' if skipped \
            else ''
        raise CheckpointError(
            f'--resume: no complete checkpoint (epoch_N.pth / iter_N.pth) in '
            f'the work dir {work_dir}{tried}; train without --resume to '
            'start from scratch')
    return best[1]
