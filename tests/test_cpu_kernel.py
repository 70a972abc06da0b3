"""SELayer(cpu_kernel=True): the compiled excitation equals the operators,
is used only where it applies, and refuses what it does not compute."""
import copy

import pytest
import torch

from se_plugin.models import SEBottleneck, SELayer
from se_plugin.ops import excite_kernel


@pytest.fixture(scope='module')
def kernel():
    return excite_kernel()  # built once (cached on disk between runs)


def twins(channels=64, **kwargs):
    torch.manual_seed(0)
    fast = SELayer(channels, ratio=4, cpu_kernel=True, **kwargs).eval()
    ref = SELayer(channels, ratio=4, **kwargs).eval()
    for p in fast.parameters():
        torch.nn.init.normal_(p, std=0.5)
    ref.load_state_dict(fast.state_dict())
    return fast, ref


@pytest.mark.parametrize('shape', [(1, 64, 56, 56), (3, 64, 7, 5),
                                   (2, 64, 1, 1)])
def test_kernel_equals_the_operators(kernel, shape):
    fast, ref = twins()
    x = torch.randn(*shape)
    calls = []
    fast.fc1.register_forward_pre_hook(lambda *a: calls.append(1))
    with torch.no_grad():
        gate, expected = fast.excite(x), ref.excite(x)
        out, ref_out = fast(x), ref(x)
    assert gate.shape == (shape[0], 64, 1, 1)
    torch.testing.assert_close(gate, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(out, ref_out, rtol=1e-5, atol=1e-6)
    # The direct call agrees too (and the layer did not run fc1 as a module).
    direct = kernel.excite(x, fast.fc1.weight, fast.fc1.bias,
                           fast.fc2.weight, fast.fc2.bias)
    assert torch.equal(direct, gate) and not calls


def test_kernel_is_what_runs_under_no_grad(monkeypatch):
    fast, ref = twins()
    x = torch.randn(2, 64, 6, 6)
    used = []
    real = excite_kernel()

    class Spy:

        def excite(self, *args):
            used.append(args[0].shape)
            return real.excite(*args)

    monkeypatch.setattr('se_plugin.models.blocks.se_layer.excite_kernel',
                        lambda: Spy())
    with torch.no_grad():
        fast.excite(x)
        fast.excite(x.double().float().transpose(2, 3))  # non-contiguous
    assert used == [(2, 64, 6, 6), (2, 64, 6, 6)]
    # With autograd: the operators, and gradients reach the FCs.
    out = fast(x)
    assert len(used) == 2
    out.sum().backward()
    assert fast.fc1.weight.grad.abs().sum() > 0
    # A hook on the gate is honoured: the operators run and it fires.
    seen = []
    fast.gate.register_forward_hook(lambda m, i, o: seen.append(o))
    with torch.no_grad():
        gate = fast.excite(x)
    assert len(used) == 2 and len(seen) == 1
    torch.testing.assert_close(gate, ref.excite(x).detach())


def test_block_and_copy_with_the_kernel():
    torch.manual_seed(0)
    fast = SEBottleneck(64, 64, se_cfg=dict(cpu_kernel=True)).eval()
    ref = SEBottleneck(64, 64, se_cfg=dict()).eval()
    ref.load_state_dict(fast.state_dict())
    x = torch.randn(1, 64, 9, 9)
    with torch.no_grad():
        torch.testing.assert_close(fast(x), ref(x), rtol=1e-5, atol=1e-5)
        # deepcopy (e.g. EMA) keeps a working layer.
        torch.testing.assert_close(copy.deepcopy(fast)(x), ref(x),
                                   rtol=1e-5, atol=1e-5)
    assert 'cpu_kernel=True' in repr(fast.se)


@pytest.mark.parametrize('kwargs,words', [
    (dict(squeeze='max'), ["squeeze='max'", "'avg'"]),
    (dict(gate='tanh'), ["gate='tanh'", "'sigmoid'"]),
    (dict(act_cfg=dict(type='GELU')), ['act_cfg=', 'GELU', "type='ReLU'"]),
    (dict(bias=False), ['bias=False', 'True']),
])
def test_unsupported_options_are_refused(kwargs, words):
    with pytest.raises(ValueError) as e:
        SELayer(32, cpu_kernel=True, **kwargs)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_cpu_kernel_must_be_a_bool():
    with pytest.raises(ValueError, match=r"cpu_kernel=1 .*\(False, True\)"):
        SELayer(32, cpu_kernel=1)


def test_kernel_checks_its_inputs(kernel):
    fast, _ = twins()
    w = (fast.fc1.weight, fast.fc1.bias, fast.fc2.weight, fast.fc2.bias)
    with pytest.raises(RuntimeError, match='x must be float32'):
        kernel.excite(torch.randn(1, 64, 3, 3).double(), *w)
    with pytest.raises(RuntimeError, match='x must be contiguous'):
        kernel.excite(torch.randn(1, 64, 3, 4).transpose(2, 3), *w)
    with pytest.raises(RuntimeError, match='do not match 32 input'):
        kernel.excite(torch.randn(1, 32, 3, 3), *w)


def test_build_failure_names_the_option(monkeypatch):
    import torch.utils.cpp_extension as ext

    def broken(**kwargs):
        raise OSError('no compiler')

    excite_kernel.cache_clear()
    monkeypatch.setattr(ext, 'load', broken)
    try:
        with pytest.raises(RuntimeError, match='cpu_kernel=True.*no compiler'):
            SELayer(32, cpu_kernel=True)
    finally:
        monkeypatch.undo()
        excite_kernel.cache_clear()
