"""``analysis.json`` against its JSON Schema (``posecheck/schema/analysis.schema.json``).

The documents are built from a synthetic clip's exact landmarks (no pose model), through the real
cleaning, gait and checks stages and :meth:`posecheck.result.Analysis.to_json`, so a field renamed
or retyped in the code and not in the schema (or the reverse) fails here.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from posecheck import cleaning
from posecheck.checks.finding import Accuracy
from posecheck.checks.registry import run_checks
from posecheck.gait import analyze_gait
from posecheck.options import AnalysisOptions
from posecheck.result import SCHEMA_PATH, SCHEMA_VERSION, Analysis, collect_warnings
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.video import VideoInfo

SLOPE_DEG = -8.0


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def clip() -> SyntheticClip:
    # A panning camera keeps the runner in frame, so 3 s hold enough strides for the checks to
    # judge (lean: fix, cadence: good) while others stay unknown on the exact landmarks.
    spec = ClipSpec(gait=preset_params("downhill-braking"), preset="downhill-braking",
                    camera="pan", fps=60.0, seconds=3.0)
    return SyntheticClip(spec)


def _info(clip: SyntheticClip) -> VideoInfo:
    spec = clip.spec
    n = len(clip.time_s)
    return VideoInfo(path=Path("synthetic/downhill-braking_pan_ltr.mp4"), width=spec.width,
                     height=spec.height, fps=spec.fps, duration_s=n / spec.fps, n_frames=n,
                     rotation_deg=0, codec="h264")


def _roundtrip(document: dict) -> dict:
    """What a reader of analysis.json gets; NaN or a numpy type that json cannot write fails."""
    return json.loads(json.dumps(document, indent=1, allow_nan=False))


@pytest.fixture(scope="module")
def analysis(clip: SyntheticClip) -> Analysis:
    raw = clip.exact_pose()
    pose = cleaning.clean(raw)
    options = AnalysisOptions(height_m=clip.spec.height_m, slope_deg=SLOPE_DEG, camera="pan",
                              write_video=False)
    gait = analyze_gait(pose, **options.gait_kwargs())
    findings = run_checks(gait)
    return Analysis(video=Path("synthetic/downhill-braking_pan_ltr.mp4"), info=_info(clip),
                    options=options, raw=raw, pose=pose, person_id=0, people=[{"id": 0}],
                    gait=gait, gait_error="", findings=findings,
                    warnings=collect_warnings(pose, gait, "", findings),
                    pose_seconds=2.5, total_seconds=2.75)


@pytest.fixture(scope="module")
def document(analysis: Analysis) -> dict:
    return _roundtrip(analysis.to_json())


@pytest.fixture(scope="module")
def failed_document(clip: SyntheticClip) -> dict:
    """The gait stage failed: gait null, no checks, a gait_failed warning."""
    pose = clip.exact_pose()
    error = "too few foot contacts to find steps"
    result = Analysis(video=Path("synthetic/downhill-braking_pan_ltr.mp4"), info=_info(clip),
                      options=AnalysisOptions(write_video=False), raw=pose, pose=pose,
                      person_id=3, people=[{"id": 3}, {"id": 4}], gait=None, gait_error=error,
                      findings=(), warnings=collect_warnings(pose, None, error, ()),
                      pose_seconds=0.0, total_seconds=0.1)
    return _roundtrip(result.to_json())


def _errors(validator: Draft202012Validator, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(document)]


# -- the schema itself ---------------------------------------------------------------------------

def test_schema_is_a_valid_2020_12_schema(schema: dict) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]


def test_every_property_is_described(schema: dict) -> None:
    """Every field the schema declares says what it is (conditional rules, which only restate
    fields declared elsewhere, are not declarations)."""
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if not (isinstance(sub, dict) and sub.get("description")):
                    missing.append(f"{where}/properties/{name}")
            for key, sub in node.items():
                if key not in ("if", "then", "else", "not"):
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for k, sub in enumerate(node):
                walk(sub, f"{where}/{k}")

    walk(schema, "#")
    assert not missing, f"properties without a description: {missing}"


def test_schema_version_matches(schema: dict, document: dict) -> None:
    assert document["schema_version"] == SCHEMA_VERSION
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


# -- real documents validate ---------------------------------------------------------------------

def test_analysis_document_validates(validator: Draft202012Validator, document: dict) -> None:
    assert _errors(validator, document) == []


def test_document_covers_judged_and_unknown_checks(document: dict) -> None:
    """The fixture exercises both branches of the verdict rules, with events and details."""
    verdicts = {c["verdict"] for c in document["checks"]}
    assert verdicts & {"good", "watch", "fix"}
    assert "unknown" in verdicts
    assert document["gait"]["events"] and document["gait"]["steps"]
    assert any(c["details"] for c in document["checks"])
    assert document["cleaning"]  # the cleaning stage's record is carried through


def test_failed_gait_document_validates(validator: Draft202012Validator,
                                        failed_document: dict) -> None:
    assert failed_document["gait"] is None
    assert failed_document["checks"] == []
    assert "gait_failed" in [w["code"] for w in failed_document["warnings"]]
    assert failed_document["timing"]["pose_stage_fps"] is None
    assert _errors(validator, failed_document) == []


def test_measured_accuracy_validates(validator: Draft202012Validator,
                                     analysis: Analysis) -> None:
    """No measure has a published accuracy yet; one that has must still fit the schema."""
    accuracy = Accuracy(1.25, 3.5, "synthetic technique matrix (test)")
    finding = analysis.findings[0]
    measure = dataclasses.replace(finding.measure, accuracy=accuracy)
    details = tuple(dataclasses.replace(d, accuracy=accuracy) for d in finding.details)
    finding = dataclasses.replace(finding, measure=measure, details=details)
    with_accuracy = dataclasses.replace(analysis, findings=(finding, *analysis.findings[1:]))
    document = _roundtrip(with_accuracy.to_json())
    assert document["checks"][0]["accuracy"] == {"median_abs_error": 1.25,
                                                 "p90_abs_error": 3.5,
                                                 "source": "synthetic technique matrix (test)"}
    assert _errors(validator, document) == []


def test_borderline_validates_and_may_be_absent(validator: Draft202012Validator,
                                               document: dict) -> None:
    """A judged check names the verdicts within reach; files written before it lack the key."""
    judged = _first(document, ("good", "watch", "fix"))
    assert all(isinstance(c["borderline"], list) for c in document["checks"])
    within = copy.deepcopy(document)
    other = "fix" if within["checks"][judged]["verdict"] != "fix" else "watch"
    within["checks"][judged]["borderline"] = [other]
    assert _errors(validator, within) == []
    older = copy.deepcopy(document)
    for check in older["checks"]:
        del check["borderline"]
    assert _errors(validator, older) == []


# -- broken documents fail -----------------------------------------------------------------------

def _first(document: dict, verdicts: tuple[str, ...]) -> int:
    return next(k for k, c in enumerate(document["checks"]) if c["verdict"] in verdicts)


def _drop_verdict(d: dict, judged: int, unknown: int) -> None:
    del d["checks"][0]["verdict"]


def _great_verdict(d: dict, judged: int, unknown: int) -> None:
    d["checks"][judged]["verdict"] = "great"


def _unknown_without_reason(d: dict, judged: int, unknown: int) -> None:
    d["checks"][unknown]["reason"] = ""


def _renamed_check_field(d: dict, judged: int, unknown: int) -> None:
    d["checks"][0]["n_step"] = d["checks"][0].pop("n_steps")


def _renamed_detail_field(d: dict, judged: int, unknown: int) -> None:
    detail = next(c["details"][0] for c in d["checks"] if c["details"])
    detail["median"] = detail.pop("value")


def _renamed_event_field(d: dict, judged: int, unknown: int) -> None:
    d["gait"]["events"][0]["ic_time"] = d["gait"]["events"][0].pop("ic_s")


def _bad_warning_code(d: dict, judged: int, unknown: int) -> None:
    d["warnings"].append({"code": "Not-A-Code", "message": "x"})


def _nan_as_string(d: dict, judged: int, unknown: int) -> None:
    d["checks"][judged]["value"] = "NaN"


def _judged_without_steps(d: dict, judged: int, unknown: int) -> None:
    d["checks"][judged]["n_steps"] = 0


def _wrong_schema_version(d: dict, judged: int, unknown: int) -> None:
    d["schema_version"] = "0.9"


def _missing_timing(d: dict, judged: int, unknown: int) -> None:
    del d["timing"]


def _unknown_with_borderline(d: dict, judged: int, unknown: int) -> None:
    d["checks"][unknown]["borderline"] = ["good"]


def _borderline_not_a_verdict(d: dict, judged: int, unknown: int) -> None:
    d["checks"][judged]["borderline"] = ["unknown"]


MUTATIONS = {f.__name__.lstrip("_"): f for f in (
    _drop_verdict, _great_verdict, _unknown_without_reason, _renamed_check_field,
    _renamed_detail_field, _renamed_event_field, _bad_warning_code, _nan_as_string,
    _judged_without_steps, _wrong_schema_version, _missing_timing, _unknown_with_borderline,
    _borderline_not_a_verdict)}


@pytest.mark.parametrize("name", MUTATIONS)
def test_broken_document_fails(validator: Draft202012Validator, document: dict,
                               name: str) -> None:
    broken = copy.deepcopy(document)
    MUTATIONS[name](broken, _first(broken, ("good", "watch", "fix")), _first(broken, ("unknown",)))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_unknown_reason_rule_names_the_reason(validator: Draft202012Validator,
                                              document: dict) -> None:
    broken = copy.deepcopy(document)
    unknown = _first(broken, ("unknown",))
    broken["checks"][unknown]["reason"] = ""
    errors = list(validator.iter_errors(broken))
    assert [list(e.absolute_path) for e in errors] == [["checks", unknown, "reason"]]
