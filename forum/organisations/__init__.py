"""The pilot organisations' own pages: who they are, their coordinators, their good practices
and the practices they tried; their initial assessment and the goals they set from it."""
