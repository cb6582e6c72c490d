"""scorecards (see DESIGN.md)."""
