"""The synthetic runner: rendered clips of a runner (or a walker), side-on or filmed along the
path from the front or behind, with exact ground truth.

- :mod:`~posecheck.synth.body`: segment lengths from height, de Leva masses, the true CoM
- :mod:`~posecheck.synth.gait`: a parametric running gait (technique controls, feet planted), or
  a walk (double support)
- :mod:`~posecheck.synth.timing`: seeded step-to-step timing variability (a time warp)
- :mod:`~posecheck.synth.camera`: static or panning pinhole camera, left-to-right or back; or a
  tripod on the path in front of the runner or behind
- :mod:`~posecheck.synth.render`: OpenCV drawing of a figure the pose model recognises
- :mod:`~posecheck.synth.presets`: named runners (``level-good``, ``downhill-braking``, ...)
- :mod:`~posecheck.synth.clip`: one clip from a :class:`~posecheck.synth.clip.ClipSpec`
- :mod:`~posecheck.synth.truth`: the truth files and :func:`~posecheck.synth.truth.load_truth`
- :mod:`~posecheck.synth.matrix`: technique matrices over realistic ranges, tuning/held-out
  split
- :mod:`~posecheck.synth.command`: ``posecheck synth``
"""
