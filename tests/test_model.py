"""The bundled pose model: the file is the one we built, and MediaPipe loads and runs it."""

import numpy as np
import pytest

from posecheck.models import DEFAULT_MODEL, expected_sha256, sha256_of
from posecheck.pose import PoseDetector


def test_bundled_model_hash_matches_sha256sums():
    assert DEFAULT_MODEL.stat().st_size > 9_000_000
    assert sha256_of(DEFAULT_MODEL) == expected_sha256()
    assert expected_sha256() == "5aaa4f431ea761705d44281c1e635b496a0a1417f077772633fede8958399be8"


def test_bundled_model_is_a_stored_zip_with_aligned_members():
    import struct
    import zipfile

    with zipfile.ZipFile(DEFAULT_MODEL) as bundle, open(DEFAULT_MODEL, "rb") as raw:
        names = sorted(info.filename for info in bundle.infolist())
        assert names == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        for info in bundle.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            raw.seek(info.header_offset)
            header = raw.read(30)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0


@pytest.mark.slow
def test_bundled_model_loads_and_finds_nobody_in_a_blank_frame():
    blank = np.full((256, 256, 3), 128, np.uint8)
    with PoseDetector() as detector:
        assert detector.detect(blank, 0.0) == []
        assert detector.detect(blank, 0.033) == []


def test_model_option_rejects_a_file_that_is_not_a_pose_model(tmp_path):
    from posecheck.errors import PosecheckError

    junk = tmp_path / "junk.task"
    junk.write_text("not a model")
    with pytest.raises(PosecheckError, match="not a usable PoseLandmarker model"):
        PoseDetector(junk)
    with pytest.raises(PosecheckError, match="pose model file not found"):
        PoseDetector(tmp_path / "missing.task")


@pytest.mark.slow
def test_model_option_accepts_a_task_file_given_by_path(tmp_path):
    import shutil

    copy = tmp_path / "my_pose_landmarker.task"
    shutil.copy(DEFAULT_MODEL, copy)
    with PoseDetector(copy) as detector:
        assert detector.model_path == copy
        assert detector.detect(np.zeros((128, 128, 3), np.uint8), 0.0) == []
