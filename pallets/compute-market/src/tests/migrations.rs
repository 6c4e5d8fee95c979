//! Storage migrations, each played on records written in the layout it migrates from.

use super::*;
use crate::migrations::{
	v1::{v0, MigrateV0ToV1},
	v2::{v1 as v1_layout, MigrateV1ToV2},
};
use codec::MaxEncodedLen;
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

/// Rewrites every job in the version 1 layout (its input's and results' locations inside the
/// record, taken out of their maps) and puts the pallet back at version 1.
fn back_to_v1() -> Vec<(u64, Job<Test>, BoundedText<<Test as Config>::MaxUriLen>)> {
	let jobs: Vec<_> = Jobs::<Test>::iter().collect();
	let mut before = Vec::new();
	for (id, job) in jobs {
		let input_uri = JobInputUris::<Test>::take(id).expect("every job has one");
		let spec = JobSpec::<Test> {
			kind: job.spec.kind,
			model: job.spec.model,
			datasets: job.spec.datasets.clone(),
			input_hash: job.spec.input_hash,
			input_uri: input_uri.clone(),
			requirements: job.spec.requirements.clone(),
			commercial: job.spec.commercial,
			budget: job.spec.budget,
			matching_blocks: job.spec.matching_blocks,
			execution_blocks: job.spec.execution_blocks,
			matching: job.spec.matching.clone(),
			verification: job.spec.verification.clone(),
		};
		let assignments = job
			.assignments
			.iter()
			.map(|a| v1_layout::Assignment::<Test> {
				provider: a.provider,
				price: a.price,
				commitment: a.commitment,
				result: a.result,
				result_uri: ResultUris::<Test>::take(id, a.provider),
			})
			.collect::<Vec<_>>();
		v1_layout::Jobs::<Test>::insert(
			id,
			v1_layout::Job::<Test> {
				requester: job.requester,
				spec,
				status: job.status.clone(),
				assignments: BoundedVec::truncate_from(assignments),
				bids: job.bids,
				price_cap: job.price_cap,
				protocol_fee: job.protocol_fee,
				model_fee: job.model_fee.fee,
				dataset_fees: BoundedVec::truncate_from(
					job.dataset_fees.iter().map(|used| used.fee).collect::<Vec<_>>(),
				),
				deadline: job.deadline,
				dispute_bond: job.dispute_bond,
				deposit: job.deposit,
				posted_at: job.posted_at,
			},
		);
		before.push((id, job, input_uri));
	}
	StorageVersion::new(1).put::<Market>();
	before
}

/// Two jobs: one open, one whose provider submitted a result.
fn two_jobs() -> (u64, u64) {
	register(P1);
	let open = post(spec(10_000, MatchingMode::Auction, VerificationMode::RequesterApproval));
	let mut direct =
		spec(10_000, MatchingMode::Direct { provider: P1 }, VerificationMode::RequesterApproval);
	direct.input_uri = text("https://input/2");
	let submitted = post(direct);
	assert_ok!(Market::accept_job(RuntimeOrigin::signed(P1), submitted));
	submit(P1, submitted, 7);
	(open, submitted)
}

#[test]
fn v2_moves_every_location_out_of_the_job_record_and_keeps_the_rest() {
	new_test_ext().execute_with(|| {
		let (open, submitted) = two_jobs();
		let before = back_to_v1();
		assert_eq!(Market::on_chain_storage_version(), 1);
		assert!(JobInputUris::<Test>::iter_keys().next().is_none());

		let weight = MigrateV1ToV2::<Test>::on_runtime_upgrade();

		assert_eq!(Market::on_chain_storage_version(), 2);
		for (id, job, input_uri) in &before {
			assert_eq!(Jobs::<Test>::get(id).as_ref(), Some(job));
			assert_eq!(JobInputUris::<Test>::get(id).as_ref(), Some(input_uri));
		}
		assert_eq!(
			JobInputUris::<Test>::get(submitted).unwrap().to_vec(),
			b"https://input/2".to_vec()
		);
		assert_eq!(
			ResultUris::<Test>::get(submitted, P1).unwrap().to_vec(),
			b"ipfs://out".to_vec()
		);
		assert_eq!(ResultUris::<Test>::iter_prefix(open).count(), 0);
		// A read a job (its old record's size of proof), two writes each and one per result, two
		// reads for each job's model (whether its requester is a party to it), and the version's
		// read and write.
		let db: frame_support::weights::RuntimeDbWeight =
			<<Test as frame_system::Config>::DbWeight as Get<_>>::get();
		let uri = BoundedText::<<Test as Config>::MaxUriLen>::max_encoded_len() as u64;
		let max_redundancy = <<Test as Config>::MaxRedundancy as Get<u32>>::get() as u64;
		let old_record = Job::<Test>::max_encoded_len() as u64 + uri * (1 + max_redundancy);
		assert_eq!(
			weight,
			db.reads_writes(2 + 2 * 2, 5)
				.saturating_add(db.reads_writes(1, 1))
				.saturating_add(frame_support::weights::Weight::from_parts(0, 2 * old_record))
		);
		assert_ok!(Market::do_try_state());

		// Listed again at the next upgrade, it does nothing.
		assert_eq!(MigrateV1ToV2::<Test>::on_runtime_upgrade(), db.reads(1));
	});
}

#[cfg(feature = "try-runtime")]
#[test]
fn v2_checks_itself_before_and_after() {
	use frame_support::traits::UncheckedOnRuntimeUpgrade;
	new_test_ext().execute_with(|| {
		two_jobs();
		back_to_v1();
		let state = crate::migrations::v2::MoveLocations::<Test>::pre_upgrade().unwrap();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_ok!(crate::migrations::v2::MoveLocations::<Test>::post_upgrade(state));
	});
}
