"""briefing: Korean government press releases collected, faithfully summarised and published."""

__version__ = "0.1.0"
