"""Callboard demo layer."""
