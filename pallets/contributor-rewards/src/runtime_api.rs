//! `ContributorRewardsApi`: the rewards' queries.

use crate::types::{EpochIndex, PerCategory, PotInfo};
use alloc::vec::Vec;
use codec::Codec;
use sp_runtime::Perbill;

sp_api::decl_runtime_apis! {
	/// Queries of the contributor rewards.
	pub trait ContributorRewardsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The current epoch, the block it started at and the block it ends at.
		fn current_epoch() -> (EpochIndex, BlockNumber, BlockNumber);

		/// An account's points per category in the current epoch.
		fn points(who: AccountId) -> PerCategory<u128>;

		/// What an account can claim, per past epoch still in its claim window.
		fn claimable(who: AccountId) -> Vec<(EpochIndex, Balance)>;

		/// The category weights the current epoch will close with.
		fn category_weights() -> PerCategory<Perbill>;

		/// The pot: its balance, what closed epochs owe, the reward per epoch.
		fn pot() -> PotInfo<Balance>;
	}
}
