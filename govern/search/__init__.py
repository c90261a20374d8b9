"""Norwegian full-text search over treatments: text handling, the index, and the queries."""
