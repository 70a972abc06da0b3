"""The one-pass SE residual sum keeps the plain form's results."""
import pytest
import torch
import torch.nn as nn

from se_plugin.models import SEBottleneck, SEResNet
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
    x.requires_grad_(True)
    compiled(x).sum().backward()
    assert x.grad is not None and block.se.fc1.weight.grad is not None


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
