"""Errors that a user's input causes, as opposed to bugs.

``tools/train.py`` and ``tools/test.py`` print these as one line on stderr
and exit non-zero; anything else keeps its traceback. Each one is also the
built-in error that the same input would raise (ValueError,
FileNotFoundError, ...), so code catching those keeps working. Unreadable
images (``se_plugin.datasets.BadImageError``) are user errors too.
"""


class UserInputError(Exception):
    """A file, config or option the user gave cannot be used as it is."""


class CheckpointError(UserInputError):
    """A checkpoint cannot be read, written, resumed or loaded."""


class ConfigError(UserInputError):
    """A config file or a ``--cfg-options`` item is malformed."""


class DataError(UserInputError, ValueError):
    """A dataset's list, annotation file or option is malformed."""


class DataNotFoundError(UserInputError, FileNotFoundError):
    """A dataset's root, list, annotation or image file is missing."""


class OptionError(UserInputError, ValueError, TypeError):
    """A model or hook option of the wrong type or out of range.

    Both a ValueError and a TypeError: mmpretrain and mmdet raise either
    for their own options, so code catching one of them keeps working.
    The checks are in ``se_plugin.models.checks``.
    """
