"""The teaching video, the key frames and the contact sheet of a coach review.

- :mod:`posecheck.annotate.draw`: colours, text, lines, arcs and the shared style;
- :mod:`posecheck.annotate.elements`: one annotator per measure drawn on the body (ground line,
  lean, trunk and waist, knee, plumb line and foot offset, arm, the unknown mark);
- :mod:`posecheck.annotate.panel`: the panel of cadence and verdicts;
- :mod:`posecheck.annotate.strikes`: per foot strike, the points and the checks' values drawn;
- :mod:`posecheck.annotate.compose`: which strike shows on which frame, one frame's drawing;
- :mod:`posecheck.annotate.stills`: the key-frame stills and the contact sheet;
- :mod:`posecheck.annotate.teaching`: :func:`write_teaching_video` and :func:`write_key_frames`.
"""

from posecheck.annotate.teaching import (
    KeyFrame,
    coach_mode_extra_frames,
    write_key_frames,
    write_teaching_video,
)

__all__ = ["KeyFrame", "coach_mode_extra_frames", "write_key_frames", "write_teaching_video"]
