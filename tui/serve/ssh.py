"""The SSH library, imported here for every module of the server.

Importing it makes the ``cryptography`` package warn that DSA is deprecated, ten lines on
stderr of every ``newsdesk serve`` run; the server offers no DSA keys, so exactly that
warning class, raised while the library loads, is not shown.
"""

from __future__ import annotations

import warnings

from cryptography.utils import CryptographyDeprecationWarning

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning, module="asyncssh")
    import asyncssh

__all__ = ["asyncssh"]
