"""A run's self-contained HTML report: ``write_report(run_dir, "report.html")``.

Also ``RunResult.report`` and ``autoglm report RUN``. The report needs jinja2 and matplotlib
(the ``report`` extra); it reads the run folder, reloads the saved model and predicts the run's
test split (rebuilt from spec.json) for the calibration curve and the explained examples.
"""

from __future__ import annotations

from openautoglm.report.run_files import ReportError

try:
    from openautoglm.report.build import SECTIONS, build_report, default_report_path, write_report
except ImportError as exc:  # jinja2 or matplotlib missing
    if exc.name not in ("jinja2", "matplotlib"):
        raise
    raise ImportError(
        f"the report needs {exc.name}: pip install 'openautoglm[report]'", name=exc.name
    ) from exc

__all__ = ["SECTIONS", "ReportError", "build_report", "default_report_path", "write_report"]
