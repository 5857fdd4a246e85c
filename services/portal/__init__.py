"""The portal: the web pages applicants, hosts and the office use (issue 14)."""
