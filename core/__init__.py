"""The thin core: identity, accounts, auth, registries, documents, audit, rollout and the plugin host."""
