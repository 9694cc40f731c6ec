"""Settings split by environment: base, dev, test, production. Secrets come only from the environment."""
