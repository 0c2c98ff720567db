"""PE images: parsing and checking them (bounded readers of our own), and laying them out as the loader does."""
