"""Authentication: access tokens for people, client-credential tokens for partners."""
