"""Neural-network helpers (placeholder)."""
