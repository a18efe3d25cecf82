"""evacsim report: HTML reports and figures of evacsim result files.

Run through `evacsim report` or `viz/evacsim-report` (docs/report.md).
"""
