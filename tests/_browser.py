"""Chromium for the browser tests: the launcher shared with the screenshot scripts."""

from scripts._odoo_server import launch, login

__all__ = ["launch", "login"]
