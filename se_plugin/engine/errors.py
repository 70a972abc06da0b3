"""Errors a user's input causes: the tools print them as one line; each is
also the built-in error the same input would raise (ValueError, ...)."""
import functools
import sys


class UserInputError(Exception):
    """A file, config or option the user gave cannot be used as it is."""
    # The plain message, also where KeyError (which quotes it) is a base.
    __str__ = Exception.__str__


class CheckpointError(UserInputError):
    """A checkpoint cannot be read, written, resumed or loaded."""


class CheckpointMismatchError(CheckpointError, ValueError):
    """A checkpoint's weights do not fit the model (keys or shapes)."""


class InputNotFoundError(UserInputError, FileNotFoundError):
    """A file the user named (config, checkpoint) does not exist."""


class OutputExistsError(UserInputError, FileExistsError):
    """A tool would overwrite a file; it never does unless told to."""


class ConfigError(UserInputError, ValueError):
    """A malformed config file, config value or ``--cfg-options`` item."""


class DataError(UserInputError, ValueError):
    """A dataset's list, annotation file or option is malformed."""


class DataNotFoundError(UserInputError, FileNotFoundError):
    """A dataset's root, list, annotation or image file is missing."""


class OptionError(UserInputError, ValueError, TypeError, AssertionError,
                  KeyError):
    """An option of the wrong type or out of range; also the built-in errors
    the toolboxes raise for their own bad options (AssertionError, ...)."""


class ConversionError(UserInputError, ValueError):
    """Weights cannot be converted as asked (source, arch, keys)."""


def fail(name, value, allowed, error=OptionError):
    """Raise ``error``: option ``name`` cannot be ``value``; ``allowed`` says
    what can."""
    raise error(f'{name}={value!r} is not supported; allowed: {allowed}')


def report_user_errors(main):
    """Turn our errors about the user's input into one line on stderr and
    exit status 1; other exceptions keep their traceback."""
    @functools.wraps(main)
    def wrapper(argv=None):
        try:
            return main(argv)
        except UserInputError as error:
            sys.exit(f'error: {one_message(error)}')

    return wrapper


def one_message(error):
    """The error's text without the worker's traceback that torch's
    DataLoader puts into an exception it re-raises from a worker."""
    text = str(error)
    if 'Original Traceback' not in text:
        return text
    where, last = text.splitlines()[0], text.rstrip().splitlines()[-1]
    # 'Caught X in DataLoader worker process 0.' / 'module.X: message'
    return (f'{last.partition(": ")[2]} '
            f'({where.partition(" in ")[2].rstrip(".")})')
