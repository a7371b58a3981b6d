"""The coaching checks, one module each, in the order a coach reviews them, and how they run.

Each check module holds ``INFO`` (:class:`~posecheck.checks.context.CheckInfo`: id, name, what
it measures, why it matters, the cues, the source of every threshold), ``check(ctx, *,
thresholds...)`` returning a :class:`~posecheck.checks.finding.Finding`, and ``bands(thresholds,
baseline)``: its verdict by the headline value (:mod:`posecheck.checks.bands`), the one place
its rule is written; a check whose verdict reads more than the headline (the lean) also holds
``JUDGED`` (the measure ids) and ``verdict_of(values, thresholds, baseline)``. Each finding
says which other verdicts its values' typical error reaches (:mod:`posecheck.checks.borderline`).
Thresholds are the keyword parameters of ``check``; their defaults are the published ones, and a
TOML file (``--checks-config``) may change them (:mod:`posecheck.checks.config`).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from types import ModuleType

from posecheck.checks import arms, cadence, knee, landing, lean
from posecheck.checks.bands import Bands
from posecheck.checks.borderline import within_reach
from posecheck.checks.context import Baseline, CheckContext
from posecheck.checks.finding import Finding
from posecheck.gait.analysis import GaitAnalysis

#: The registry: every check posecheck runs, in report order.
CHECKS: tuple[ModuleType, ...] = (lean, knee, landing, arms, cadence)
BY_ID: dict[str, ModuleType] = {module.INFO.id: module for module in CHECKS}


def default_thresholds(module: ModuleType) -> dict[str, float]:
    """The keyword parameters of a check's ``check`` function with their defaults."""
    parameters = inspect.signature(module.check).parameters.values()
    return {p.name: p.default for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


def headline_bands(check_id: str, thresholds: Mapping[str, float],
                   baseline: Baseline | None = None) -> Bands | None:
    """The verdict bands of a check's headline measure under ``thresholds`` (a finding's
    ``thresholds``: every keyword of its ``check``), or None for an unknown check id or
    thresholds that lack one the rule needs."""
    module = BY_ID.get(check_id)
    if module is None:
        return None
    try:
        return module.bands(thresholds, baseline)
    except KeyError:
        return None


def run_checks(gait: GaitAnalysis, *, thresholds: dict[str, dict[str, float]] | None = None,
               baseline: Baseline | None = None) -> tuple[Finding, ...]:
    """Every check on one gait analysis. ``thresholds`` maps a check id to the keyword values
    that replace its defaults (validated by :func:`posecheck.checks.config.load_thresholds`)."""
    ctx = CheckContext.from_gait(gait, baseline)
    findings = []
    for module in CHECKS:
        overrides = (thresholds or {}).get(module.INFO.id, {})
        finding = module.check(ctx, **overrides)
        used = {**default_thresholds(module), **overrides}
        findings.append(dataclasses.replace(
            finding, thresholds=used, borderline=borderline_verdicts(module, finding, used,
                                                                     baseline)))
    return tuple(findings)


def borderline_verdicts(module: ModuleType, finding: Finding, thresholds: Mapping[str, float],
                        baseline: Baseline | None = None) -> tuple[str, ...]:
    """The verdicts within reach of ``finding``'s values' typical error under its check's rule
    (:func:`posecheck.checks.borderline.within_reach`)."""
    measures = {m.id: m for m in (finding.measure, *finding.details)}
    ids = getattr(module, "JUDGED", (finding.measure.id,))
    if not all(i in measures for i in ids):
        return ()
    if hasattr(module, "verdict_of"):
        def verdict_of(values: Mapping[str, float]) -> str:
            return module.verdict_of(values, thresholds, baseline)
    else:
        bands = headline_bands(module.INFO.id, thresholds, baseline)
        if bands is None:
            return ()

        def verdict_of(values: Mapping[str, float]) -> str:
            return bands.grade(values[finding.measure.id])
    return within_reach(finding, tuple(measures[i] for i in ids), verdict_of)
