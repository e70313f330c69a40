"""Training groups: a named set of members (a coordinator training cohort) whose boards nobody
else sees; staff invite the members, and each accepts."""
