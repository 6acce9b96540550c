"""Analyst exports: gap reports as Excel, self-contained HTML and CSV."""
