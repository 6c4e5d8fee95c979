//! Benchmarks: noting a relay randomness (over an earlier one, as in every block but the first).

use super::*;
use frame_benchmarking::v2::*;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn note() {
		Pallet::<T>::note([1; 32], 1);
		#[block]
		{
			Pallet::<T>::note([2; 32], 2);
		}
		assert_eq!(Latest::<T>::get().map(|n| n.value), Some([2; 32]));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
