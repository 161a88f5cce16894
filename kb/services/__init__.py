"""Domain operations: keyword-only functions taking a session; they never commit."""
