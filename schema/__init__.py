"""The format contract: JSON Schema files shipped as package data (see pyproject)."""
