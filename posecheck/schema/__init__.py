"""JSON Schemas of posecheck's output files (``analysis.schema.json`` for ``analysis.json``)."""
