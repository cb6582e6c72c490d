"""wallboard (see DESIGN.md)."""
