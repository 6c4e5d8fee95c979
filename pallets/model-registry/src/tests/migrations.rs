//! Storage migrations: version 1 → 2 moves models' and datasets' descriptions out of their
//! records, keeping every byte and the deposits held for them.

use super::*;
use crate::migrations::v2::{v1, MigrateV1ToV2};
use codec::Encode;
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Rewrites the model and dataset as version 1 stored them: the description inline.
fn to_version_1(model: u64, dataset: u64) -> (Vec<u8>, Vec<u8>) {
	let record = Models::<Test>::take(model).unwrap();
	let about = ModelDescriptions::<Test>::take(model).unwrap();
	let old_model = v1::ModelInfo::<Test>::join(record, about);
	let record = Datasets::<Test>::take(dataset).unwrap();
	let about = DatasetDescriptions::<Test>::take(dataset).unwrap();
	let old_dataset = v1::DatasetInfo::<Test>::join(record, about);
	let encoded = (old_model.encode(), old_dataset.encode());
	v1::Models::<Test>::insert(model, old_model);
	v1::Datasets::<Test>::insert(dataset, old_dataset);
	StorageVersion::new(1).put::<Registry>();
	encoded
}

#[test]
fn v2_moves_descriptions_out_keeping_every_byte_and_deposit() {
	new_test_ext().execute_with(|| {
		let model = model(ALICE);
		publish(ALICE, model, 1, vec![], Perbill::zero());
		let dataset = dataset_with(BOB, AccessPolicy::Open);
		let (model_before, dataset_before) =
			(Models::<Test>::get(model).unwrap(), Datasets::<Test>::get(dataset).unwrap());
		let about = ModelDescriptions::<Test>::get(model).unwrap();
		let (held_alice, held_bob) = (held(ALICE), held(BOB));
		let (old_model, old_dataset) = to_version_1(model, dataset);
		// The old records are the two parts' bytes together: the deposits cover them alike.
		assert_eq!(old_model.len(), model_before.encoded_size() + about.encoded_size());
		assert!(Models::<Test>::get(model).is_none(), "the old layout does not decode");

		MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(Registry::on_chain_storage_version(), 2);
		assert_eq!(Models::<Test>::get(model), Some(model_before.clone()));
		assert_eq!(ModelDescriptions::<Test>::get(model), Some(about));
		assert_eq!(Datasets::<Test>::get(dataset), Some(dataset_before.clone()));
		let dataset_about = DatasetDescriptions::<Test>::get(dataset).unwrap();
		assert_eq!(old_dataset.len(), dataset_before.encoded_size() + dataset_about.encoded_size());
		assert_eq!(model_before.deposit, Registry::item_deposit(model, &model_before));
		assert_eq!(dataset_before.deposit, Registry::item_deposit(dataset, &dataset_before));
		assert_eq!((held(ALICE), held(BOB)), (held_alice, held_bob));
		// Run again, it does nothing: the chain is at version 2.
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(ModelDescriptions::<Test>::iter().count(), 1);
	});
}

/// From the release the runtime upgrades from (version 0: no royalty pots, descriptions inline),
/// both migrations in one upgrade, as the runtime lists them: v1 opens each version's pot with
/// the split its item's contributors give (reading the old layout), then v2 moves the
/// descriptions out.
#[test]
fn v0_to_v2_opens_pots_from_the_old_records_then_moves_descriptions() {
	new_test_ext().execute_with(|| {
		let model = model_with(ALICE, 100, &[(ALICE, 60), (BOB, 40)]);
		let version = VersionRef::Model(publish(ALICE, model, 1, vec![], Perbill::zero()));
		let dataset = dataset_with(BOB, AccessPolicy::Open);
		let data_version = VersionRef::Dataset(publish_data(BOB, dataset, 2));
		let splits = (
			RoyaltySplits::<Test>::get(version).unwrap(),
			RoyaltySplits::<Test>::get(data_version).unwrap(),
		);
		let (model_before, dataset_before) =
			(Models::<Test>::get(model).unwrap(), Datasets::<Test>::get(dataset).unwrap());
		// Version 0 had no pots, splits or index entries.
		for v in [version, data_version] {
			RoyaltySplits::<Test>::remove(v);
			RoyaltyPots::<Test>::remove(v);
		}
		let _ = RoyaltyShares::<Test>::clear(u32::MAX, None);
		to_version_1(model, dataset);
		StorageVersion::new(0).put::<Registry>();

		<(crate::migrations::v1::MigrateV0ToV1<Test>, MigrateV1ToV2<Test>) as OnRuntimeUpgrade>::on_runtime_upgrade();

		assert_eq!(Registry::on_chain_storage_version(), 2);
		assert_eq!(RoyaltySplits::<Test>::get(version).unwrap(), splits.0);
		assert_eq!(RoyaltySplits::<Test>::get(data_version).unwrap(), splits.1);
		assert!(RoyaltyPots::<Test>::contains_key(version));
		assert!(RoyaltyShares::<Test>::contains_key(BOB, version));
		assert_eq!(Models::<Test>::get(model), Some(model_before));
		assert_eq!(Datasets::<Test>::get(dataset), Some(dataset_before));
		assert!(ModelDescriptions::<Test>::contains_key(model));
		assert!(DatasetDescriptions::<Test>::contains_key(dataset));
	});
}
