"""quality (see DESIGN.md)."""
