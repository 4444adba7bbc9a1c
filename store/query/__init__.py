"""The query language: one parser for the search pane and the command line."""

from store.query.nodes import Query, QueryError
from store.query.parser import parse_query

__all__ = ["Query", "QueryError", "parse_query"]
