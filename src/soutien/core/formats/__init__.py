"""Date and time formats of the site (settings.FORMAT_MODULE_PATH)."""
