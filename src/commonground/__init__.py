"""Common Ground: a trusted local data hub for school-community collaboration."""

__version__ = "0.1.0"
