"""The toolboxes' own inferencers load a runner checkpoint (message hub
with HistoryBuffer and numpy objects) in a fresh interpreter that never
imports se_plugin: the start-up hook applies the allow-list when
mmengine.runner.checkpoint is loaded (``_se_plugin_hook.WATCHED``).
DetInferencer reads the checkpoint before it builds the model (whose
se_plugin types import se_plugin): without the hook it stops with
``UnpicklingError ... HistoryBuffer``."""
import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from test_toolbox_tools import REPO, hook_dir, python  # noqa: F401

from se_plugin.apis.build import build_model

CLS = REPO / 'configs/digits/se_resnet18_digits.py'
DET = REPO / 'configs/detection/digits/faster-rcnn_se-r50_fpn_digits.py'

SCRIPT = """
import sys
import numpy as np
kind, config, checkpoint = sys.argv[1:]
image = np.zeros((64, 64, 3), np.uint8)
if kind == 'init_detector':
    from mmdet.apis import init_detector
    init_detector(config, checkpoint, device='cpu')
elif kind == 'DetInferencer':
    from mmdet.apis import DetInferencer
    DetInferencer(config, checkpoint, device='cpu')(image)
else:
    from mmpretrain import ImageClassificationInferencer
    ImageClassificationInferencer(config, checkpoint, device='cpu')(image)
"""


def runner_checkpoint(config, path):
    """A checkpoint as mmengine's Runner saves it: meta, weights, and the
    message hub's state with HistoryBuffers and numpy values."""
    hub = MessageHub.get_instance('hook_checkpoints')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('best_score', np.float32(0.9))
    torch.save(dict(meta=dict(epoch=1, iter=10),
                    state_dict=build_model(str(config)).state_dict(),
                    message_hub=hub.state_dict()), path)
    with pytest.raises(Exception, match='HistoryBuffer|weights_only'):
        torch.serialization.clear_safe_globals()
        try:
            torch.load(path)
        finally:
            from se_plugin.utils.checkpoint import allow_mmengine_checkpoints
            allow_mmengine_checkpoints()
    return path


@pytest.mark.parametrize('kind,config', [
    ('init_detector', DET), ('DetInferencer', DET),
    ('ImageClassificationInferencer', CLS)])
def test_toolbox_loads_runner_checkpoint_without_se_plugin(
        hook_dir, tmp_path, kind, config):  # noqa: F811
    checkpoint = runner_checkpoint(config, tmp_path / 'epoch_1.pth')
    (tmp_path / 'run.py').write_text(SCRIPT)
    proc = python(hook_dir, 'run.py', kind, config, checkpoint,
                  cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert 'UnpicklingError' not in proc.stdout
