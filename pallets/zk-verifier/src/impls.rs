//! The calls' logic, the market's result verifier and the invariants.

use crate::{pallet::*, types::*, BalanceOf, Pairing, WeightInfo};
use codec::{DecodeAll, MaxEncodedLen};
use deai_primitives::{deposits, ModelOwnership, ModelVersionRef, ProofContext, ResultVerifier};
use deai_zk::{ProvenResult, ZkError};
use frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use sp_runtime::{DispatchError, DispatchResult};

impl<T: Config> Pallet<T> {
	fn deposit_for(bytes: usize) -> BalanceOf<T> {
		deposits::for_bytes(T::DepositBase::get(), T::DepositPerByte::get(), bytes)
	}

	/// The deposit of a profile.
	pub fn profile_deposit() -> BalanceOf<T> {
		Self::deposit_for(ZkProfile::<T>::max_encoded_len())
	}

	/// The deposit of a key whose uncompressed points take `stored_len` bytes.
	pub fn key_deposit(stored_len: usize) -> BalanceOf<T> {
		Self::deposit_for(KeyInfo::<T>::max_encoded_len().saturating_add(stored_len))
	}

	pub(crate) fn do_register_key(who: T::AccountId, key: CompressedKey) -> DispatchResult {
		let id = deai_zk::key_id(&key);
		ensure!(!Keys::<T>::contains_key(id), Error::<T>::KeyAlreadyRegistered);
		let checked =
			deai_zk::check_key::<Pairing>(&key, None).map_err(|_| Error::<T>::MalformedKey)?;
		let public_values = checked.public_values;
		let points: StoredKey =
			BoundedVec::try_from(checked.points).map_err(|_| Error::<T>::MalformedKey)?;
		let deposit = Self::key_deposit(points.len());
		deposits::hold::<T::Currency, _>(&HoldReason::KeyDeposit.into(), &who, deposit)?;
		Keys::<T>::insert(id, KeyInfo { owner: who.clone(), deposit, public_values, profiles: 0 });
		KeyPoints::<T>::insert(id, points);
		Self::deposit_event(Event::KeyRegistered { key: id, owner: who, public_values, deposit });
		Ok(())
	}

	pub(crate) fn do_remove_key(who: T::AccountId, id: KeyId) -> DispatchResult {
		let key = Keys::<T>::get(id).ok_or(Error::<T>::KeyNotFound)?;
		ensure!(key.owner == who, Error::<T>::NotKeyOwner);
		ensure!(key.profiles == 0, Error::<T>::KeyInUse);
		if !deposits::release::<T::Currency, _>(&HoldReason::KeyDeposit.into(), &who, key.deposit) {
			frame_support::defensive!("a key's deposit is held while the key is registered");
		}
		Keys::<T>::remove(id);
		KeyPoints::<T>::remove(id);
		Self::deposit_event(Event::KeyRemoved { key: id, owner: who });
		Ok(())
	}

	pub(crate) fn do_bind_profile(
		who: T::AccountId,
		version: ModelVersionRef,
		id: KeyId,
		layout: ValueLayout,
	) -> DispatchResult {
		let owner = T::Models::model_owner(&version).ok_or(Error::<T>::VersionNotFound)?;
		ensure!(owner == who, Error::<T>::NotModelOwner);
		ensure!(layout.inputs > 0 && layout.outputs > 0, Error::<T>::InvalidLayout);
		if let Some(old) = Profiles::<T>::get(version) {
			ensure!(!T::Models::in_use(&version), Error::<T>::ProfileInUse);
			// Released before the key is read: the old profile may use this very key, whose
			// count it decrements (a later error undoes it, as it undoes the whole call).
			Self::release_profile(&version, old);
		}
		let mut key = Keys::<T>::get(id).ok_or(Error::<T>::KeyNotFound)?;
		ensure!(key.public_values == layout.public_values(), Error::<T>::KeyLayoutMismatch);
		let deposit = Self::profile_deposit();
		deposits::hold::<T::Currency, _>(&HoldReason::ProfileDeposit.into(), &who, deposit)?;
		key.profiles = key.profiles.saturating_add(1);
		Keys::<T>::insert(id, key);
		Profiles::<T>::insert(version, ZkProfile { key: id, layout, owner: who.clone(), deposit });
		Self::deposit_event(Event::ProfileBound { version, key: id, layout, owner: who, deposit });
		Ok(())
	}

	pub(crate) fn do_unbind_profile(who: T::AccountId, version: ModelVersionRef) -> DispatchResult {
		let profile = Profiles::<T>::get(version).ok_or(Error::<T>::NoProfile)?;
		// Once the version is gone (the registry keeps a version while a job pins it), anyone
		// may clear its profile: the deposit still goes back to whoever bound it.
		if let Some(owner) = T::Models::model_owner(&version) {
			ensure!(profile.owner == who || owner == who, Error::<T>::NotProfileOwner);
		}
		ensure!(!T::Models::in_use(&version), Error::<T>::ProfileInUse);
		let owner = profile.owner.clone();
		Self::release_profile(&version, profile);
		Self::deposit_event(Event::ProfileUnbound { version, owner });
		Ok(())
	}

