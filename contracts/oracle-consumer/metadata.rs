//! Prints the oracle consumer contract's ink! metadata (its ABI) as JSON: `scripts/build-contracts.sh` adds
//! the code hash and writes `deai_oracle_consumer.json`, which polkadot.js' api-contract reads.

// Links the contract, whose `std` build defines `__ink_generate_metadata`.
use deai_oracle_consumer as _;

extern "Rust" {
	fn __ink_generate_metadata() -> ink::metadata::InkProject;
}

fn main() {
	// SAFETY: the symbol is the function ink!'s codegen defines with exactly this signature.
	let project = unsafe { __ink_generate_metadata() };
	println!("{}", serde_json::to_string_pretty(&project).expect("the metadata serializes"));
}
