//! The ranges the DeAI runtime parameters must stay in (security review M-9).
//!
//! pallet-parameters stores whatever value its admin origin sets, and that origin sees only the
//! key, never the value. The ranges are therefore enforced twice:
//!
//! - **At the call.** [`ParametersInBounds`] is the runtime's `BaseCallFilter`: it refuses a
//!   `Parameters::set_parameter` whose value is out of range with `CallFiltered`, however the call
//!   is dispatched (a referendum's enactment, where `Scheduler::Dispatched` reports the error; a
//!   batch; a proxy).
//! - **At use.** The pallets read each parameter through [`Clamped`]. Root bypasses call filters
//!   (sudo on the dev and local chains, the whitelisted-caller track), and storage can be written
//!   directly; whatever is stored, a value out of range takes effect as the nearer end of its
//!   range.
//!
//! Each range is a named constant below, with the reasons for its ends. [`in_bounds`] names every
//! parameter, so a new one does not compile until it is given a range. The reward category weights
//! are not a pallet-parameters value: `ContributorRewards::set_category_weights` refuses weights
//! that do not add up to 100%, and any split among the four categories is a policy choice.

use super::{dynamic_params, RuntimeParameters};
use crate::{
	constants::time::{prod_or_fast, DAYS},
	Balance, BlockNumber, RuntimeCall, UNIT,
};
use core::{marker::PhantomData, ops::RangeInclusive};
use frame_support::traits::{Contains, Get};
use sp_runtime::{Perbill, Permill};

/// `Market.ProtocolFee`: 0 to 10%. The fee is charged to the requester on top of what providers
/// are paid, and each job fixes it when posted. 10% is five times the launch value (2%) and about
/// a compute marketplace's commission; beyond it (the review's example is 100%) the protocol would
/// cost a requester as much as the work. No fee at all is a legitimate policy.
pub const PROTOCOL_FEE_RANGE: RangeInclusive<Permill> = Permill::zero()..=Permill::from_percent(10);

/// `Market.RewardsFeeShare`: any share, 0 to 100%. It only splits each protocol fee between two
/// protocol accounts, the rewards pot and the treasury, so every split is a policy choice.
pub const REWARDS_FEE_SHARE_RANGE: RangeInclusive<Perbill> = Perbill::zero()..=Perbill::one();

/// `Market.MinProviderBond`: 10 to 10,000 DEAI. The bond is all a provider can lose (10% of it for
/// a missed deadline, 20% for a lost dispute) and what each further provider identity costs a
/// sybil (review M-4): at 0, providers would risk nothing; at 10 DEAI, a lost dispute still costs
/// the provider 2 DEAI. Every provider whose bond is below the minimum stops getting work until
/// it tops up, so the top end (100 times the launch value of 100 DEAI) limits how far one
/// referendum can shut providers out.
pub const MIN_PROVIDER_BOND_RANGE: RangeInclusive<Balance> = 10 * UNIT..=10_000 * UNIT;

/// `Market.DisputeBond`: 1 to 1,000 DEAI. Never 0: the market tells a disputed job by its held
/// dispute bond (its `try_state` fails on "a dispute bond without a dispute"), and a free dispute
/// would let a requester freeze a provider's bond at no cost (review M-1). At 1 DEAI the half a
/// provider wins from a lost dispute is still 500 times the existential deposit. Beyond 1,000
/// DEAI (100 times the launch value) disputing, a requester's only recourse against a wrong
/// result, would cost more than most jobs' budgets.
pub const DISPUTE_BOND_RANGE: RangeInclusive<Balance> = UNIT..=1_000 * UNIT;

/// `Rewards.EpochLength`: a day to 30 days (from 2 blocks on a test chain with
/// [`FastPeriods`](crate::constants::time::FastPeriods): the end-to-end tests end an epoch
/// early). Every epoch pays up to `RewardPerEpoch`, so the lower end makes that a daily amount
/// at most (the review's example: an epoch of 0 or 1 block pays it every block), and it keeps
/// rewards claimable for at least 30 days (`ClaimEpochs`, 30 epochs). Beyond 30 days
/// contributors would wait more than a month for any reward.
pub fn epoch_length_range() -> RangeInclusive<BlockNumber> {
	prod_or_fast(DAYS, 2)..=30 * DAYS
}

