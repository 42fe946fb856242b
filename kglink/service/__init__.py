"""kglink's HTTP service (``kglink serve``): FastAPI routes over the graph and the query
library, API keys with roles, identifier masking by role and a hash-chained audit log."""
