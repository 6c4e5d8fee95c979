//! One module per command group; each has its clap `…Cmd` enum and a `run`.

pub mod dataset;
pub mod job;
pub mod model;
pub mod provider;
mod receipt;
pub mod rewards;
pub mod store;

use deai_client::chain::api;
use deai_client::subxt::utils::AccountId32;

use api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

use crate::ctx::Ctx;

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
