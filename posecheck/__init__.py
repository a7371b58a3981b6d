"""posecheck: side-on running video in, the runner's technique measured and shown for a coach."""

__version__ = "0.1.0"
