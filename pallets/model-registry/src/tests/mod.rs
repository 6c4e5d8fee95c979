//! Tests of the model registry, one module per concern (each grouped by call), with the helpers
//! they share here. Every test ends with `do_try_state`.

mod datasets;
mod evaluations;
mod migrations;
mod models;
mod moderation;
mod ownership;
mod properties;
mod queries;
mod review_findings;
mod royalties;

use crate::{mock::*, pallet::*, types::*, Event as RegistryEvent};
use deai_primitives::{
	ContributionCategory, DatasetVersionRef, Earner, IntendedUse, ModelRegistry as _,
	ModelVersionRef, UsageFee,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	BoundedVec,
};
use sp_runtime::{DispatchError, FixedI64, Perbill, TokenError};

type Registry = crate::Pallet<Test>;

fn text<L: Get<u32>>(s: &str) -> BoundedVec<u8, L> {
	s.as_bytes().to_vec().try_into().expect("test text fits")
}

fn licence(commercial_use: bool, derivatives: bool) -> Licence<Test> {
	Licence { spdx: text("Apache-2.0"), commercial_use, derivatives, attribution: true }
}

fn shares(list: &[(AccountId, u32)]) -> ContributorsOf<Test> {
	list.iter()
		.map(|(who, percent)| (*who, Perbill::from_percent(*percent)))
		.collect::<Vec<_>>()
		.try_into()
		.expect("few contributors")
}

fn hash(n: u8) -> [u8; 32] {
	[n; 32]
}

fn last_event() -> RegistryEvent<Test> {
	System::events()
		.into_iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::ModelRegistry(e) => Some(e),
			_ => None,
		})
		.expect("a registry event")
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::StorageDeposit.into(), &who)
}

/// Claims what every payee of `version` is owed, forwarding parents' shares up the lineage and
/// claiming those pots too: what an eager split used to pay at once.
fn claim_all(version: VersionRef) {
	let split = RoyaltySplits::<Test>::get(version).unwrap();
	for payee in split.iter().map(|(p, _)| p.clone()).chain([RoyaltyPayee::Owner]) {
		let claimed = Registry::claim_royalties(RuntimeOrigin::signed(EVE), version, payee.clone());
		if let (Ok(()), RoyaltyPayee::Parent(parent)) = (claimed, payee) {
			claim_all(VersionRef::Model(parent));
		}
	}
}

fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// Registers a model by `owner` with fee `fee`, licence allowing everything.
fn model_with(owner: AccountId, fee: Balance, contributors: &[(AccountId, u32)]) -> u64 {
	let id = NextModelId::<Test>::get();
	assert_ok!(Registry::register_model(
		RuntimeOrigin::signed(owner),
		text("llama-tiny"),
		text("a tiny model"),
		vec![text("text"), text("llm")].try_into().unwrap(),
		licence(true, true),
		fee,
		shares(contributors),
	));
	id
}

fn model(owner: AccountId) -> u64 {
	model_with(owner, 100, &[(owner, 100)])
}

fn publish(
	who: AccountId,
	model: u64,
	n: u8,
	parents: Vec<ModelVersionRef>,
	upstream: Perbill,
) -> ModelVersionRef {
	let version = Models::<Test>::get(model).unwrap().next_version;
	assert_ok!(Registry::publish_model_version(
		RuntimeOrigin::signed(who),
		model,
		hash(n),
		1_000,
		ModelFormat::Onnx,
		text("ipfs://model"),
		text("v1"),
		parents.try_into().unwrap(),
		BoundedVec::new(),
		None,
		upstream,
	));
	ModelVersionRef { model, version }
}

fn dataset_with(owner: AccountId, access: AccessPolicy<Balance>) -> u64 {
	let id = NextDatasetId::<Test>::get();
	assert_ok!(Registry::register_dataset(
		RuntimeOrigin::signed(owner),
		text("mnist"),
		text("digits"),
		licence(true, true),
		access,
		shares(&[(owner, 100)]),
	));
	id
}

fn publish_data(owner: AccountId, dataset: u64, n: u8) -> DatasetVersionRef {
	let version = Datasets::<Test>::get(dataset).unwrap().next_version;
	assert_ok!(Registry::publish_dataset_version(
		RuntimeOrigin::signed(owner),
		dataset,
		hash(n),
		10_000,
		text("ipfs://data"),
		text("2026-11"),
	));
	DatasetVersionRef { dataset, version }
}
