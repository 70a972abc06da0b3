"""SE's one module graph: what tools that work through modules see is what
runs, and the fast path (fused residual tail) is taken in plain CPU
inference only, where it keeps the plain form's results."""
import warnings

import pytest
import torch
import torch.ao.quantization as tq
import torch.nn as nn
from torch.nn.utils import parametrize, prune
from torch.utils.hooks import RemovableHandle

from se_plugin.models import SEBottleneck, SELayer, SEResNet, set_fast_path
from se_plugin.utils.timing import summarize, time_interleaved


def plain_form(model):
    """Hide every SE module behind a wrapper: the blocks then compute
    ``relu(identity + drop_path(se(branch)))`` in separate steps."""
    for module in model.modules():
        if getattr(module, 'se', None) is not None:
            module.se = nn.Sequential(module.se)
    return model


def pair(**kwargs):
    torch.manual_seed(0)
    fused = SEResNet(depth=50, zero_init_residual=False, **kwargs)
    plain = SEResNet(depth=50, zero_init_residual=False, **kwargs)
    plain.load_state_dict(fused.state_dict())
    return fused, plain_form(plain)


def test_fused_matches_plain_form_in_eval():
    fused, plain = pair()
    fused.eval(), plain.eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        a, b = fused(x)[0], plain(x)[0]
    # addcmul rounds once where the plain form rounds twice: equal up to
    # float32 rounding, nothing more.
    torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    assert (a - b).abs().max() <= 1e-5 * b.abs().max()


def test_fused_matches_plain_form_in_training_with_drop_path():
    # One block: through a deep stack of train-mode BNs the two roundings
    # get amplified; here they must stay at float32 rounding.
    torch.manual_seed(0)
    fused = SEBottleneck(256, 256, se_cfg=dict(), drop_path_rate=0.5)
    plain = SEBottleneck(256, 256, se_cfg=dict(), drop_path_rate=0.5)
    plain.load_state_dict(fused.state_dict())
    plain_form(plain)
    x = torch.randn(8, 256, 8, 8)
    outs, grads = [], []
    for model in (fused, plain):
        torch.manual_seed(3)  # the same drop masks in both
        out = model(x)
        outs.append(out)
        grads.append(torch.autograd.grad(out.square().mean(),
                                         list(model.parameters())))
    torch.testing.assert_close(outs[0], outs[1], rtol=1e-5, atol=1e-5)
    # Some samples were dropped (output = relu(x)), some kept.
    dropped = [torch.equal(o, x[i].relu()) for i, o in enumerate(outs[0])]
    assert any(dropped) and not all(dropped)
    for ga, gb in zip(*grads):
        torch.testing.assert_close(ga, gb, rtol=1e-4, atol=1e-6)


def test_inference_sums_into_the_branch_output_and_training_does_not():
    torch.manual_seed(0)
    block = SEBottleneck(256, 256, se_cfg=dict()).eval()
    plain = SEBottleneck(256, 256, se_cfg=dict()).eval()
    plain.load_state_dict(block.state_dict())
    plain_form(plain)
    branch = []
    block.norm3.register_forward_hook(
        lambda m, i, o: branch.append(o.data_ptr()))
    x = torch.randn(2, 256, 8, 8)
    with torch.no_grad():
        out = block(x)
        expected = plain(x)
    # No new activation-sized tensor: the result lives in norm3's output,
    # as the plain block's ``out += identity`` does.
    assert out.data_ptr() == branch[-1]
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    # With something to differentiate, the branch output is kept for the
    # gate's gradient, so the sum goes to a new tensor.
    out = block(x)
    assert out.data_ptr() != branch[-1] and out.requires_grad
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    out.sum().backward()
    assert block.se.fc1.weight.grad.abs().sum() > 0
    # Frozen (nothing requires grad) with grad mode on: in place again.
    block.requires_grad_(False)
    out = block(x)
    assert out.data_ptr() == branch[-1] and not out.requires_grad
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


