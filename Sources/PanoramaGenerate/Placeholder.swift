// Filled in by the generator work.
