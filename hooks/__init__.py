"""The plain Git hook script, shipped as package data (see pyproject)."""
