#!/bin/sh
# Re-render the sample clips and their truth files (same frames and truth; see README.md for
# when the bytes differ), from the repository root:
#   sh sample_videos/regenerate.sh
exec python -m posecheck synth --sample-videos "$(dirname "$0")"
