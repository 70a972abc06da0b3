"""State-dict keys of every model built on the attention slot
(se_plugin.models.attention.slot): a refactoring must not change them, or
converted timm/Cadene weights and users' checkpoints stop loading.

CHANGE DETECTOR: the (count, sha1[:16] of the sorted keys) goldens were
produced by the code at commit 95ba48b (before the slot existed), not by an
independent source. Update one only for an intended key change, and say so.
"""
import hashlib

import pytest

from se_plugin.registry import MODELS

CONFIGS = {
    'SEVGG': dict(type='se_plugin.SEVGG', depth=11, norm_cfg=dict(type='BN')),
    'SEShuffleNetV1': dict(type='se_plugin.SEShuffleNetV1'),
    'SEMobileNetV1': dict(type='se_plugin.SEMobileNetV1'),
    'SEBNInception': dict(type='se_plugin.SEBNInception'),
    'SEInceptionResNetV2': dict(type='se_plugin.SEInceptionResNetV2'),
    'SENet154': dict(type='se_plugin.SENet154'),
    'SEFPN': dict(
        type='se_plugin.SEFPN', in_channels=[16, 32, 64, 128],
        out_channels=16, num_outs=5, se_positions=('lateral', 'output')),
    'MultiLevelSE': dict(type='se_plugin.MultiLevelSE', in_channels=[16, 32]),
    'SEResLayer': dict(type='se_plugin.SEResLayer', depth=50),
    # Both kinds of site: a target inside the owner, and the owner itself.
    'Attach': dict(
        type='se_plugin.Attach', host=dict(type='mmdet.ResNet', depth=18),
        inserts=[
            dict(at='layer[12].*', after='bn2'),
            dict(at='layer[34].*', se_cfg=dict(type='se_plugin.ECALayer'))
        ]),
}

# change detector: keys as the code at 95ba48b made them; no other source.
KEYS_AT_95BA48B = {
    'SEVGG': (88, 'bdbc738d2fd8b913'),
    'SEShuffleNetV1': (358, '91e471069b157829'),
    'SEMobileNetV1': (214, '726ae92de33a2c2a'),
    'SEBNInception': (454, '78af6451b8b25217'),
    'SEInceptionResNetV2': (1464, '18da9a8d0430999b'),
    'SENet154': (1142, 'f60094b0b58b6757'),
    'SEFPN': (48, '4e853a0e35e72cbd'),
    'MultiLevelSE': (8, '2e25d1327f43b82d'),
    'SEResLayer': (72, '37ffe2273c0f33f8'),
    'Attach': (140, '2806d82227e986a2'),
}


@pytest.mark.parametrize('name', CONFIGS)
def test_state_dict_keys_are_unchanged(name):
    keys = sorted(MODELS.build(CONFIGS[name]).state_dict())
    digest = hashlib.sha1('\n'.join(keys).encode()).hexdigest()[:16]
    assert (len(keys), digest) == KEYS_AT_95BA48B[name]
