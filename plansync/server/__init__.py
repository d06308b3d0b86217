"""The team instance: `plansync serve`, a REST API over a store (docs/server.md)."""
