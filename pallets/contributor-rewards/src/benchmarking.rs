//! Benchmarks: claims and epoch turnover at 10 and 100,000 contributors (they are O(1)), and
//! the cleanup of expired points.

use super::*;
use crate::types::*;
use deai_primitives::{ContributionCategory, ContributionSink, Earner};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::WeightMeter,
};
use frame_system::RawOrigin;
use sp_runtime::{Perbill, Saturating};

fn fund_pot<T: Config>() {
	let amount = T::Currency::minimum_balance()
		.saturating_mul(1_000_000_000u32.into())
		.saturating_add(T::RewardPerEpoch::get().saturating_mul(10u32.into()));
	T::Currency::set_balance(&Pallet::<T>::pot_account(), amount);
}

/// `c` accounts with points in every category of the current epoch. (Paying a version instead
/// costs its royalty pot's part on top, which `claim` is charged as the registry states it:
/// `VersionPots::accrue_weight`.)
fn contributors<T: Config>(c: u32) -> Earner<T::AccountId> {
	let first = Earner::Account(account("contributor", 0, 0));
	for i in 0..c {
		let earner = Earner::Account(account("contributor", i, 0));
		// The first earner holds most points, so that its claim is never rounded to zero.
		let points = if i == 0 { 1_000_000_000_000 } else { 1_000 + i as u128 };
		for category in PerCategory::<u128>::CATEGORIES {
			Pallet::<T>::record(&earner, category, points);
		}
	}
	first
}

/// Ends the current epoch.
fn roll_over<T: Config>() {
	let end = Pallet::<T>::current_epoch_end();
	frame_system::Pallet::<T>::set_block_number(end);
	Pallet::<T>::maybe_roll_over(end);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn claim(c: Linear<10, 100_000>) {
		fund_pot::<T>();
		let who = contributors::<T>(c);
		roll_over::<T>();
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, who.clone());
		assert!(Points::<T>::get(0, &who).claimed);
	}

	#[benchmark]
	fn set_category_weights() -> Result<(), BenchmarkError> {
		let origin =
			T::WeightsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let weights = PerCategory {
			compute: Perbill::from_percent(40),
			model: Perbill::from_percent(30),
			dataset: Perbill::from_percent(20),
			evaluation: Perbill::from_percent(10),
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, weights);
		assert_eq!(CategoryWeights::<T>::get(), weights);
		Ok(())
	}

	/// A block inside an epoch.
	#[benchmark]
	fn on_initialize_idle() {
		let now = frame_system::Pallet::<T>::block_number();
		#[block]
		{
			Pallet::<T>::maybe_roll_over(now);
		}
	}

	/// The last block of an epoch with `c` contributors, which also expires an old epoch.
	#[benchmark]
	fn on_initialize_rollover(c: Linear<10, 100_000>) {
		fund_pot::<T>();
		for _ in 0..=T::ClaimEpochs::get() {
			Pallet::<T>::record(
				&Earner::Account(account("early", 0, 0)),
				ContributionCategory::Model,
				1,
			);
			roll_over::<T>();
		}
		contributors::<T>(c);
		let epoch = CurrentEpoch::<T>::get();
		let end = Pallet::<T>::current_epoch_end();
		frame_system::Pallet::<T>::set_block_number(end);
		#[block]
		{
			Pallet::<T>::maybe_roll_over(end);
		}
		assert_eq!(CurrentEpoch::<T>::get(), epoch + 1);
	}

	/// Clearing `n` points entries of an expired epoch in `on_idle`.
	#[benchmark]
	fn on_idle_clear(n: Linear<0, 1_000>) {
		fund_pot::<T>();
		contributors::<T>(n);
		for _ in 0..=T::ClaimEpochs::get() {
			roll_over::<T>();
		}
		assert_eq!(Epochs::<T>::get(0).map(|e| e.status), Some(EpochStatus::Expired));
		#[block]
		{
			let mut meter = WeightMeter::new();
			Pallet::<T>::clear_expired(&mut meter);
		}
		assert!(Epochs::<T>::get(0).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
