"""What posecheck shows a coach: the offline HTML report of one clip and the index page of a
session of clips.

- :func:`~posecheck.report.html.write_report`: one self-contained HTML file per clip (cards,
  warnings, video, key frames, plots, step table, settings);
- :func:`~posecheck.report.index.write_index`: one page linking a session's reports, with each
  clip's verdicts, or the error of a clip that failed;
- :mod:`posecheck.report.plots` (the figures), :mod:`posecheck.report.signals` (the per-frame
  signals they draw), :mod:`posecheck.report.page` (the shared page shell and formatting).
"""

from posecheck.report.html import KeyFrameLike, write_report
from posecheck.report.index import CheckSummary, IndexEntry, write_index

__all__ = ["CheckSummary", "IndexEntry", "KeyFrameLike", "write_index", "write_report"]
