"""supportlens: support-operations reporting from help-desk exports."""

__version__ = "0.1.0"
