"""Let ``torch.load(weights_only=True)`` read mmengine's checkpoints."""


def allow_mmengine_checkpoints() -> None:
    """Placeholder filled below."""
