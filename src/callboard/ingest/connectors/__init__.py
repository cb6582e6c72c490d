"""Callboard ingest/connectors layer."""
