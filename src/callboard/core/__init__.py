"""Callboard core layer."""
