//! `ContributorRewardsApi`: the rewards' queries.

use crate::types::{EpochIndex, PerCategory, PotInfo};
use alloc::vec::Vec;
use codec::Codec;
use deai_primitives::Earner;
use sp_runtime::Perbill;

sp_api::decl_runtime_apis! {
	/// Queries of the contributor rewards. Version 2: `points` and `claimable` take an
	/// [`Earner`] (an account, or a model or dataset version) instead of an account.
	#[api_version(2)]
	pub trait ContributorRewardsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The current epoch, the block it started at and the block it ends at.
		fn current_epoch() -> (EpochIndex, BlockNumber, BlockNumber);

		/// An account's points per category in the current epoch.
		#[changed_in(2)]
		fn points(who: AccountId) -> PerCategory<u128>;

		/// An earner's points per category in the current epoch (an account's, or a version's
		/// as a whole).
		fn points(earner: Earner<AccountId>) -> PerCategory<u128>;

		/// What an account can claim, per past epoch still in its claim window.
		#[changed_in(2)]
		fn claimable(who: AccountId) -> Vec<(EpochIndex, Balance)>;

		/// What an earner can claim, per past epoch still in its claim window (a version's is
		/// paid into its royalty pot).
		fn claimable(earner: Earner<AccountId>) -> Vec<(EpochIndex, Balance)>;

		/// The category weights the current epoch will close with.
		fn category_weights() -> PerCategory<Perbill>;

		/// The pot: its balance, what closed epochs owe, the reward per epoch.
		fn pot() -> PotInfo<Balance>;
	}
}
