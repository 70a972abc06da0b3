# Metadata lives in setup.cfg; this file lets `pip install -e .` work with
# the setuptools versions mmcv's build needs, and installs the start-up hook.
import os

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.develop import develop

# One line run at interpreter start-up (see _se_plugin_hook.py): mmengine
# then reads `_base_ = 'se_plugin::configs/...'` in any script, e.g. the
# toolboxes' own tools/train.py, without `import se_plugin` first.
HOOK = 'se_plugin_hook.pth'
HERE = os.path.dirname(os.path.abspath(__file__))


class BuildPyWithHook(build_py):
    """Puts the hook at the top of site-packages in every kind of wheel.

    A wheel installs its root into site-packages; an editable wheel
    (PEP 660) takes only links to the source from build_py, but installs
    what lands in the ``install`` command's ``install_lib``, its root.
    """

    def run(self):
        super().run()
        if getattr(self, 'editable_mode', False):
            target = self.get_finalized_command('install').install_lib
        else:
            target = self.build_lib
        self.copy_file(os.path.join(HERE, HOOK), os.path.join(target, HOOK))


class DevelopWithHook(develop):
    """The legacy editable install (``setup.py develop``, older pip)."""

    def run(self):
        super().run()
        # setuptools>=80's develop only calls pip, which runs build_py.
        if getattr(self, 'install_dir', None) and not self.uninstall:
            self.copy_file(
                os.path.join(HERE, HOOK), os.path.join(self.install_dir, HOOK))


# The repository's configs/, reached through the symlink
# se_plugin/.mim/configs/configs, so that installed packages resolve
# `_base_ = 'se_plugin::configs/<file>.py'` (see se_plugin/mim.py).
setup(
    package_data={
        'se_plugin': [
            '.mim/model-index.yml', '.mim/configs/configs/**/*.py',
            # The model zoo's metafiles: model-index.yml imports them, and
            # mmengine reads them all before it resolves `se_plugin::`
            # configs.
            '.mim/configs/configs/**/metafile.yml', 'ops/csrc/*.cpp'
        ]
    },
    cmdclass={
        'build_py': BuildPyWithHook,
        'develop': DevelopWithHook
    })
