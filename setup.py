# Metadata lives in setup.cfg; this file lets `pip install -e .` work with
# the setuptools versions mmcv's build needs.
from setuptools import setup

# The repository's configs/, reached through the symlink
# se_plugin/.mim/configs/configs, so that installed packages resolve
# `_base_ = 'se_plugin::configs/<file>.py'` (see se_plugin/mim.py).
setup(package_data={
    'se_plugin': [
        '.mim/model-index.yml', '.mim/configs/configs/**/*.py',
        # The model zoo's metafiles: model-index.yml imports them, and
        # mmengine reads them all before it resolves `se_plugin::` configs.
        '.mim/configs/configs/**/metafile.yml', 'ops/csrc/*.cpp'
    ]
})
