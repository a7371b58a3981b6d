"""What the test files share, in one place instead of imported from each other.

- :mod:`support.paths`: the repository, ``sample_videos/``, ``../shared`` and the posecheck under
  test (the checkout, or site-packages with an installed wheel)
- :mod:`support.commands`: running ``posecheck`` in a subprocess, offline
- :mod:`support.analyses`: the analyses several files read (the session fixtures of
  ``tests/conftest.py`` call these once per session)
- :mod:`support.corpus`: the inputs of the bad-input corpus (``tests/test_corpus.py``)
- :mod:`support.toy`: a hand-made runner whose foot events are known exactly
- :mod:`support.model_watch`: the check that every test running the pose model is marked
  ``slow`` (hooks installed by ``tests/conftest.py``)

The tests find this package beside them (pytest puts ``tests/`` on ``sys.path``: it has no
``__init__.py``), also when they run from outside the checkout against an installed wheel
(``.ci/run``): it is not part of the wheel and needs no install.
"""
