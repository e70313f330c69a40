"""Privacy: a member's copy of their data, erasing an account, the privacy notice and the
retention of what outlives its purpose. Above every domain whose data it gathers or erases."""
