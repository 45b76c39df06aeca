"""Demo data for Lillestrøm kommune: `load_demo` in `loader`, one module per part of the story."""
