"""A release's money: amounts read exactly as people type them, and the budget against what was spent."""