	/// Removes a profile: its deposit released, its key's use count decremented.
	fn release_profile(version: &ModelVersionRef, profile: ZkProfile<T>) {
		if !deposits::release::<T::Currency, _>(
			&HoldReason::ProfileDeposit.into(),
			&profile.owner,
			profile.deposit,
		) {
			frame_support::defensive!("a profile's deposit is held while the profile exists");
		}
		Keys::<T>::mutate(profile.key, |key| {
			if let Some(key) = key {
				key.profiles = key.profiles.saturating_sub(1);
			} else {
				frame_support::defensive!("a profile's key stays registered while it is bound");
			}
		});
		Profiles::<T>::remove(version);
	}

	/// Checks a proven result against a job (see [`ResultVerifier::verify`]).
	pub fn check_proof(
		context: &ProofContext<'_, T::AccountId>,
		proof: &[u8],
	) -> Result<Weight, DispatchError> {
		let version = context.model.ok_or(Error::<T>::NoProfile)?;
		let profile = Profiles::<T>::get(version).ok_or(Error::<T>::NoProfile)?;
		let result =
			ProvenResult::decode_all(&mut &proof[..]).map_err(|_| Error::<T>::MalformedProof)?;
		ensure!(
			result.inputs.len() == usize::from(profile.layout.inputs)
				&& result.outputs.len() == usize::from(profile.layout.outputs),
			Error::<T>::WrongNumberOfValues
		);
		ensure!(
			deai_zk::values_hash(&result.inputs) == *context.input_hash,
			Error::<T>::InputMismatch
		);
		ensure!(
			deai_zk::values_hash(&result.outputs) == *context.result_hash,
			Error::<T>::ResultMismatch
		);
		let points = KeyPoints::<T>::get(profile.key).ok_or_else(|| {
			frame_support::defensive!("a profile's key stays registered while it is bound");
			Error::<T>::KeyNotFound
		})?;
		deai_zk::verify::<Pairing>(&points, &profile.layout, &result).map_err(|e| match e {
			ZkError::MalformedProof => Error::<T>::MalformedProof,
			ZkError::WrongNumberOfValues => Error::<T>::WrongNumberOfValues,
			ZkError::MalformedKey | ZkError::KeyLayoutMismatch => {
				frame_support::defensive!("a stored key was checked against its layout");
				Error::<T>::KeyLayoutMismatch
			},
			ZkError::Rejected => Error::<T>::ProofRejected,
		})?;
		Ok(T::WeightInfo::verify_proof(profile.layout.public_values()))
	}

	/// Checks every invariant: each key's points exist and its use count is its profiles'; each
	/// profile's key exists with the layout's number of values; every account holds exactly the
	/// deposits of the keys and profiles it owns.
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::fungible::InspectHold;
		use sp_runtime::Saturating;
		let mut uses = BTreeMap::<KeyId, u32>::new();
		let mut held = BTreeMap::<(T::AccountId, bool), BalanceOf<T>>::new();
		for (_, profile) in Profiles::<T>::iter() {
			let key = Keys::<T>::get(profile.key).ok_or("a profile's key is registered")?;
			ensure!(key.public_values == profile.layout.public_values(), "a profile fits its key");
			*uses.entry(profile.key).or_default() += 1;
			let entry = held.entry((profile.owner.clone(), true)).or_default();
			*entry = entry.saturating_add(profile.deposit);
		}
		for (id, key) in Keys::<T>::iter() {
			ensure!(KeyPoints::<T>::contains_key(id), "a key's points are stored");
			ensure!(
				key.profiles == uses.get(&id).copied().unwrap_or(0),
				"a key counts its profiles"
			);
			let entry = held.entry((key.owner.clone(), false)).or_default();
			*entry = entry.saturating_add(key.deposit);
		}
		ensure!(
			KeyPoints::<T>::iter_keys().count() == Keys::<T>::iter_keys().count(),
			"no stray points"
		);
		for ((who, profile), amount) in held {
			let reason = if profile { HoldReason::ProfileDeposit } else { HoldReason::KeyDeposit };
			ensure!(
				T::Currency::balance_on_hold(&reason.into(), &who) == amount,
				"an account holds exactly its keys' and profiles' deposits"
			);
		}
		Ok(())
	}
}

impl<T: Config> ResultVerifier<T::AccountId> for Pallet<T> {
	fn is_available() -> bool {
		true
	}

	fn ensure_verifiable(model: Option<&ModelVersionRef>) -> DispatchResult {
		let version = model.ok_or(Error::<T>::NoProfile)?;
		ensure!(Profiles::<T>::contains_key(version), Error::<T>::NoProfile);
		Ok(())
	}

	fn ensure_verifiable_weight() -> Weight {
		T::WeightInfo::check_profile()
	}

	fn max_verify_weight() -> Weight {
		T::WeightInfo::verify_proof(deai_zk::MAX_PUBLIC_VALUES)
	}

	fn verify(
		context: &ProofContext<'_, T::AccountId>,
		proof: &[u8],
	) -> Result<Weight, DispatchError> {
		Self::check_proof(context, proof)
	}
}
