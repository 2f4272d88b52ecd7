"""Per-statement SQL analysis: the tables, predicates, joins, sort and paging of one query shape."""
