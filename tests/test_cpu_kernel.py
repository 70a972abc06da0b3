"""SELayer(cpu_kernel=True): the compiled excitation equals the operators,
is used only where the fast path applies, and refuses what it does not
compute."""
import copy

import pytest
import torch

from se_plugin.models import SEBottleneck, SELayer
from se_plugin.models.blocks import fast as fast_module
from se_plugin.ops import excite_kernel


@pytest.fixture(scope='module')
def kernel():
    return excite_kernel()  # built once (cached on disk between runs)


class Spy:
    """The kernel module, recording which functions ran and their args."""

    def __init__(self):
        self.real, self.used, self.args = excite_kernel(), [], []

    def __getattr__(self, name):
        fn = getattr(self.real, name)

        def call(*args):
            self.used.append(name)
            self.args.append(args)
            return fn(*args)

        return call


fast_excite = fast_module.excite


def twins(channels=64, **kwargs):
    torch.manual_seed(0)
    fast = SELayer(channels, ratio=4, cpu_kernel=True, **kwargs).eval()
    ref = SELayer(channels, ratio=4, **kwargs).eval()
    for p in fast.parameters():
        torch.nn.init.normal_(p, std=0.5)
    ref.load_state_dict(fast.state_dict())
    return fast, ref


@pytest.mark.parametrize('fmt', [torch.contiguous_format,
                                 torch.channels_last])
@pytest.mark.parametrize('shape', [(1, 64, 56, 56), (3, 64, 7, 5),
                                   (2, 64, 1, 1)])
