"""PE images: parsing and checking them (pefile), and laying them out in an address space as the loader does."""
