"""Each release teaching the next: retros from the activity log, the label's statistics, and its own
playbooks, tuned from that history."""