def test_kernel_equals_the_operators(kernel, shape, fmt):
    fast, ref = twins()
    x = torch.randn(*shape).contiguous(memory_format=fmt)
    with torch.no_grad():
        gate, expected = fast_excite(fast, x), ref.excite(x)
        out, ref_out = fast(x), ref(x)
    assert gate.shape == (shape[0], 64, 1, 1)
    torch.testing.assert_close(gate, expected, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(out, ref_out, rtol=1e-5, atol=1e-6)
    # The fast path's gate is the kernel's.
    direct = kernel.excite(x, fast.fc1.weight, fast.fc1.bias,
                           fast.fc2.weight, fast.fc2.bias)
    assert torch.equal(direct, gate)


def test_kernel_is_what_runs_under_no_grad(monkeypatch):
    fast, ref = twins()
    x = torch.randn(2, 64, 6, 6)
    xc = x.contiguous(memory_format=torch.channels_last)
    spy = Spy()
    monkeypatch.setattr(fast_module, 'excite_kernel', lambda: spy)
    with torch.no_grad():
        fast(x)
        fast(x.transpose(2, 3))  # neither layout: copied first
        fast(xc)  # taken as it is
    assert spy.used == ['excite'] * 3
    assert [a[0].shape for a in spy.args] == [(2, 64, 6, 6)] * 3
    assert spy.args[1][0].is_contiguous() and spy.args[2][0] is xc


def test_autograd_takes_the_operators_and_their_gradients(monkeypatch):
    fast, ref = twins()
    x = torch.randn(2, 64, 6, 6)
    spy = Spy()
    monkeypatch.setattr(fast_module, 'excite_kernel', lambda: spy)
    fast(x).sum().backward()
    ref(x).sum().backward()
    assert spy.used == []
    torch.testing.assert_close(fast.fc1.weight.grad, ref.fc1.weight.grad)


def test_a_hook_on_the_gate_is_honoured(monkeypatch):
    fast, ref = twins()
    x = torch.randn(2, 64, 6, 6)
    spy = Spy()
    monkeypatch.setattr(fast_module, 'excite_kernel', lambda: spy)
    seen = []
    fast.gate.register_forward_hook(lambda m, i, o: seen.append(o))
    with torch.no_grad():
        out = fast(x)
    assert spy.used == [] and len(seen) == 1  # the operators ran
    torch.testing.assert_close(out, ref(x).detach())


def block_twins(in_channels=64, out_channels=64, stride=1, fmt=None):
    torch.manual_seed(0)
    downsample = None
    if stride != 1 or in_channels != out_channels:
        downsample = torch.nn.Sequential(
            torch.nn.Conv2d(in_channels, out_channels, 1, stride,
                            bias=False), torch.nn.BatchNorm2d(out_channels))
    blocks = []
    for se_cfg in (dict(cpu_kernel=True), dict()):
        blocks.append(
            SEBottleneck(in_channels, out_channels, stride=stride,
                         downsample=copy.deepcopy(downsample),
                         se_cfg=se_cfg).eval())
    fast, ref = blocks
    for p in fast.parameters():  # no zero-initialised BN: a real residual
        torch.nn.init.normal_(p, std=0.3)
    ref.load_state_dict(fast.state_dict())
    if fmt is not None:
        fast.to(memory_format=fmt), ref.to(memory_format=fmt)
    return fast, ref




@pytest.mark.parametrize('fmt', [torch.contiguous_format,
                                 torch.channels_last])
@pytest.mark.parametrize('shape,stride,out_channels', [
    ((1, 64, 9, 9), 1, 64), ((3, 64, 7, 5), 2, 128), ((2, 64, 1, 1), 1, 64)])
def test_block_tail_in_one_pass(monkeypatch, fmt, shape, stride,
                                out_channels):
    fast, ref = block_twins(64, out_channels, stride, fmt)
    spy = Spy()
    monkeypatch.setattr(fast_module, 'excite_kernel', lambda: spy)
    branch, relu_calls = [], []
    fast.norm3.register_forward_hook(lambda m, i, o: branch.append(o))
    # The block's ReLU module is not called: the kernel applies it.
    monkeypatch.setattr(fast.relu, 'forward',
                        lambda t: relu_calls.append(1) or t.relu_())
    x = torch.randn(*shape).contiguous(memory_format=fmt)
    with torch.no_grad():
        out, expected = fast(x), ref(x)
    assert spy.used == ['excite', 'scale_add_relu_']
    assert len(relu_calls) == 2  # after conv1 and conv2, not the tail
    assert out.data_ptr() == branch[0].data_ptr()  # written in place
    assert out.is_contiguous(memory_format=fmt)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    assert (out >= 0).all() and (out == 0).any()


def test_block_tail_takes_the_operators_where_the_kernel_does_not_apply(
        monkeypatch):
    fast, ref = block_twins(64, 128)
    spy = Spy()
    monkeypatch.setattr(fast_module, 'excite_kernel', lambda: spy)
    x = torch.randn(2, 64, 6, 6)
    # Autograd: the operators, with gradients.
    out = fast(x)
    out.sum().backward()
    assert spy.used == []
    expected = ref(x)
    expected.sum().backward()
    expected = expected.detach()
    torch.testing.assert_close(out.detach(), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(fast.se.fc2.weight.grad,
                               ref.se.fc2.weight.grad, rtol=1e-5, atol=1e-5)
    # A hook on the block's ReLU is honoured.
    seen = []
    handle = fast.relu.register_forward_hook(lambda m, i, o: seen.append(1))
    with torch.no_grad():
        torch.testing.assert_close(fast(x), expected, rtol=1e-5, atol=1e-5)
    # The SE module alone still takes its fast path; the tail does not.
    assert spy.used == ['excite'] and len(seen) == 3  # conv1, conv2, tail
    handle.remove()
    spy.used.clear()
    # Identity and branch in different memory formats: addcmul and ReLU.
    fast.downsample.append(torch.nn.Identity())
    fast.downsample[-1].forward = lambda t: t.contiguous()
    fast.to(memory_format=torch.channels_last)
    xc = x.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        torch.testing.assert_close(fast(xc), expected, rtol=1e-5, atol=1e-5)
    assert spy.used == ['excite']  # and the tail is addcmul + ReLU


def test_scale_add_relu_keeps_nan_and_checks_inputs(kernel):
    out = torch.randn(2, 8, 3, 4)
    identity, gate = torch.randn(2, 8, 3, 4), torch.rand(2, 8, 1, 1)
    identity[0, 1, 2, 3] = float('nan')
    expected = torch.relu(identity + out * gate)
    result = kernel.scale_add_relu_(out, identity, gate)
    assert result.data_ptr() == out.data_ptr()
    torch.testing.assert_close(result, expected, equal_nan=True)
    assert result[0, 1, 2, 3].isnan() and (result == 0).any()
    with pytest.raises(RuntimeError, match="identity's shape"):
        kernel.scale_add_relu_(out, identity[:1], gate)
    with pytest.raises(RuntimeError, match="out's memory format"):
        kernel.scale_add_relu_(
            out, identity.contiguous(memory_format=torch.channels_last),
            gate)
    with pytest.raises(RuntimeError, match='gate must be 2 x 8 x 1 x 1'):
        kernel.scale_add_relu_(out, identity, gate[:, :4].contiguous())
    with pytest.raises(RuntimeError, match='contiguous or channels_last'):
        kernel.scale_add_relu_(out.transpose(2, 3), identity, gate)


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
    with torch.inference_mode():  # grad-free too: the kernel's
        torch.testing.assert_close(fast(x), ref(x), rtol=1e-5, atol=1e-5)
    assert 'cpu_kernel=True' in repr(fast.se)


@pytest.mark.parametrize('kwargs,words', [
    (dict(squeeze='max'), ["squeeze='max'", "'avg'"]),
    (dict(gate='tanh'), ["gate='tanh'", "'sigmoid'"]),
    (dict(act_cfg=dict(type='GELU')), ['act_cfg=', 'GELU', 'ReLU']),
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
