"""Supervisors' reports: visit coverage, spot-check results, the recall list, open conflicts."""
