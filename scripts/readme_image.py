"""Make the README's picture: the middle foot strike's key frame of a ``posecheck analyze`` run
(contact and mid-stance side by side, with the measures drawn), scaled to the README's width.

    posecheck analyze sample_videos/downhill-braking_pan_ltr.mp4 --slope -8 -o demo-output
    python scripts/readme_image.py demo-output docs/images/demo.png 3

(the last argument picks the strike; 3 is a near-leg landing of that clip).
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2


def main(run: str, out: str, strike: str | None = None, *, width_px: int = 1000) -> int:
    stills = sorted((Path(run) / "key_frames").glob("strike_*.jpg"))
    if strike is not None:
        stills = [p for p in stills if p.name.startswith(f"strike_{int(strike):02d}_")]
    if not stills:
        print(f"{run}: no such key frame (run posecheck analyze first)", file=sys.stderr)
        return 1
    picture = cv2.imread(str(stills[len(stills) // 2]))
    scale = width_px / picture.shape[1]
    picture = cv2.resize(picture, (width_px, int(round(picture.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(out, picture)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
