"""Errors the store raises; each carries a message fit to print as one line."""


class StoreError(Exception):
    """A store that cannot be opened or written, explained in one line."""


class LockTimeout(StoreError):
    """Another process held the store's lock for too long."""


class IndexBusy(StoreError):
    """Another process is writing the search index (an import, say): try again shortly."""


class IndexDamaged(StoreError):
    """The search index file was found damaged and has been started afresh: it holds
    nothing until it is caught up with the store."""


class BackendUnavailable(StoreError):
    """An entity backend that is unknown or cannot run here, explained in one line."""