/// `Rewards.RewardPerEpoch`: 0 to 100,000 DEAI. Pausing rewards is a legitimate policy (while
/// points farming is dealt with, review H-4). The top end, 10 times the launch value, bounds how
/// fast one referendum can empty the rewards pot: with epochs of a day at least, 100,000 DEAI a
/// day (each epoch also pays no more than the pot holds).
pub const REWARD_PER_EPOCH_RANGE: RangeInclusive<Balance> = 0..=100_000 * UNIT;

/// A runtime parameter and the range its value must stay in.
pub trait BoundedParameter {
	/// The parameter's value.
	type Value: PartialOrd + Copy;

	/// The values it may take.
	fn range() -> RangeInclusive<Self::Value>;

	/// Whether `value` may be set: one in range, or `None` (back to the default, which is in
	/// range).
	fn allows(value: &Option<Self::Value>) -> bool {
		value.as_ref().is_none_or(|value| Self::range().contains(value))
	}
}

impl BoundedParameter for dynamic_params::market::ProtocolFee {
	type Value = Permill;
	fn range() -> RangeInclusive<Permill> {
		PROTOCOL_FEE_RANGE
	}
}

impl BoundedParameter for dynamic_params::market::RewardsFeeShare {
	type Value = Perbill;
	fn range() -> RangeInclusive<Perbill> {
		REWARDS_FEE_SHARE_RANGE
	}
}

impl BoundedParameter for dynamic_params::market::MinProviderBond {
	type Value = Balance;
	fn range() -> RangeInclusive<Balance> {
		MIN_PROVIDER_BOND_RANGE
	}
}

impl BoundedParameter for dynamic_params::market::DisputeBond {
	type Value = Balance;
	fn range() -> RangeInclusive<Balance> {
		DISPUTE_BOND_RANGE
	}
}

impl BoundedParameter for dynamic_params::rewards::EpochLength {
	type Value = BlockNumber;
	fn range() -> RangeInclusive<BlockNumber> {
		epoch_length_range()
	}
}

impl BoundedParameter for dynamic_params::rewards::RewardPerEpoch {
	type Value = Balance;
	fn range() -> RangeInclusive<Balance> {
		REWARD_PER_EPOCH_RANGE
	}
}

/// Whether a `set_parameter` value is in its range.
pub fn in_bounds(parameter: &RuntimeParameters) -> bool {
	use dynamic_params::{market, rewards, treasury};
	match parameter {
		// The treasurer track's policy, not a DeAI parameter: any share is valid.
		RuntimeParameters::Treasury(treasury::Parameters::Burn(_, _)) => true,
		RuntimeParameters::Market(market::Parameters::ProtocolFee(_, value)) => {
			market::ProtocolFee::allows(value)
		},
		RuntimeParameters::Market(market::Parameters::RewardsFeeShare(_, value)) => {
			market::RewardsFeeShare::allows(value)
		},
		RuntimeParameters::Market(market::Parameters::MinProviderBond(_, value)) => {
			market::MinProviderBond::allows(value)
		},
		RuntimeParameters::Market(market::Parameters::DisputeBond(_, value)) => {
			market::DisputeBond::allows(value)
		},
		RuntimeParameters::Rewards(rewards::Parameters::EpochLength(_, value)) => {
			rewards::EpochLength::allows(value)
		},
		RuntimeParameters::Rewards(rewards::Parameters::RewardPerEpoch(_, value)) => {
			rewards::RewardPerEpoch::allows(value)
		},
	}
}

/// The runtime's base call filter: refuses `Parameters::set_parameter` with a value out of its
/// range, and lets every other call through.
pub struct ParametersInBounds;
impl Contains<RuntimeCall> for ParametersInBounds {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value }) => {
				in_bounds(key_value)
			},
			_ => true,
		}
	}
}

/// The parameter `P` as the pallets read it: a stored value out of range (set by root, which
/// bypasses the call filter) counts as the nearer end of the range.
pub struct Clamped<P>(PhantomData<P>);
impl<P> Get<P::Value> for Clamped<P>
where
	P: BoundedParameter + Get<<P as BoundedParameter>::Value>,
{
	fn get() -> P::Value {
		let value: P::Value = <P as Get<P::Value>>::get();
		let range = P::range();
		let (lowest, highest) = (*range.start(), *range.end());
		if value < lowest {
			lowest
		} else if value > highest {
			highest
		} else {
			value
		}
	}
}
