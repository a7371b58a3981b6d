#!/bin/sh
# Re-render the sample clips and their truth files, byte for byte, from the repository root:
#   sh sample_videos/regenerate.sh
exec python -m posecheck synth --sample-videos "$(dirname "$0")"
