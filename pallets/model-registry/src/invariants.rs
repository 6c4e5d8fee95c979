//! The registry's invariants (`do_try_state`), checked by try-runtime and after every unit
//! test: every hold matches the records that justify it, lineage and index entries point at
//! records that exist, each counter matches what it counts and is ahead of every id.

use crate::{
	items::{Item, Version},
	pallet::*,
	types::*,
	BalanceOf,
};
use alloc::{collections::BTreeMap, vec, vec::Vec};
use deai_primitives::{DatasetVersionRef, ModelVersionRef};
use frame_support::{
	ensure,
	storage::{
		IterableStorageDoubleMap, IterableStorageMap, StorageDoubleMap, StorageMap, StorageValue,
	},
	traits::fungible::InspectHold,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

/// What each account should hold for one reason: the sum over the records that justify it.
type Holds<T> = BTreeMap<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

fn add<T: Config>(holds: &mut Holds<T>, who: &T::AccountId, amount: BalanceOf<T>) {
	let entry = holds.entry(who.clone()).or_insert_with(Zero::zero);
	*entry = entry.saturating_add(amount);
}

impl<T: Config> Pallet<T> {
	/// The registry's invariants: holds match the records that justify them, lineage and
	/// index references are valid, counters match what they count and are ahead of every id.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut deposits = Holds::<T>::new();
		Self::check_items::<ModelVersionInfo<T>>(&mut deposits)?;
		Self::check_items::<DatasetVersionInfo<T>>(&mut deposits)?;
		Self::check_lineage()?;
		Self::check_dataset_dependents(&mut deposits)?;
		let (eval_bonds, challenge_bonds) = Self::check_evaluations(&mut deposits)?;
		Self::check_royalties()?;

		for (reason, expected) in [
			(HoldReason::StorageDeposit, deposits),
			(HoldReason::EvaluationBond, eval_bonds),
			(HoldReason::ChallengeBond, challenge_bonds),
		] {
			for (who, amount) in expected {
				ensure!(
					T::Currency::balance_on_hold(&reason.into(), &who) == amount,
					TryRuntimeError::Other("an account's hold differs from its records")
				);
			}
		}
		Ok(())
	}

	/// Royalty pots: exactly the versions that exist have a pot and a split, every claim and
	/// index entry belongs to a payee of an existing split, nobody has claimed more than it is
	/// owed, and the royalty account holds (besides its existential deposit) at least what is
	/// still owed.
	fn check_royalties() -> Result<(), TryRuntimeError> {
		use deai_primitives::royalties::{owner_share, share_of};
		use frame_support::traits::fungible::Inspect;
		let exists = |version: &VersionRef| match version {
			VersionRef::Model(v) => ModelVersions::<T>::contains_key(v.model, v.version),
			VersionRef::Dataset(v) => DatasetVersions::<T>::contains_key(v.dataset, v.version),
		};
		let versions =
			ModelVersions::<T>::iter_keys().count() + DatasetVersions::<T>::iter_keys().count();
		ensure!(
			RoyaltyPots::<T>::iter_keys().count() == versions
				&& RoyaltySplits::<T>::iter_keys().count() == versions,
			TryRuntimeError::Other("royalty pots and splits do not match the versions")
		);
		let mut owed = BalanceOf::<T>::zero();
		for (version, pot) in RoyaltyPots::<T>::iter() {
			ensure!(exists(&version), TryRuntimeError::Other("a royalty pot of no version"));
			let split = RoyaltySplits::<T>::get(version)
				.ok_or(TryRuntimeError::Other("a royalty pot without a split"))?;
			let total: u64 = split.iter().map(|(_, s)| s.deconstruct() as u64).sum();
			ensure!(total <= 1_000_000_000, TryRuntimeError::Other("a split shares over 100%"));
			let mut entitled =
				vec![(RoyaltyPayee::Owner, owner_share(split.iter().map(|(_, s)| *s), &pot))];
			entitled.extend(split.iter().map(|(p, s)| (p.clone(), share_of(*s, pot.accrued))));
			let mut claimed_in_all = BalanceOf::<T>::zero();
			for (payee, due) in entitled {
				let claimed = RoyaltiesClaimed::<T>::get(version, &payee);
				ensure!(claimed <= due, TryRuntimeError::Other("a payee claimed more than owed"));
				claimed_in_all = claimed_in_all.saturating_add(claimed);
			}
			// Still owed: what the pot received less what was claimed (rounding units included).
			owed = owed.saturating_add(pot.accrued.saturating_sub(claimed_in_all));
			for (payee, _) in RoyaltiesClaimed::<T>::iter_prefix(version) {
				let named = payee == RoyaltyPayee::Owner || split.iter().any(|(p, _)| *p == payee);
				ensure!(named, TryRuntimeError::Other("a claim by no payee of the split"));
			}
		}
		for (who, version, ()) in RoyaltyShares::<T>::iter() {
			let named = RoyaltySplits::<T>::get(version).is_some_and(|split| {
				split.iter().any(|(p, _)| *p == RoyaltyPayee::Account(who.clone()))
			});
			ensure!(named, TryRuntimeError::Other("a royalty index entry names no payee"));
		}
		let account = Self::royalty_account();
		ensure!(
			T::Currency::balance(&account) >= owed.saturating_add(T::Currency::minimum_balance()),
			TryRuntimeError::Other("the royalty account holds less than it owes")
		);
		Ok(())
	}

	/// What models and datasets share: ids below the id counter, versions counted by
	/// `live_versions` and numbered below `next_version`, a by-hash index entry for each
	/// version and none stale, a description for each item and none stale; the items' and
	/// versions' deposits are added to `deposits`.
	fn check_items<V: Version<T>>(deposits: &mut Holds<T>) -> Result<(), TryRuntimeError> {
		let next_id = <V::Item as Item<T>>::NextId::get();
		for (id, item) in <V::Item as Item<T>>::Records::iter() {
			ensure!(id < next_id, TryRuntimeError::Other("an item id is not below its id counter"));
			add::<T>(deposits, item.owner(), item.deposit());
			let versions: Vec<_> = V::Records::iter_prefix(id).collect();
			ensure!(
				versions.len() as u32 == item.live_versions(),
				TryRuntimeError::Other("live_versions does not count the item's versions")
			);
			for (index, version) in versions {
				ensure!(
					index < item.next_version(),
					TryRuntimeError::Other("version index not below next_version")
				);
				add::<T>(deposits, version.publisher(), version.deposit());
				ensure!(
					V::ByHash::get(version.content_hash(), version.publisher())
						== Some(V::version_ref(id, index)),
					TryRuntimeError::Other("content hash index out of date")
				);
			}
		}
		ensure!(
			V::ByHash::iter().all(|(hash, publisher, v)| {
				V::find(&v)
					.is_ok_and(|info| info.content_hash() == hash && info.publisher() == &publisher)
			}),
			TryRuntimeError::Other("content hash index has stale entries")
		);
		ensure!(
			<V::Item as Item<T>>::Descriptions::iter_keys()
				.all(<V::Item as Item<T>>::Records::contains_key)
				&& <V::Item as Item<T>>::Records::iter_keys()
					.all(<V::Item as Item<T>>::Descriptions::contains_key),
			TryRuntimeError::Other("an item without its description, or a stale description")
		);
		Ok(())
	}

	/// Model versions' lineage: parents and training data exist, the children index is exact,
	/// and a model's licence ceiling keeps its licence and is lifted once it has no versions.
	fn check_lineage() -> Result<(), TryRuntimeError> {
		for model in Models::<T>::iter_values() {
			ensure!(
				model.licence_ceiling.allows(&model.licence),
				TryRuntimeError::Other("a model's licence allows more than its lineage")
			);
			ensure!(
				model.live_versions != 0 || model.licence_ceiling == LicenceCeiling::UNRESTRICTED,
				TryRuntimeError::Other("a model without versions has a licence ceiling")
			);
		}
		for (model, index, version) in ModelVersions::<T>::iter() {
			let this = ModelVersionRef { model, version: index };
			for parent in version.parents.iter() {
				ensure!(
					ModelVersions::<T>::contains_key(parent.model, parent.version),
					TryRuntimeError::Other("a version's parent does not exist")
				);
				ensure!(
					ModelVersionChildren::<T>::contains_key(parent, this),
					TryRuntimeError::Other("children index misses an edge")
				);
			}
			ensure!(
				ModelVersionChildren::<T>::iter_key_prefix(this).count() as u32 == version.children,
				TryRuntimeError::Other("children does not count the version's children")
			);
			for data in version.trained_on.iter() {
				ensure!(
					DatasetVersions::<T>::contains_key(data.dataset, data.version),
					TryRuntimeError::Other("a training dataset version does not exist")
				);
			}
		}
		Ok(())
	}

	/// Datasets' own counters: approved providers (whose deposits are added to `deposits`) and
	/// each version's dependents (model versions trained on it, benchmarks built on it).
	fn check_dataset_dependents(deposits: &mut Holds<T>) -> Result<(), TryRuntimeError> {
		for (id, dataset) in Datasets::<T>::iter() {
			let providers: Vec<_> = ApprovedProviders::<T>::iter_prefix(id).collect();
			ensure!(
				providers.len() as u32 == dataset.approved_providers,
				TryRuntimeError::Other("approved_providers does not count the approvals")
			);
			for (_, (depositor, deposit)) in providers {
				add::<T>(deposits, &depositor, deposit);
			}
		}
		ensure!(
			ApprovedProviders::<T>::iter_keys().all(|(d, _)| Datasets::<T>::contains_key(d)),
			TryRuntimeError::Other("an approval outlived its dataset")
		);
		for (dataset, index, version) in DatasetVersions::<T>::iter() {
			let this = DatasetVersionRef { dataset, version: index };
			let dependents = ModelVersions::<T>::iter_values()
				.filter(|v| v.trained_on.contains(&this))
				.count() + Benchmarks::<T>::iter_values()
				.filter(|b| b.dataset_version == this)
				.count();
			ensure!(
				dependents as u32 == version.dependents,
				TryRuntimeError::Other(
					"dependents does not count the dataset version's dependents"
				)
			);
		}
		Ok(())
	}

	/// Benchmarks and evaluations: ids below their counters, evaluation counts, the index of
	/// evaluations by model version; their deposits are added to `deposits`, and the bonds
	/// evaluators and challengers should hold are returned.
	fn check_evaluations(deposits: &mut Holds<T>) -> Result<(Holds<T>, Holds<T>), TryRuntimeError> {
		let next_benchmark = NextBenchmarkId::<T>::get();
		for (id, bench) in Benchmarks::<T>::iter() {
			ensure!(
				id < next_benchmark,
				TryRuntimeError::Other("benchmark id not below NextBenchmarkId")
			);
			add::<T>(deposits, &bench.creator, bench.deposit);
			let count = Evaluations::<T>::iter_values().filter(|e| e.benchmark == id).count();
			ensure!(
				count as u32 == bench.evaluations,
				TryRuntimeError::Other("evaluations does not count the benchmark's evaluations")
			);
		}

		let mut eval_bonds = Holds::<T>::new();
		let mut challenge_bonds = Holds::<T>::new();
		let next_evaluation = NextEvaluationId::<T>::get();
		for (id, eval) in Evaluations::<T>::iter() {
			ensure!(
				id < next_evaluation,
				TryRuntimeError::Other("evaluation id not below NextEvaluationId")
			);
			add::<T>(deposits, &eval.evaluator, eval.deposit);
			ensure!(
				EvaluationsOf::<T>::contains_key(eval.model_version, id),
				TryRuntimeError::Other("evaluation index misses an evaluation")
			);
			match &eval.status {
				EvaluationStatus::Pending { .. } => {
					add::<T>(&mut eval_bonds, &eval.evaluator, eval.bond)
				},
				EvaluationStatus::Challenged { challenger, bond, .. } => {
					add::<T>(&mut eval_bonds, &eval.evaluator, eval.bond);
					add::<T>(&mut challenge_bonds, challenger, *bond);
				},
				EvaluationStatus::Accepted | EvaluationStatus::Rejected => ensure!(
					eval.bond.is_zero(),
					TryRuntimeError::Other("a final evaluation still records a bond")
				),
			}
		}
		ensure!(
			EvaluationsOf::<T>::iter_keys().all(|(_, id)| Evaluations::<T>::contains_key(id)),
			TryRuntimeError::Other("evaluation index has stale entries")
		);
		Ok((eval_bonds, challenge_bonds))
	}
}
