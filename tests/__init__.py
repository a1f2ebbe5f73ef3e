"""Tests of the briefing project: real code over real HTTP on 127.0.0.1."""
