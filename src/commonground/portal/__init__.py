"""Pages for families and the public: the transparency page (and, next, the parent and eligible-student portal)."""
