"""Events: regional workshops, training days and online meetings, with sign-up and a waiting
list, a discussion thread each, and calendars (iCal) for everyone who may see them."""
