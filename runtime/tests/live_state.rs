//! The runtime's checks against a live chain's state: try-runtime's upgrade checks
//! (`on_runtime_upgrade` of every pallet with its `pre_upgrade`/`post_upgrade`, and each pallet's
//! storage version against its code's), every pallet's `try_state`, and the books of
//! `common::books` (holds explained by records, pins, the rewards pot, issuance, reference
//! counts).
//!
//! The state is a snapshot of a running node (`tests/e2e/lib/snapshot.mjs <ws url> <file>`; the
//! e2e suite writes one of its chain at the end of its run), named by `DEAI_LIVE_STATE`:
//!
//! ```sh
//! DEAI_LIVE_STATE=state.json cargo test -p deai-runtime --features try-runtime --test live_state
//! ```
//!
//! `make test-live-state` runs it on the e2e chain's state. Without a snapshot it says so and
//! passes; without `try-runtime` only the books are checked.

mod common;

use common::{accounts, books};
use deai_runtime::{BlockNumber, System};
use sp_runtime::Storage;

/// The snapshot named by `DEAI_LIVE_STATE`: its block number and its top-level storage.
fn snapshot() -> Option<(BlockNumber, Storage)> {
	let path = std::env::var("DEAI_LIVE_STATE").ok()?;
	let json: serde_json::Value = serde_json::from_slice(
		&std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}")),
	)
	.unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
	let block = json["block"].as_u64().expect("the snapshot's block number") as BlockNumber;
	let hex = |value: &serde_json::Value| {
		let text = value.as_str().expect("a hex string");
		hex::decode(text.trim_start_matches("0x")).expect("hex")
	};
	let mut storage = Storage::default();
	for pair in json["pairs"].as_array().expect("the snapshot's pairs") {
		let key = hex(&pair[0]);
		// Child tries (a contract's storage) are not in the snapshot: their roots in the top
		// trie would make externalities expect them.
		if key.starts_with(b":child_storage:") {
			continue;
		}
		storage.top.insert(key, hex(&pair[1]));
	}
	Some((block, storage))
}

#[test]
fn the_runtime_upgrades_and_keeps_its_invariants_on_live_state() {
	let Some((block, storage)) = snapshot() else {
		eprintln!("no DEAI_LIVE_STATE snapshot: nothing to check");
		return;
	};
	let items = storage.top.len();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(System::block_number(), block, "the snapshot's state is its block's");
		#[cfg(feature = "try-runtime")]
		{
			use frame_try_runtime::UpgradeCheckSelect;
			let weight = deai_runtime::Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
				.unwrap_or_else(|e| panic!("the upgrade checks fail on block #{block}: {e:?}"));
			println!("on_runtime_upgrade on block #{block} ({items} items): {weight:?}");
		}
		let broken = books::check(books::OtherHolds::Allowed, accounts::name);
		assert!(broken.is_empty(), "the books of block #{block}:\n{}", broken.join("\n"));
	});
	if cfg!(not(feature = "try-runtime")) {
		println!(
			"block #{block} ({items} items): the books hold; build with try-runtime for the rest"
		);
	}
}
