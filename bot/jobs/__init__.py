"""The work after the ack: one job per kind of request kept in the inbox. A job asks Slack what it must
before its transaction, lets the domain decide and save inside it, and returns what to tell Slack after."""