def test_block_compiles_whole_and_keeps_channels_last():
    torch.manual_seed(0)
    block = SEBottleneck(256, 256, se_cfg=dict()).eval()
    block = block.to(memory_format=torch.channels_last)
    x = torch.randn(2, 256, 8, 8).contiguous(
        memory_format=torch.channels_last)
    # fullgraph=True fails on any graph break; aot_eager traces forward
    # and backward without compiling kernels (the speed is the benchmark's).
    compiled = torch.compile(block, fullgraph=True, backend='aot_eager')
    with torch.no_grad():
        eager, out = block(x), compiled(x)
    torch.testing.assert_close(out, eager)
    assert out.is_contiguous(memory_format=torch.channels_last)
    block.train()
    x_eager = x.clone().requires_grad_(True)
    block(x_eager).sum().backward()
    eager_grad = block.se.fc1.weight.grad.clone()
    block.zero_grad()
    x.requires_grad_(True)
    compiled(x).sum().backward()
    # The compiled backward gives the eager gradients.
    torch.testing.assert_close(x.grad, x_eager.grad)
    torch.testing.assert_close(block.se.fc1.weight.grad, eager_grad)


def test_time_interleaved_rotates_and_summarises():
    calls = []
    fns = {name: (lambda n=name: calls.append(n)) for name in 'abc'}
    times = time_interleaved(fns, repeats=3, warmup=1)
    assert calls == list('abc' 'bca' 'cab' 'abc')
    assert all(len(t['times']) == 3 for t in times.values())
    s = summarize([4.0, 1.0, 3.0, 2.0])
    assert (s['median'], s['q1'], s['q3']) == (2.5, 1.75, 3.25)
    with pytest.raises(ValueError, match='repeats=0'):
        time_interleaved(fns, repeats=0)


# ------------------------------------- tools that work through the modules
def ses(model):
    return [m for m in model.modules() if isinstance(m, SELayer)]


def halve_output(module, args, output):
    return output * 0.5


def qconfig():
    """Eager QAT with 3-bit weights: the fake quantization shows."""
    return tq.QConfig(
        activation=tq.FakeQuantize.with_args(
            observer=tq.MovingAverageMinMaxObserver, quant_min=0,
            quant_max=255, dtype=torch.quint8),
        weight=tq.FakeQuantize.with_args(
            observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-4,
            quant_max=3, dtype=torch.qint8,
            qscheme=torch.per_channel_symmetric))


def qat(model, x, wrap):
    """Swap every SE's fc1/fc2 for eager-QAT modules (``prepare_qat``); with
    ``wrap`` inside a QuantWrapper, and ``convert`` them to int8 modules."""
    for se in ses(model):
        if wrap:
            se.fc1, se.fc2 = tq.QuantWrapper(se.fc1), tq.QuantWrapper(se.fc2)
        se.fc1.qconfig = se.fc2.qconfig = qconfig()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tq.prepare_qat(model.train(), inplace=True)
        with torch.no_grad():
            model(x)  # observers calibrate, then keep their ranges
        model.apply(tq.disable_observer).eval()
        if wrap:
            tq.convert(model, inplace=True)
    inner = model.layer1[0].se.fc1
    assert type(getattr(inner, 'module', inner)).__module__.startswith(
        'torch.ao.nn.quantized' if wrap else 'torch.ao.nn.qat')


class Halve(nn.Module):

    def forward(self, weight):
        return weight * 0.5


def prune_fc1(model, x):
    for se in ses(model):
        prune.l1_unstructured(se.fc1, 'weight', amount=0.5)
        with torch.no_grad():  # e.g. an optimizer step on the pruned model
            se.fc1.weight_orig.mul_(1.5)


TOOLS = {
    'hook-fc2': lambda model, x: [
        se.fc2.register_forward_hook(halve_output) for se in ses(model)],
    'hook-act': lambda model, x: [
        se.act.register_forward_hook(halve_output) for se in ses(model)],
    'prune-weight_orig': prune_fc1,
    'parametrize': lambda model, x: [
        parametrize.register_parametrization(se.fc2, 'weight', Halve())
        for se in ses(model)],
    'qat-prepare': lambda model, x: qat(model, x, wrap=False),
    'qat-convert': lambda model, x: qat(model, x, wrap=True),
}


