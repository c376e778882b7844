//! Wire formats: what the command line and the fleet read from Second Look
//! (the JSON of an analysis). Built only from an analysis and the policy it
//! was judged under.

pub mod json;
