"""Which tickets will breach: the breach-risk model at creation, its scores and its review threshold."""
