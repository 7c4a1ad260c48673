"""Local HTTP servers that speak the image providers' protocols, for tests and dev."""
