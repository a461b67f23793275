"""The core's own GraphQL operations, registered through the same hooks as every plugin."""
