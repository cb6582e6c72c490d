"""Callboard store layer."""
