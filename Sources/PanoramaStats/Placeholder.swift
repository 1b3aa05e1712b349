// Filled in by the statistics work.
