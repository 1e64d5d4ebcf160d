"""Exports (CSV, XLSX) of the family files, visits and spot checks in the caller's scope."""
