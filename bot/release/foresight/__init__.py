"""Seeing ahead across the label: clashes and workload, the critical path to each hard deadline, the catch-up
plan, the weekly picture and the calendar feeds."""
