"""Validation: reading ground truth (hand-labelled clips) and scoring posecheck against it.

Used by the benchmarks and tests, not by an analysis."""
