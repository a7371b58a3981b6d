"""Build posecheck's bundled ``pose_landmarker_full.task`` from the mediapipe 0.10.21 wheel.

Current mediapipe wheels (1.2.x) ship no pose model and posecheck may not download one at run
time, so the PoseLandmarker bundle is built once, here, and committed as package data.

The two Apache-2.0 model files inside the mediapipe 0.10.21 wheel are

- ``mediapipe/modules/pose_detection/pose_detection.tflite`` -> ``pose_detector.tflite``
- ``mediapipe/modules/pose_landmark/pose_landmark_full.tflite`` -> ``pose_landmarks_detector.tflite``

The Tasks API refuses bare models ("requires specifying NormalizationOptions metadata"), so each
gets image-input metadata written by mediapipe's own ``metadata_writers``:

- detector: input normalised with mean 127.5, std 127.5 (pixels to [-1, 1]); 2 feature outputs
  (box regressors and scores);
- landmark model: mean 0, std 255 (pixels to [0, 1]); 5 feature outputs (landmarks,
  presence, segmentation, heatmap, world landmarks).

Swapping the two normalisations still runs but loses the person in most frames.

The bundle is a zip with both members stored uncompressed, each member's data aligned to 64
bytes (LiteRT maps them in place and warns on unaligned buffers) and fixed timestamps so that the
output bytes are reproducible.

Usage (the metadata writer imports a native module that only the 0.10.21 wheel has, so run this in
a throw-away virtual environment)::

    python3 -m venv /tmp/mp21 && /tmp/mp21/bin/pip install mediapipe==0.10.21
    pip download --no-deps mediapipe==0.10.21 -d /tmp/wheel
    /tmp/mp21/bin/python scripts/build_pose_model.py /tmp/wheel/mediapipe-0.10.21-*.whl \
        posecheck/models/pose_landmarker_full.task

It prints the sha256 of the result, which ``posecheck/models/SHA256SUMS`` records.
"""

from __future__ import annotations

import argparse
import hashlib
import struct
import sys
import zipfile
from pathlib import Path

DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKER_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
ALIGN_BYTES = 64
FIXED_DATE_TIME = (2024, 1, 1, 0, 0, 0)
PADDING_EXTRA_ID = 0xD935  # the extra-field id Android's zipalign uses for padding


def _with_metadata(model: bytes, *, name: str, mean: float, std: float, n_outputs: int) -> bytes:
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(model_name=name, model_description="posecheck bundle")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in range(n_outputs):
        writer.add_feature_output()
    model_with_metadata, _json = writer.populate()
    return bytes(model_with_metadata)


def write_aligned_zip(members: dict[str, bytes], out_path: Path) -> None:
    """Write ``members`` stored (uncompressed), each member's data 64-byte aligned."""
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            offset = zf.fp.tell()
            # local header: 30 bytes + name + extra; pad the extra field until data is aligned
            base = offset + 30 + len(name.encode())
            pad = (-(base + 4)) % ALIGN_BYTES
            info.extra = struct.pack("<HH", PADDING_EXTRA_ID, pad) + b"\0" * pad
            zf.writestr(info, data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="mediapipe-0.10.21-*.whl")
    parser.add_argument("out", type=Path, help="output .task path")
    args = parser.parse_args(argv)

    with zipfile.ZipFile(args.wheel) as wheel:
        detector = wheel.read(DETECTOR_IN_WHEEL)
        landmarker = wheel.read(LANDMARKER_IN_WHEEL)

    members = {
        "pose_detector.tflite": _with_metadata(
            detector, name="pose_detector", mean=127.5, std=127.5, n_outputs=2
        ),
        "pose_landmarks_detector.tflite": _with_metadata(
            landmarker, name="pose_landmarks_detector", mean=0.0, std=255.0, n_outputs=5
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_aligned_zip(members, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"{digest}  {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
