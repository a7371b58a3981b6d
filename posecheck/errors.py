"""The one error type posecheck raises for bad input; the CLI prints its message on one line."""


class PosecheckError(Exception):
    """Bad input or an impossible request, with a message fit to show a user as it is."""
