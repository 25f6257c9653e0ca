def register() -> None:
    """Pelican's entry point. The plugin, and Pelican with it, is imported only
    here: `build.py check` and the tests use this package without Pelican."""
    from .plugin import register as connect

    connect()
