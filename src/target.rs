//! Which cluster istioup talks to, resolved by kubectl's rules.
