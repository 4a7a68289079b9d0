"""Instance-wide blocks: email domains, canonical emails and IP ranges refused at sign-up
(or, for `no_access` IP blocks, on every request), and the federation policy towards other
servers (domain blocks and allows), stored now for federation to apply later."""
