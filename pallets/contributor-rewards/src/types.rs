//! The rewards pallet's stored types.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use deai_primitives::ContributionCategory;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// An epoch's number: 0, 1, 2, ...
pub type EpochIndex = u32;

/// One value for each contribution category.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct PerCategory<V> {
	/// Compute delivered.
	pub compute: V,
	/// Models used.
	pub model: V,
	/// Datasets used.
	pub dataset: V,
	/// Evaluations accepted.
	pub evaluation: V,
}

impl<V> PerCategory<V> {
	/// Every category, in order.
	pub const CATEGORIES: [ContributionCategory; 4] = [
		ContributionCategory::Compute,
		ContributionCategory::Model,
		ContributionCategory::Dataset,
		ContributionCategory::Evaluation,
	];

	/// The value of `category`.
	pub fn get(&self, category: ContributionCategory) -> &V {
		match category {
			ContributionCategory::Compute => &self.compute,
			ContributionCategory::Model => &self.model,
			ContributionCategory::Dataset => &self.dataset,
			ContributionCategory::Evaluation => &self.evaluation,
		}
	}

	/// The value of `category`, to change.
	pub fn get_mut(&mut self, category: ContributionCategory) -> &mut V {
		match category {
			ContributionCategory::Compute => &mut self.compute,
			ContributionCategory::Model => &mut self.model,
			ContributionCategory::Dataset => &mut self.dataset,
			ContributionCategory::Evaluation => &mut self.evaluation,
		}
	}
}

impl PerCategory<Perbill> {
	/// A quarter of the pot to each category.
	pub fn equal() -> Self {
		let quarter = Perbill::from_percent(25);
		Self { compute: quarter, model: quarter, dataset: quarter, evaluation: quarter }
	}

	/// Whether the weights add up to exactly 100%.
	pub fn is_whole(&self) -> bool {
		Self::CATEGORIES.iter().map(|c| self.get(*c).deconstruct() as u64).sum::<u64>()
			== Perbill::one().deconstruct() as u64
	}
}

/// Where an epoch stands.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum EpochStatus {
	/// Collecting points.
	Open,
	/// Closed: its rewards may be claimed until this epoch starts.
	Claimable {
		/// The first epoch in which its rewards can no longer be claimed.
		until: EpochIndex,
	},
	/// The claim window passed; unclaimed rewards went back to the pot.
	Expired,
}

/// One epoch's totals and pot.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct EpochInfo<Balance, BlockNumber> {
	/// The block it started in.
	pub start: BlockNumber,
	/// Points recorded in each category.
	pub totals: PerCategory<u128>,
	/// The epoch's reward pot (fixed when it closed).
	pub pot: Balance,
	/// The category weights (fixed when it closed).
	pub weights: PerCategory<Perbill>,
	/// What its claimants can be paid at most: the pot's shares of the categories that have
	/// points.
	pub payable: Balance,
	/// What has been claimed.
	pub claimed: Balance,
	/// Open, claimable or expired.
	pub status: EpochStatus,
}

/// An earner's points in an epoch.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EarnerPoints {
	/// Points per category.
	pub points: PerCategory<u128>,
	/// Whether the epoch's reward was claimed (every category at once).
	pub claimed: bool,
}

/// The pot, for the runtime API.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct PotInfo<Balance> {
	/// What the pot account holds.
	pub balance: Balance,
	/// What closed epochs still owe their claimants.
	pub committed: Balance,
	/// What one epoch pays at most.
	pub reward_per_epoch: Balance,
}
