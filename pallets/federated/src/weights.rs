
//! Weights of `pallet_federated`: estimates until `make weights` generates them from the
//! benchmarks. Regenerate with `make weights`, never by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_federated`.
pub trait WeightInfo {
	fn create_task() -> Weight;
	fn end_task() -> Weight;
	fn join() -> Weight;
	fn leave() -> Weight;
	fn leave_last() -> Weight;
	fn withdraw() -> Weight;
	fn commit_update() -> Weight;
	fn reveal_update() -> Weight;
	fn commit_scores() -> Weight;
	fn reveal_scores() -> Weight;
	fn start_round() -> Weight;
	fn next_phase() -> Weight;
	fn finalize_round() -> Weight;
	fn close_task() -> Weight;
	fn close_task_unpublished() -> Weight;
}

/// Weights measured on DeAI Chain's runtime, its database weights from the runtime.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_task() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn end_task() -> Weight {
		Weight::from_parts(20_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn join() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn leave() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn leave_last() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(45_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn commit_update() -> Weight {
		Weight::from_parts(25_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn reveal_update() -> Weight {
		Weight::from_parts(35_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn commit_scores() -> Weight {
		Weight::from_parts(25_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn reveal_scores() -> Weight {
		Weight::from_parts(40_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn start_round() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn next_phase() -> Weight {
		Weight::from_parts(20_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn finalize_round() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn close_task() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	fn close_task_unpublished() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn create_task() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn end_task() -> Weight {
		Weight::from_parts(20_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn join() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn leave() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn leave_last() -> Weight {
		Weight::from_parts(50_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(45_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn commit_update() -> Weight {
		Weight::from_parts(25_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn reveal_update() -> Weight {
		Weight::from_parts(35_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn commit_scores() -> Weight {
		Weight::from_parts(25_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn reveal_scores() -> Weight {
		Weight::from_parts(40_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn start_round() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn next_phase() -> Weight {
		Weight::from_parts(20_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn finalize_round() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn close_task() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	fn close_task_unpublished() -> Weight {
		Weight::from_parts(60_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
}
