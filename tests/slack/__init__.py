"""Through the real Bolt app: signed HTTP requests shaped like Slack's, against the Web API stand-in."""
