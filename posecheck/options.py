"""``AnalysisOptions``: everything a user says about a run, validated once at the command line
before any video is read, then passed inward as one frozen object."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from pathlib import Path
from typing import Any

from posecheck.checks.context import Baseline
from posecheck.errors import PosecheckError, UsageError

PERSON_RULES = ("auto", "largest", "sideways")
MAX_WORKERS = 64
#: The annotated video's short side at most, px: a 720p video, sharp on a laptop or a phone,
#: for less than half the drawing and encoding of a 1080p one (README, Speed). The key frames
#: are cut from the frames as filmed whatever this is.
VIDEO_SHORT_SIDE_PX = 720
VIDEO_SHORT_SIDE_RANGE_PX = (144, 4320)
#: The pose stage's threads when ``--workers`` is not given, at most the cores. Two: they give
#: the single pass's landmarks (tests/test_pose_parallel.py) and ran the pose stage of a 24 s
#: 1080p clip 1.6 times as fast as one on this 2-core machine, for 65 MB more at the peak (556
#: against 491 MB; MediaPipe runs its models outside Python's lock, so one process holds both,
#: README, speed section). ``--workers 1`` for the least memory.
DEFAULT_WORKERS = 2


def parse_person(value: str | int | None) -> str | int:
    """``auto``, ``largest``, ``sideways`` or a person id (a whole number >= 0)."""
    if value is None:
        return "auto"
    if isinstance(value, int) or str(value).isdigit():
        return int(value)
    if value not in PERSON_RULES:
        raise UsageError(f"--person must be {', '.join(PERSON_RULES)} or a person id from "
                             f"people.json, got {value!r}")
    return str(value)


def load_baseline(path: str | Path) -> Baseline:
    """The runner's level run from an earlier ``analysis.json`` (or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "analysis.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PosecheckError(f"{path}: no such analysis (give an analysis.json or its "
                             "folder)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PosecheckError(f"{path}: not a posecheck analysis ({exc})") from exc
    if not isinstance(data, dict) or "checks" not in data or "gait" not in data:
        raise PosecheckError(f"{path}: not a posecheck analysis.json")
    gait, checks = data["gait"], data["checks"]
    if not isinstance(gait, (dict, type(None))) or not isinstance(checks, list) or not all(
            isinstance(c, dict) for c in checks):
        raise PosecheckError(f"{path}: not a posecheck analysis.json (its gait or checks are "
                             "not what posecheck writes)")
    cadence = (gait or {}).get("cadence_spm")  # null: the gait stage failed on that run
    lean = next((c.get("value") for c in checks if c.get("id") == "lean"), None)
    return Baseline(cadence_spm=_baseline_number(path, "gait.cadence_spm", cadence),
                    lean_vs_slope_normal_deg=_baseline_number(path, "the lean's value", lean),
                    source=str(path))


def _baseline_number(path: Path, what: str, value: Any) -> float:
    """A number of the baseline run (null: NaN, not measured), or a PosecheckError."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PosecheckError(f"{path}: not a posecheck analysis.json ({what} is {value!r:.40}, "
                             "not a number)")
    return float(value)


@dataclasses.dataclass(frozen=True)
class AnalysisOptions:
    """What the user told posecheck about the runner, the scene and the run.

    ``height_m``: runner's height (else lengths in leg lengths); ``slope_deg``: ground slope,
    negative downhill (else estimated from a static camera); ``camera``: ``"static"``,
    ``"pan"`` or None (inferred); ``camera_roll_deg``; ``sex`` (CoM segment table); ``person``:
    whom to follow; ``model_path``: another PoseLandmarker ``.task``; ``thresholds``: check id
    -> threshold overrides (:func:`posecheck.checks.config.load_thresholds`); ``baseline``:
    the runner's level run; ``write_video``: the annotated video; ``coach_mode``: the video
    freezes at each foot strike; ``video_short_side_px``: the annotated video's short side at
    most, px (None: the clip's size); ``slow_motion``: how many times slower than real time the clip
    plays (None: as the file's capture rate says, else 1); ``workers``: processes the pose
    stage of one clip runs in (:func:`posecheck.pose.detect_people`; None: :meth:`pose_workers`
    decides).
    """

    height_m: float | None = None
    slope_deg: float | None = None
    camera: str | None = None
    camera_roll_deg: float = 0.0
    sex: str = "male"
    person: str | int = "auto"
    model_path: Path | None = None
    thresholds: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    baseline: Baseline | None = None
    write_video: bool = True
    coach_mode: bool = False
    video_short_side_px: int | None = VIDEO_SHORT_SIDE_PX
    slow_motion: float | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.workers is not None and not 1 <= self.workers <= MAX_WORKERS:
            raise UsageError(f"--workers is how many threads the pose stage runs in "
                             f"(1-{MAX_WORKERS}), got {self.workers}")
        low, high = VIDEO_SHORT_SIDE_RANGE_PX
        if self.video_short_side_px is not None and not low <= self.video_short_side_px <= high:
            raise UsageError(f"--video-size is the annotated video's short side in pixels "
                             f"({low}-{high}) or 'full', got {self.video_short_side_px}")
        # 32: phones film up to 960 fps for 30 fps playback
        if self.slow_motion is not None and not 1.0 <= self.slow_motion <= 32.0:
            raise UsageError(f"--slow-motion is how many times slower than real time the clip "
                             f"plays (1-32), got {self.slow_motion:g}")
        if self.height_m is not None and not 0.5 <= self.height_m <= 2.5:
            raise UsageError(f"--height is the runner's height in metres (0.5-2.5), got "
                                 f"{self.height_m:g}")
        if self.slope_deg is not None and not -45 <= self.slope_deg <= 45:
            raise UsageError(f"--slope must be between -45 and 45 degrees, got "
                                 f"{self.slope_deg:g}")
        if self.camera not in ("static", "pan", None):
            raise UsageError(f"--camera must be static or pan, got {self.camera!r}")
        if not -45 <= self.camera_roll_deg <= 45:
            raise UsageError(f"--roll must be between -45 and 45 degrees, got "
                                 f"{self.camera_roll_deg:g}")
        if self.sex not in ("male", "female"):
            raise UsageError(f"--sex must be male or female, got {self.sex!r}")
        object.__setattr__(self, "person", parse_person(self.person))
        if self.model_path is not None and not Path(self.model_path).is_file():
            raise PosecheckError(f"{self.model_path}: pose model file not found")

    def pose_workers(self) -> int:
        """The pose stage's threads: ``workers`` when given, else :data:`DEFAULT_WORKERS`
        (see there), never more than the cores this process may use."""
        if self.workers is not None:
            return self.workers
        return max(1, min(DEFAULT_WORKERS, len(os.sched_getaffinity(0))))

    def gait_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`posecheck.gait.analysis.analyze_gait`."""
        return {"height_m": self.height_m, "slope_deg": self.slope_deg, "camera": self.camera,
                "camera_roll_deg": self.camera_roll_deg, "sex": self.sex}

    def as_dict(self) -> dict[str, Any]:
        """The settings as written into ``analysis.json``."""
        return {"height_m": self.height_m, "slope_deg": self.slope_deg, "camera": self.camera,
                "camera_roll_deg": self.camera_roll_deg, "sex": self.sex,
                "person": self.person,
                "model": str(self.model_path) if self.model_path else "bundled",
                "thresholds": self.thresholds,
                "baseline": self.baseline.source if self.baseline else None,
                "slow_motion": self.slow_motion, "coach_mode": self.coach_mode,
                "video_short_side_px": self.video_short_side_px}
