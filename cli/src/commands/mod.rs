//! One module per command group; each has its clap `…Cmd` enum and a `run`.

pub mod dataset;
pub mod fl;
pub mod job;
pub mod model;
pub mod oracle;
pub mod provider;
mod receipt;
pub mod rewards;
pub mod store;
pub mod zk;

use deai_client::chain::api;
use deai_client::subxt::utils::AccountId32;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

use crate::ctx::Ctx;

/// Shows a version just published: `kind` is "model" or "dataset", `item` its id.
fn show_published(
	ctx: &Ctx,
	kind: &str,
	(item, version): (u64, u32),
	hash: &deai_client::content::ContentHash,
	size: u64,
	uri: &str,
) {
	let hash = deai_client::content::hex_hash(hash);
	ctx.out.show(
		|| format!("{kind} {item}:{version} published: {hash} ({size} bytes) at {uri}"),
		serde_json::json!({ kind: item, "version": version, "hash": hash, "size": size, "uri": uri }),
	);
}

/// The contributors given with `--contributor`, or the signer with 100%.
fn contributors(
	ctx: &Ctx,
	given: Vec<(AccountId32, Perbill)>,
) -> anyhow::Result<BoundedVec<(AccountId32, Perbill)>> {
	if given.is_empty() {
		return Ok(BoundedVec(vec![(ctx.sender()?.account, Perbill(1_000_000_000))]));
	}
	Ok(BoundedVec(given))
}
