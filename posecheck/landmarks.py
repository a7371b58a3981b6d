"""The 33 MediaPipe pose landmarks: names, indices, left/right pairs and the drawn skeleton.

Every keypoint array in posecheck has the landmark on axis 1 in this order, so
``keypoints[:, LEFT_KNEE]`` is the left knee over time.
"""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip
N_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = INDEX["nose"]
LEFT_SHOULDER, RIGHT_SHOULDER = INDEX["left_shoulder"], INDEX["right_shoulder"]
LEFT_ELBOW, RIGHT_ELBOW = INDEX["left_elbow"], INDEX["right_elbow"]
LEFT_WRIST, RIGHT_WRIST = INDEX["left_wrist"], INDEX["right_wrist"]
LEFT_HIP, RIGHT_HIP = INDEX["left_hip"], INDEX["right_hip"]
LEFT_KNEE, RIGHT_KNEE = INDEX["left_knee"], INDEX["right_knee"]
LEFT_ANKLE, RIGHT_ANKLE = INDEX["left_ankle"], INDEX["right_ankle"]
LEFT_HEEL, RIGHT_HEEL = INDEX["left_heel"], INDEX["right_heel"]
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = INDEX["left_foot_index"], INDEX["right_foot_index"]


def _mirror_name(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    if name == "mouth_left":
        return "mouth_right"
    if name == "mouth_right":
        return "mouth_left"
    return name


#: ``MIRROR[i]`` is the index of landmark i's left/right counterpart (itself for the nose).
MIRROR: tuple[int, ...] = tuple(INDEX[_mirror_name(n)] for n in NAMES)

#: Landmark indices of each leg, hip to toe, used for swap repair and drawing.
LEG = {
    "left": (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX),
    "right": (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_FOOT_INDEX),
}
ARM = {
    "left": (LEFT_SHOULDER, LEFT_ELBOW, LEFT_WRIST),
    "right": (RIGHT_SHOULDER, RIGHT_ELBOW, RIGHT_WRIST),
}

#: Bones drawn on the overlay, by side: ``"left"``, ``"right"`` or ``"centre"`` (head and the
#: shoulder and hip girdles).
BONES: tuple[tuple[int, int, str], ...] = (
    (LEFT_SHOULDER, LEFT_ELBOW, "left"), (LEFT_ELBOW, LEFT_WRIST, "left"),
    (LEFT_SHOULDER, LEFT_HIP, "left"), (LEFT_HIP, LEFT_KNEE, "left"),
    (LEFT_KNEE, LEFT_ANKLE, "left"), (LEFT_ANKLE, LEFT_HEEL, "left"),
    (LEFT_HEEL, LEFT_FOOT_INDEX, "left"), (LEFT_ANKLE, LEFT_FOOT_INDEX, "left"),
    (RIGHT_SHOULDER, RIGHT_ELBOW, "right"), (RIGHT_ELBOW, RIGHT_WRIST, "right"),
    (RIGHT_SHOULDER, RIGHT_HIP, "right"), (RIGHT_HIP, RIGHT_KNEE, "right"),
    (RIGHT_KNEE, RIGHT_ANKLE, "right"), (RIGHT_ANKLE, RIGHT_HEEL, "right"),
    (RIGHT_HEEL, RIGHT_FOOT_INDEX, "right"), (RIGHT_ANKLE, RIGHT_FOOT_INDEX, "right"),
    (LEFT_SHOULDER, RIGHT_SHOULDER, "centre"), (LEFT_HIP, RIGHT_HIP, "centre"),
    (NOSE, INDEX["left_ear"], "centre"), (NOSE, INDEX["right_ear"], "centre"),
)  # fmt: skip


def side_of(index: int) -> str:
    """``"left"``, ``"right"`` or ``"centre"`` for a landmark index."""
    name = NAMES[index]
    if name.startswith("left_") or name == "mouth_left":
        return "left"
    if name.startswith("right_") or name == "mouth_right":
        return "right"
    return "centre"
