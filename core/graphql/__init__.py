"""GraphQL: schema composition, the execution path with its limits, shared types."""
