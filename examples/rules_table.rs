//! Print the rule tables for README.md (a test checks the README matches):
//! `cargo run -q --example rules_table`. First what each rule detects, then
//! its examples (the data its registry test runs).
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
    println!();
    print!("{}", secondlook::rules::examples_table());
}
