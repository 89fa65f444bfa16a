"""Offline-safe, exactly-once sync client for Field Work Order on Odoo 18."""

__all__: list[str] = []
__version__ = "18.0.1.0.0"
