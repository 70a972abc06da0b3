"""The speed benchmark's command line: what it runs, pairs and writes.

No speed is asserted here (that is the benchmark's job); the checks are that
every implementation's SE model is paired with its own baseline, that the
reported ratios are the ratios of the recorded times, and bad input."""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / 'tools' / 'analysis' / 'benchmark_speed.py'


@pytest.fixture(scope='module')
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp('speed') / 'speed.json'
    subprocess.run([
        sys.executable, str(SCRIPT), '--modes', 'infer-1', 'train-2',
        '--size', '32', '--repeats', '3', '--warmup', '0', '--keep-heap',
        '--out',
        str(out)
    ], check=True, cwd=ROOT, capture_output=True, text=True)
    return json.loads(out.read_text())


def test_every_se_model_is_paired_with_its_own_baseline(result):
    assert set(result['modes']) == {'infer-1', 'train-2'}
    for mode in result['modes'].values():
        assert set(mode['times']) == {
            'se_plugin/se', 'se_plugin/se-unfused', 'se_plugin/se-cpu-kernel',
            'se_plugin/base', 'mmpretrain/se', 'mmpretrain/base', 'timm/se',
            'timm/base'
        }
        assert set(mode['ratios']) == {
            'se_plugin/se', 'se_plugin/se-unfused', 'se_plugin/se-cpu-kernel',
            'mmpretrain/se', 'timm/se'
        }
        for name, ratio in mode['ratios'].items():
            base = name.split('/')[0] + '/base'
            paired = [
                a / b for a, b in zip(mode['times'][name]['times'],
                                      mode['times'][base]['times'])
            ]
            assert len(paired) == 3
            assert ratio['median'] == pytest.approx(statistics.median(paired))
            assert ratio['q1'] <= ratio['median'] <= ratio['q3']
    assert result['threads'] == torch.get_num_threads()
    assert result['args']['size'] == 32 and result['args']['keep_heap']


@pytest.fixture
def benchmark_speed(load_tool):
    return load_tool('analysis/benchmark_speed.py')


def test_unfused_model_is_the_same_network(benchmark_speed):
    torch.manual_seed(0)
    models = benchmark_speed.build_models(['se_plugin/se'])
    fused = models['se_plugin/se'].eval()
    twin = benchmark_speed.build_models(['se_plugin/se'])['se_plugin/se']
    twin.load_state_dict(fused.state_dict())
    unfused = benchmark_speed.unfused(twin).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(unfused(x), fused(x), rtol=1e-4,
                                   atol=1e-5)
    with pytest.raises(ValueError, match=r"--models \['vgg'\] unknown"):
        benchmark_speed.build_models(['vgg'])


@pytest.mark.parametrize('mode', ['infer', 'eval-32', 'train-x'])
def test_bad_mode_is_refused(benchmark_speed, mode):
    with pytest.raises(argparse.ArgumentTypeError,
                       match=f"mode '{mode}' must be 'infer-<batch>' or "
                       "'train-<batch>'"):
        benchmark_speed.parse_mode(mode)
    assert benchmark_speed.parse_mode('train-32') == ('train', 32)


FAULTS = '''
import resource, sys, torch
from se_plugin.utils.timing import keep_heap
if sys.argv[1] == 'keep':
    keep_heap()
def cycle():
    torch.ones(16 * 2**20).sum()  # 64 MB, then freed
for _ in range(8):  # warm-up: the heap grows to what the loop needs
    cycle()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    cycle()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
'''


def test_keep_heap_reuses_freed_memory_instead_of_faulting_new_pages():
    faults = {}
    for mode in ('default', 'keep'):
        proc = subprocess.run([sys.executable, '-c', FAULTS, mode],
                              cwd=ROOT, capture_output=True, text=True,
                              check=True)
        faults[mode] = int(proc.stdout.split()[-1])
    # 64 MB is 16384 pages of 4 KB: by default glibc maps every such block
    # afresh (5 x 16384 faults)...
    assert faults['default'] >= 5 * 16384
    # ...with keep_heap, once warm, the freed pages are reused. (The heap
    # usually settles in 1-3 cycles; under load one late move of the block,
    # 16384 faults once, was seen: allowed, a fresh block per cycle is not.)
    assert faults['keep'] <= 16384 + 1000


def test_amp_channels_last_step_is_what_the_gpu_command_runs(benchmark_speed):
    # The GPU command's options (--amp --channels-last), on the CPU: the
    # model and input are channels_last, the forward runs under autocast
    # (bfloat16 on the CPU) and the training step updates the weights.
    args = argparse.Namespace(device='cpu', channels_last=True, amp=True,
                              size=32, compile=False)
    model = benchmark_speed.build_models(['se_plugin/se'])['se_plugin/se']
    seen = []
    conv = model.backbone.layer1[0].conv2
    conv.register_forward_hook(lambda m, i, o: seen.append(
        (o.dtype, o.is_contiguous(memory_format=torch.channels_last))))
    before = conv.weight.detach().clone()
    step = benchmark_speed.make_step(model, 'train', 2, args)
    step()
    assert seen == [(torch.bfloat16, True)]
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    assert not torch.equal(conv.weight.detach(), before)
    benchmark_speed.make_step(model, 'infer', 1, args)()
    assert seen[-1] == (torch.bfloat16, True) and not model.training
