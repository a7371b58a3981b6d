"""The one error type posecheck raises for bad input; the CLI prints its message on one line."""


class PosecheckError(Exception):
    """Bad input or an impossible request, with a message fit to show a user as it is."""


class UsageError(PosecheckError):
    """A bad command-line value (``--height 180``): the command exits 2, before any work."""
