"""The check every writing tool makes: never over its inputs, over an output
only with ``--overwrite``, into a folder only over its own manifest."""
import json
import os
import os.path as osp

from .errors import OutputExistsError

#: The list of files a folder-writing tool wrote, kept in that folder.
MANIFEST = '.se_plugin_written.json'


def same_file(a, b):
    """Whether paths ``a`` and ``b`` are one file (through links too)."""
    if osp.exists(a) and osp.exists(b):
        return osp.samefile(a, b)
    return osp.realpath(a) == osp.realpath(b)


def _inside(path, folder):
    path, folder = osp.realpath(path), osp.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_output(path, inputs=(), overwrite=False, option='--out',
                 flag='--overwrite'):
    """OutputExistsError where file ``path`` is one of ``inputs`` (always)
    or exists (unless ``overwrite``)."""
    name = next((n for n in inputs if n and same_file(n, path)), None)
    if name:
        raise OutputExistsError(
            f'{option} {str(path)!r} is one of the inputs ({name}); the '
            f'tool never writes over its inputs, give another {option}')
    if osp.lexists(path) and not overwrite:
        raise OutputExistsError(
            f'{option} {str(path)!r} exists; pass {flag} to replace it, or '
            f'give another {option}')


def _files(root):
    for folder, _, names in os.walk(root):
        for name in names:
            if name != MANIFEST:
                yield osp.relpath(osp.join(folder, name), root)


def check_output_dir(root, inputs=(), overwrite=False, option='root',
                     flag='--overwrite'):
    """Refuse folder ``root`` where it holds an input, holds files this
    project's tools did not write (always), or holds their earlier output
    (unless ``overwrite``). An empty or missing folder is fine."""
    for name in inputs:
        if name and (_inside(name, root) or _inside(root, name)):
            raise OutputExistsError(
                f'{option} {str(root)!r} overlaps the input {name}; give '
                f'another {option}')
    if not osp.isdir(root):
        if osp.lexists(root):
            raise OutputExistsError(f'{option} {str(root)!r} is a file')
        return
    present = sorted(_files(root))
    if not present:
        return
    try:
        with open(osp.join(root, MANIFEST)) as f:
            written = set(json.load(f)['files'])
    except (OSError, ValueError, KeyError, TypeError):
        written = set()
    foreign = [p for p in present if p not in written]
    if foreign:
        raise OutputExistsError(
            f'{option} {str(root)!r} holds {len(foreign)} file(s) this tool '
            f'did not write (e.g. {foreign[0]}); give an empty or new '
            f'{option}')
    if not overwrite:
        raise OutputExistsError(
            f'{option} {str(root)!r} holds an earlier output; pass {flag} '
            f'to replace it, or give another {option}')


def remove_written(root):
    """Remove the files the manifest of ``root`` lists (an earlier output)."""
    path = osp.join(root, MANIFEST)
    if not osp.exists(path):
        return
    with open(path) as f:
        for name in json.load(f)['files']:
            if osp.lexists(osp.join(root, name)):
                os.remove(osp.join(root, name))
    os.remove(path)


def write_manifest(root):
    """Record the files now in ``root`` as written by the tool."""
    with open(osp.join(root, MANIFEST), 'w') as f:
        json.dump(dict(files=sorted(_files(root))), f, indent=1)


def write_dir(root, write, inputs=(), overwrite=False, option='root'):
    """A folder-writing tool's steps: :func:`check_output_dir`, remove the
    tool's earlier output, ``write()``, record the manifest; returns what
    ``write`` returns."""
    check_output_dir(root, inputs, overwrite, option=option)
    remove_written(root)
    result = write()
    write_manifest(root)
    return result
