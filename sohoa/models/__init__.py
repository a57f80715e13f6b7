"""Typed values passed between stages and returned to the edges."""
