"""Make the README's picture: three frames of ``posecheck analyze``'s annotated video, side by side.

    posecheck analyze sample_videos/downhill-good_pan_rtl.mp4 -o demo-output
    python scripts/readme_image.py demo-output/annotated.mp4 docs/images/demo.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from posecheck.video import iter_frames, probe


def main(video: str, out: str, *, n_tiles: int = 3, tile_height_px: int = 360) -> int:
    info = probe(video)
    wanted = {int(info.n_frames * (k + 1) / (n_tiles + 1)) for k in range(n_tiles)}
    tiles = []
    for frame in iter_frames(video):
        if frame.index in wanted:
            scale = tile_height_px / frame.rgb.shape[0]
            size = (int(round(frame.rgb.shape[1] * scale)), tile_height_px)
            tiles.append(cv2.resize(frame.rgb, size, interpolation=cv2.INTER_AREA))
    picture = np.hstack(tiles)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(out, cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
