//! Storage migrations, each played on records written in the layout it migrates from.

use super::*;
use crate::migrations::v1::{v0, MigrateV0ToV1};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Rewrites every provider in the version 0 layout (the endpoint inside the record) and puts the
/// pallet back at version 0: the chain as the previous release left it.
fn back_to_v0() -> Vec<(AccountId, ProviderInfo<Test>, BoundedText<<Test as Config>::MaxUriLen>)> {
	let providers: Vec<_> = Providers::<Test>::iter().collect();
	let mut before = Vec::new();
	for (who, info) in providers {
		let endpoint = ProviderEndpoints::<Test>::take(who).expect("every provider has one");
		v0::Providers::<Test>::insert(
			who,
			v0::ProviderInfo::<Test> {
				bond: info.bond,
				capabilities: info.capabilities.clone(),
				endpoint: endpoint.clone(),
				tee: info.tee,
				status: info.status.clone(),
				active_jobs: info.active_jobs,
				open_bids: info.open_bids,
				reputation: info.reputation,
				deposit: info.deposit,
			},
		);
		before.push((who, info, endpoint));
	}
	StorageVersion::new(0).put::<Market>();
	before
}

#[test]
fn v1_moves_every_endpoint_out_of_its_record_and_keeps_the_rest() {
	new_test_ext().execute_with(|| {
		register(P1);
		register(P2);
		assert_ok!(Market::update_provider(
			RuntimeOrigin::signed(P2),
			None,
			Some(text("https://p2"))
		));
		assert_ok!(Market::set_paused(RuntimeOrigin::signed(P2), true));
		let before = back_to_v0();
		assert_eq!(Market::on_chain_storage_version(), 0);

		let weight = MigrateV0ToV1::<Test>::on_runtime_upgrade();

		assert_eq!(Market::on_chain_storage_version(), 1);
		for (who, info, endpoint) in &before {
			assert_eq!(Providers::<Test>::get(who).as_ref(), Some(info));
			assert_eq!(ProviderEndpoints::<Test>::get(who).as_ref(), Some(endpoint));
		}
		assert_eq!(ProviderEndpoints::<Test>::get(P2).unwrap().to_vec(), b"https://p2".to_vec());
		// A read and two writes a provider, and the version's read and write.
		let db: frame_support::weights::RuntimeDbWeight =
			<<Test as frame_system::Config>::DbWeight as Get<_>>::get();
		assert_eq!(weight, db.reads_writes(2, 4).saturating_add(db.reads_writes(1, 1)));

		// Listed again at the next upgrade, it does nothing.
		let again = MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(again, db.reads(1));
		for (who, info, _) in &before {
			assert_eq!(Providers::<Test>::get(who).as_ref(), Some(info));
		}
	});
}

#[cfg(feature = "try-runtime")]
#[test]
fn v1_checks_itself_before_and_after() {
	use frame_support::traits::UncheckedOnRuntimeUpgrade;
	new_test_ext().execute_with(|| {
		register(P1);
		back_to_v0();
		let state = crate::migrations::v1::MoveEndpoints::<Test>::pre_upgrade().unwrap();
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_ok!(crate::migrations::v1::MoveEndpoints::<Test>::post_upgrade(state));
	});
}
