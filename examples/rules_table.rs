//! Print the rule table for README.md (a test checks the README matches):
//! `cargo run -q --example rules_table`
fn main() {
    println!("| rule | what it detects | severity |\n|---|---|---|");
    for r in secondlook::rules::LINK_RULES {
        println!("| `{}` | {} | {} |", r.id, r.detects, r.severity);
    }
    for r in secondlook::rules::RELATION_RULES {
        println!("| `{}` | {} | {} |", r.id, r.detects, r.severity);
    }
    for r in secondlook::rules::MESSAGE_RULES {
        println!("| `{}` | {} | {} |", r.id, r.detects, r.severity);
    }
}
