"""Minqing (民情): offline-first field data system for resident village cadres."""

__version__ = "0.1.0"
