"""Signed documents: key ring (rotation, JWKS), compact COSE_Sign1 QR payloads, issued-document registry."""