@pytest.mark.parametrize('tool', list(TOOLS))
def test_a_tool_on_se_modules_changes_what_runs(se_resnet50, module_graph,
                                                fast_calls, tool):
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        before = se_resnet50(x)[-1]
    TOOLS[tool](se_resnet50, x)
    fast_calls.clear()
    with torch.no_grad():
        out = se_resnet50(x)[-1]
        expected = module_graph(se_resnet50, x)
    assert not fast_calls
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    # The tool matters: ignoring it (the old eager path) would fail above.
    assert (out - before).abs().max() > 1e-3 * before.abs().max()


@pytest.mark.parametrize('training', [False, True])
def test_bf16_autocast_computes_the_module_graph(se_resnet50, module_graph,
                                                 fast_calls, training):
    se_resnet50.train(training)
    x = torch.randn(2, 3, 64, 64)
    with torch.autocast('cpu', dtype=torch.bfloat16), \
            torch.set_grad_enabled(training):
        out = se_resnet50(x)[-1]
        expected = module_graph(se_resnet50, x)
    assert out.dtype == torch.bfloat16 and not fast_calls
    torch.testing.assert_close(out, expected)


def test_channels_last_inference_takes_the_fast_path(se_resnet50,
                                                     module_graph,
                                                     fast_calls):
    model = se_resnet50.to(memory_format=torch.channels_last)
    x = torch.randn(2, 3, 64, 64).contiguous(
        memory_format=torch.channels_last)
    with torch.no_grad():
        out = model(x)[-1]
        expected = module_graph(model, x)
    assert len(fast_calls) == 16
    assert out.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


def test_torch_compile_computes_the_module_graph(se_resnet50, module_graph,
                                                 fast_calls):
    x = torch.randn(2, 3, 64, 64)
    compiled = torch.compile(se_resnet50, fullgraph=True, backend='eager')
    with torch.no_grad():
        out = compiled(x)[-1]
        expected = module_graph(se_resnet50, x)
    assert not fast_calls
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------------- where the fast path runs
def hook_one_gate(model, x):
    model.layer2[0].se.gate.register_forward_hook(halve_output)


def global_hook(model, x):
    handle = nn.modules.module.register_module_forward_hook(
        lambda m, i, o: None)
    return handle


#: (model change, run) -> SE blocks of SE-ResNet-50 that take the fast path.
WHERE = {
    'eval-no_grad': (None, torch.no_grad, 16),
    'inference_mode': (None, torch.inference_mode, 16),
    'frozen-grad-mode-on': (lambda m, x: m.requires_grad_(False),
                            torch.enable_grad, 16),
    'autograd': (None, torch.enable_grad, 0),
    'train-no_grad': (lambda m, x: m.train(), torch.no_grad, 0),
    'hooked-gate': (hook_one_gate, torch.no_grad, 15),
    'global-hook': (global_hook, torch.no_grad, 0),
    'float64': (lambda m, x: m.double(), torch.no_grad, 0),
    'switched-off': (lambda m, x: set_fast_path(False), torch.no_grad, 0),
}


@pytest.mark.parametrize('case', list(WHERE))
def test_fast_path_only_in_plain_cpu_inference(se_resnet50, fast_calls,
                                               case):
    change, mode, blocks = WHERE[case]
    x = torch.randn(2, 3, 64, 64)
    handle = change(se_resnet50, x) if change else None
    try:
        with mode():
            se_resnet50(x.double() if case == 'float64' else x)
    finally:
        set_fast_path(True)
        if isinstance(handle, RemovableHandle):
            handle.remove()
    assert len(fast_calls) == blocks


def test_jit_trace_never_takes_the_fast_path(se_resnet50, fast_calls):
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.jit.trace(se_resnet50, x, check_trace=False)
    assert not fast_calls


def test_fast_path_switch_takes_a_bool_only():
    with pytest.raises(ValueError, match=r'enabled=1 .*\(False, True\)'):
        set_fast_path(1)
