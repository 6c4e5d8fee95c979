//! Benchmarks at the worst case the runtime allows: keys with up to `MAX_PUBLIC_VALUES` public
//! values (every point validated at registration), a profile replaced by one with another key,
//! an unbinding by the model's owner, and verification of a full-size statement (a
//! multi-scalar multiplication over every public value and the four-pairing check; a proof that
//! does not verify costs what one that verifies does, as every step runs either way).

use super::*;
use crate::types::*;
use alloc::vec;
use deai_primitives::{ModelOwnership, ProofContext, ResultVerifier};
use deai_zk::{synthetic, MAX_PUBLIC_VALUES};
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use sp_runtime::Saturating;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount =
		Pallet::<T>::key_deposit(deai_zk::uncompressed_key_len(MAX_PUBLIC_VALUES) as usize)
			.saturating_mul(100u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Registers a synthetic key with `public_values` values as `owner`.
fn registered<T: Config>(owner: &T::AccountId, public_values: u32) -> KeyId {
	let key = synthetic::key::<Pairing>(public_values);
	let id = deai_zk::key_id(&key);
	Pallet::<T>::do_register_key(owner.clone(), key.try_into().expect("within the bound; qed"))
		.expect("a synthetic key registers; qed");
	id
}

fn layout(public_values: u32) -> ValueLayout {
	ValueLayout { inputs: (public_values - 1) as u8, outputs: 1, scale_bits: 16 }
}

/// A model version and its owner.
fn version<T: Config>() -> (deai_primitives::ModelVersionRef, T::AccountId) {
	let version = T::BenchmarkHelper::model_version();
	let owner = T::Models::model_owner(&version).expect("the helper's version exists; qed");
	let amount = Pallet::<T>::profile_deposit().saturating_mul(100u32.into());
	T::Currency::set_balance(&owner, amount);
	(version, owner)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_key(n: Linear<0, MAX_PUBLIC_VALUES>) {
		let who = funded::<T>("owner", 0);
		let key: CompressedKey =
			synthetic::key::<Pairing>(n).try_into().expect("within the bound; qed");
		let id = deai_zk::key_id(&key);
		assert_eq!(public_values_of_len(key.len()), n);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), key);

		assert_eq!(Keys::<T>::get(id).map(|k| k.public_values), Some(n));
	}

	#[benchmark]
	fn remove_key() {
		let who = funded::<T>("owner", 0);
		let id = registered::<T>(&who, MAX_PUBLIC_VALUES);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);

		assert!(!Keys::<T>::contains_key(id));
	}

	/// Replacing a profile that uses another key (its deposit released, its key's count
	/// decremented).
	#[benchmark]
	fn bind_profile() {
		let (version, owner) = version::<T>();
		let registrar = funded::<T>("registrar", 0);
		let first = registered::<T>(&registrar, 5);
		Pallet::<T>::do_bind_profile(owner.clone(), version, first, layout(5))
			.expect("the owner binds; qed");
		let second = registered::<T>(&registrar, MAX_PUBLIC_VALUES);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version, second, layout(MAX_PUBLIC_VALUES));

		assert_eq!(Profiles::<T>::get(version).map(|p| p.key), Some(second));
	}

	/// The model's owner unbinds a profile someone else bound (the owner and the version's use
	/// are looked up).
	#[benchmark]
	fn unbind_profile() {
		let (version, owner) = version::<T>();
		let registrar = funded::<T>("registrar", 0);
		let key = registered::<T>(&registrar, MAX_PUBLIC_VALUES);
		Pallet::<T>::do_bind_profile(owner.clone(), version, key, layout(MAX_PUBLIC_VALUES))
			.expect("the owner binds; qed");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), version);

		assert!(!Profiles::<T>::contains_key(version));
	}

	/// A `Proof` job is posted: the version's profile must exist.
	#[benchmark]
	fn check_profile() {
		let (version, owner) = version::<T>();
		let registrar = funded::<T>("registrar", 0);
		let key = registered::<T>(&registrar, MAX_PUBLIC_VALUES);
		Pallet::<T>::do_bind_profile(owner, version, key, layout(MAX_PUBLIC_VALUES))
			.expect("the owner binds; qed");

		#[block]
		{
			<Pallet<T> as ResultVerifier<T::AccountId>>::ensure_verifiable(Some(&version))
				.expect("the profile exists; qed");
		}
	}

	/// Verifies a statement of `n` public values (at least one input and one output).
	#[benchmark]
	fn verify_proof(n: Linear<2, MAX_PUBLIC_VALUES>) {
		let (version, owner) = version::<T>();
		let registrar = funded::<T>("registrar", 0);
		let key = registered::<T>(&registrar, n);
		Pallet::<T>::do_bind_profile(owner, version, key, layout(n)).expect("the owner binds; qed");
		// Values of the largest magnitude.
		let result = synthetic::result::<Pairing>(vec![i64::MIN; n as usize - 1], vec![i64::MAX]);
		let input = deai_zk::values_hash(&result.inputs);
		let output = deai_zk::values_hash(&result.outputs);
		let proof = codec::Encode::encode(&result);
		let provider: T::AccountId = account("provider", 0, 0);
		let outcome;

		#[block]
		{
			outcome = Pallet::<T>::check_proof(
				&ProofContext {
					job: 0,
					provider: &provider,
					model: Some(&version),
					input_hash: &input,
					result_hash: &output,
				},
				&proof,
			);
		}

		assert_eq!(outcome, Err(Error::<T>::ProofRejected.into()));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
