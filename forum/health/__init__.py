"""Health for load balancers and operators: /healthz (the process answers) and /readyz (the
database answers, its schema is the code's, and a job worker beat recently)."""
