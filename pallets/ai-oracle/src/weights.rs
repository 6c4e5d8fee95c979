//! Weights of `pallet_ai_oracle`: replaced by the benchmark CLI's output (`make weights`).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_ai_oracle`.
pub trait WeightInfo {
	fn request() -> Weight;
	fn remove_answer() -> Weight;
	fn create_feed() -> Weight;
	fn cancel_feed() -> Weight;
	fn on_initialize_feeds(n: u32, ) -> Weight;
	fn deliver_callback() -> Weight;
	fn aggregate(n: u32, ) -> Weight;
	fn job_finished() -> Weight;
}

/// Until the benchmark CLI writes them: the test figures.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn request() -> Weight { <() as WeightInfo>::request() }
	fn remove_answer() -> Weight { <() as WeightInfo>::remove_answer() }
	fn create_feed() -> Weight { <() as WeightInfo>::create_feed() }
	fn cancel_feed() -> Weight { <() as WeightInfo>::cancel_feed() }
	fn on_initialize_feeds(n: u32, ) -> Weight { <() as WeightInfo>::on_initialize_feeds(n) }
	fn deliver_callback() -> Weight { <() as WeightInfo>::deliver_callback() }
	fn aggregate(n: u32, ) -> Weight { <() as WeightInfo>::aggregate(n) }
	fn job_finished() -> Weight { <() as WeightInfo>::job_finished() }
}

/// For tests.
impl WeightInfo for () {
	fn request() -> Weight {
		Weight::from_parts(1_000_000_000, 20_000)
	}
	fn remove_answer() -> Weight {
		Weight::from_parts(200_000_000, 4_000)
	}
	fn create_feed() -> Weight {
		Weight::from_parts(1_200_000_000, 24_000)
	}
	fn cancel_feed() -> Weight {
		Weight::from_parts(300_000_000, 8_000)
	}
	fn on_initialize_feeds(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 1_000)
			.saturating_add(Weight::from_parts(1_100_000_000, 20_000).saturating_mul(n.into()))
	}
	fn deliver_callback() -> Weight {
		Weight::from_parts(300_000_000, 6_000)
	}
	fn aggregate(n: u32, ) -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(n.into()))
	}
	fn job_finished() -> Weight {
		Weight::from_parts(300_000_000, 8_000)
	}
}
