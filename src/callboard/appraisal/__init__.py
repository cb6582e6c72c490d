"""appraisal (see DESIGN.md)."""
