"""Errors that a user's input causes, as opposed to bugs.

``tools/train.py`` and ``tools/test.py`` print these as one line on stderr
and exit non-zero; anything else keeps its traceback.
"""


class UserInputError(Exception):
    """A file, config or option the user gave cannot be used as it is."""


class CheckpointError(UserInputError):
    """A checkpoint cannot be read, written, resumed or loaded."""


class ConfigError(UserInputError):
    """A config file or a ``--cfg-options`` item is malformed."""
