"""Training-engine parts: the checkpoint hook and checkpoint I/O."""
from .checkpoint_hook import SafeCheckpointHook
from .errors import CheckpointError, ConfigError, UserInputError

__all__ = [
    'SafeCheckpointHook', 'CheckpointError', 'ConfigError', 'UserInputError'
]
