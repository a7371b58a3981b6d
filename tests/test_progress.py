"""The progress bar draws on a terminal and stays silent otherwise."""

from posecheck.progress import Progress


def test_progress_bar_reaches_the_total_on_one_line(capsys):
    bar = Progress("pose", 4, enabled=True)
    for _ in range(4):
        bar.update()
    bar.close()
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1
    assert err.rstrip().split("\r")[-1].startswith("pose")
    assert "[" + "#" * 28 + "] 4/4 frames" in err


def test_progress_is_silent_when_disabled(capsys):
    bar = Progress("pose", 4, enabled=False)
    bar.update(4)
    bar.close()
    assert capsys.readouterr().err == ""
