//! # ZK verifier
//!
//! Zero-knowledge proofs settle compute-market jobs. Anyone registers a Groth16 verifying key
//! (BLS12-381, in arkworks' compressed layout), paying a storage deposit; it is validated by
//! deserialising every point (on the curve, in its prime-order subgroup) and stored uncompressed,
//! so that verification loads it without square roots or subgroup checks. A model's owner binds
//! one key to a version of the model as its **ZK profile**, with the layout of the statement
//! (numbers of input and output values, fixed-point scale). A circuit with the model's weights as
//! constants has a key that commits to the model.
//!
//! The pallet is the market's [`deai_primitives::ResultVerifier`]. A `Proof` job can only be posted
//! on a version with a profile, and the profile cannot be replaced or unbound while any job is
//! open on the version (the market pins it), so nobody can pull the key from under a provider
//! who is proving. When the
//! provider submits, the proof's values must hash to the job's input hash and to the submitted
//! result hash ([`deai_zk::values_hash`]), and the proof must verify against the profile's key
//! with those values as public inputs; the market then settles the job in the same block. A bad
//! proof is refused with a named error and the job stays open for an honest provider.
//!
//! Verification runs arkworks' pure-Rust BLS12-381 inside the runtime. The feature
//! `zk-host-calls` (the runtime's feature of the same name) switches to the elliptic-curve host
//! functions of RFC-0163 (`sp-crypto-ec-utils`), several times faster, but a relay chain's
//! validators run them only when its executor parameters enable them: a parachain runtime that
//! calls them where they are off produces blocks that fail validation. It is off by default.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod impls;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::Inspect;

/// A balance of the deposits' currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The curve and pairing proofs are verified with: arkworks' BLS12-381 inside the runtime.
#[cfg(not(feature = "zk-host-calls"))]
pub type Pairing = deai_zk::Curve;

/// The curve and pairing proofs are verified with: BLS12-381 whose costly operations (multi-scalar
/// multiplications, pairings) are the node's host functions. The same bytes, a faster check; only
/// for a relay chain that enables these host functions.
#[cfg(feature = "zk-host-calls")]
pub type Pairing = sp_crypto_ec_utils::bls12_381::Bls12_381;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deai_primitives::{ModelOwnership, ModelVersionRef};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The storage deposit of a registered verifying key.
		#[codec(index = 0)]
		KeyDeposit,
		/// The storage deposit of a ZK profile.
		#[codec(index = 1)]
		ProfileDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits are held in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who owns a model version (the registry): only its model's owner binds a profile.
		type Models: ModelOwnership<Self::AccountId>;

		/// The deposit of a record, plus `DepositPerByte` for each of its bytes.
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;

		/// The deposit per byte of a record.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;

		/// Weights of this pallet's calls and of its verification.
		type WeightInfo: WeightInfo;

		/// Creates model versions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Creates what the benchmarks need from other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper {
		/// A new model version (its model's owner is whoever [`Config::Models`] says).
		fn model_version() -> ModelVersionRef;
	}

	/// Registered verifying keys, by the blake2-256 hash of their compressed bytes (user-chosen,
	/// hence `Blake2_128Concat`).
	#[pallet::storage]
	pub type Keys<T: Config> = StorageMap<_, Blake2_128Concat, KeyId, KeyInfo<T>>;

	/// Each key's points, uncompressed (read only to verify a proof).
	#[pallet::storage]
	pub type KeyPoints<T: Config> = StorageMap<_, Blake2_128Concat, KeyId, StoredKey>;

	/// The ZK profile of a model version.
	#[pallet::storage]
	pub type Profiles<T: Config> = StorageMap<_, Blake2_128Concat, ModelVersionRef, ZkProfile<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A verifying key was registered.
		KeyRegistered {
			/// Its id (blake2-256 of its compressed bytes).
			key: KeyId,
			/// Who registered it and holds its deposit.
			owner: T::AccountId,
			/// How many public values its proofs state.
			public_values: u32,
			/// The deposit held.
			deposit: BalanceOf<T>,
		},
		/// A verifying key was removed and its deposit released.
		KeyRemoved {
			/// The key.
			key: KeyId,
			/// Its owner.
			owner: T::AccountId,
		},
		/// A key was bound to a model version as its ZK profile.
		ProfileBound {
			/// The model version.
			version: ModelVersionRef,
			/// The key.
			key: KeyId,
			/// How the statement's values are read.
			layout: ValueLayout,
			/// Who bound it and holds its deposit.
			owner: T::AccountId,
			/// The deposit held.
			deposit: BalanceOf<T>,
		},
		/// A profile was unbound and its deposit released.
		ProfileUnbound {
			/// The model version.
			version: ModelVersionRef,
			/// Who had bound it.
			owner: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This key is already registered.
		KeyAlreadyRegistered,
		/// The bytes are not a valid compressed Groth16 key on BLS12-381 (a point off the curve
		/// or outside its subgroup, a wrong length), or it has no input bases or more than
		/// `MAX_PUBLIC_VALUES`.
		MalformedKey,
		/// No key with this id is registered.
		KeyNotFound,
		/// Only the key's owner may remove it.
		NotKeyOwner,
		/// The key is bound to a model version's profile.
		KeyInUse,
		/// Only the owner of the version's model may bind or replace its profile.
		NotModelOwner,
		/// The model version does not exist.
		VersionNotFound,
		/// A layout needs at least one input and one output value.
		InvalidLayout,
		/// The key's number of public values differs from the layout's.
		KeyLayoutMismatch,
		/// The model version has no ZK profile.
		NoProfile,
		/// Open jobs use the version: its profile cannot be replaced or unbound until they end.
		ProfileInUse,
		/// Only who bound the profile, or the model's owner, may unbind it (anyone, once the
		/// version no longer exists).
		NotProfileOwner,
		/// The submitted proof is not a SCALE-encoded `ProvenResult` with a valid compressed
		/// proof.
		MalformedProof,
		/// The proof states a different number of input or output values than the profile.
		WrongNumberOfValues,
		/// The proof's input values do not hash to the job's input hash.
		InputMismatch,
		/// The proof's output values do not hash to the submitted result hash.
		ResultMismatch,
		/// The proof does not verify against the profile's key.
		ProofRejected,
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Registers a Groth16 verifying key (arkworks' compressed layout), holding a deposit for
		/// its record and points from the caller. Emits `KeyRegistered`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_key(public_values_of_len(key.len())))]
		pub fn register_key(origin: OriginFor<T>, key: CompressedKey) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_key(who, key)
		}

		/// Removes a key its owner registered and no profile uses, releasing its deposit. Emits
		/// `KeyRemoved`.
		#[pallet::call_index(1)]
		pub fn remove_key(origin: OriginFor<T>, key: KeyId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_key(who, key)
		}

		/// Binds a registered key to a model version as its ZK profile (the model's owner only),
		/// replacing its profile while no job is open on the version; holds a deposit. Emits
		/// `ProfileBound`.
		#[pallet::call_index(2)]
		pub fn bind_profile(
			origin: OriginFor<T>,
			version: ModelVersionRef,
			key: KeyId,
			layout: ValueLayout,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bind_profile(who, version, key, layout)
		}

		/// Unbinds a version's profile while no job is open on the version, by whoever bound it
		/// or the model's owner (by anyone once the version no longer exists), releasing the
		/// deposit to whoever bound it. Emits `ProfileUnbound`.
		#[pallet::call_index(3)]
		pub fn unbind_profile(origin: OriginFor<T>, version: ModelVersionRef) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbind_profile(who, version)
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}
}
