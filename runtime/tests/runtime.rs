//! The runtime as a whole: pallet configuration, genesis presets, a transfer executed through
//! `Executive` exactly as a block author would, what a `NonTransfer` proxy may do (review H-7),
//! and the ranges of the governance parameters (review M-9).

mod common;

use codec::Encode;
use common::{
	extrinsics::signed_extrinsic,
	fixtures::{cpu_capabilities, inference_job, text},
	preset_ext,
};
use deai_primitives::{IntendedUse, ModelVersionRef};
use deai_runtime::configs::governance::{
	bounds::*,
	dynamic_params::{market, rewards},
	tracks::{ids, TracksInfo},
	RuntimeParameters,
};
use deai_runtime::constants::time::FastPeriods;
use deai_runtime::{
	configs::utility::ProxyType, genesis_config_presets::*, pallet_custom_origins, AccountId,
	Balance, Balances, ComputeMarket, Executive, Header, ModelRegistry, ParachainInfo, Proxy,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, Session, System, DAYS, PARACHAIN_ID, UNIT,
};
use frame_support::{
	assert_ok,
	traits::{Get, InstanceFilter, IntegrityTest},
	BoundedVec,
};
use pallet_compute_market::{JobSpec, MatchingMode, ProviderStatus};
use pallet_model_registry::{Licence, ModelFormat, RegistryItem, VersionRef};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	DispatchResult, FixedI64, MultiAddress, Perbill, Permill,
};

#[test]
fn every_pallet_passes_its_integrity_test() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		<deai_runtime::AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

/// The job record every market call reads stays small at the runtime's bounds: the input's and
/// the results' locations are kept beside it (`JobInputUris`, `ResultUris`), which took it from
/// 2,556 bytes to 987. A field that grows it fails here, with its size.
#[test]
fn the_job_record_every_market_call_reads_stays_small() {
	use codec::MaxEncodedLen;
	let job = pallet_compute_market::Job::<Runtime>::max_encoded_len();
	println!("Job MaxEncodedLen at the runtime's bounds: {job} bytes");
	assert!(job <= 1_000, "the job record's MaxEncodedLen is {job} bytes");
}

#[test]
fn referendum_tracks_are_sorted_and_named() {
	use pallet_referenda::TracksInfo as _;
	// Both sets: a real chain's and a test chain's (`FastPeriods`).
	for fast in [false, true] {
		sp_io::TestExternalities::default().execute_with(|| {
			FastPeriods::set(&fast);
			TracksInfo::check_integrity().expect("tracks sorted by id");
			let names: Vec<String> = TracksInfo::tracks()
				.map(|t| String::from_utf8_lossy(&t.info.name).trim_end_matches('\0').to_string())
				.collect();
			assert_eq!(
				names,
				[
					"root",
					"whitelisted_caller",
					"referendum_canceller",
					"referendum_killer",
					"treasurer",
					"small_spender",
					"deai_parameters",
					"market_arbiter"
				]
			);
		});
	}
}

/// A chain has production periods unless root switches on `FastPeriods` (the e2e suite does, on
/// its dev chain): then governance, sessions, unbonding, reviews, reveals and disputes take a few
/// blocks, the epoch length may be 2 blocks, and nothing else changes.
#[test]
fn fast_periods_shorten_every_period_and_only_periods() {
	use deai_runtime::configs::{
		collators::Period as SessionPeriod,
		deai::{DisputePeriod, RevealPeriod, ReviewPeriod, UnbondingPeriod},
		governance::{SpendPeriod, VoteLockingPeriod},
	};
	use pallet_referenda::TracksInfo as _;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert!(!FastPeriods::get(), "no preset switches it on");
		let decision = || {
			TracksInfo::info(ids::DEAI_PARAMETERS)
				.expect("the parameters track")
				.decision_period
		};
		// The periods the switch governs, as the pallets read them.
		let periods = || {
			(
				decision(),
				SessionPeriod::get(),
				UnbondingPeriod::get(),
				ReviewPeriod::get(),
				RevealPeriod::get(),
				DisputePeriod::get(),
				SpendPeriod::get(),
				VoteLockingPeriod::get(),
			)
		};
		let production = periods();
		assert_eq!(
			production,
			(7 * DAYS, 6 * 600, 7 * DAYS, 600, 100, 7 * DAYS, 6 * DAYS, 7 * DAYS)
		);
		assert_eq!(*epoch_length_range().start(), DAYS);

		// Root writes the raw value, as `System::set_storage` (sudo) does on a dev chain.
		assert_ok!(System::set_storage(
			RuntimeOrigin::root(),
			vec![(FastPeriods::key().to_vec(), true.encode())]
		));
		assert!(FastPeriods::get());
		let fast = periods();
		assert_eq!(fast, (30, 10, 10, 5, 10, 10, 20, 10));
		assert_eq!(*epoch_length_range().start(), 2);
		// Amounts are not periods.
		assert_eq!(<Runtime as pallet_compute_market::Config>::BondPerSlot::get(), 10 * UNIT);
		// Nobody else can write it.
		assert!(System::set_storage(
			RuntimeOrigin::signed(AccountId::from([1; 32])),
			vec![(FastPeriods::key().to_vec(), false.encode())]
		)
		.is_err());
	});
}

#[test]
fn runtime_offers_the_development_and_local_presets() {
	let names: Vec<String> = preset_names()
		.into_iter()
		.map(|id| {
			let bytes: &[u8] = id.as_ref();
			String::from_utf8(bytes.to_vec()).expect("utf8")
		})
		.collect();
	assert_eq!(names, [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET]);
	assert!(get_preset(&"no-such-preset".into()).is_none());
}

fn assert_testnet_genesis(preset: &str) {
	preset_ext(preset).execute_with(|| {
		let endowed = endowed_accounts();
		assert_eq!(endowed.len(), 6, "Alice to Ferdie");
		for account in &endowed {
			assert_eq!(Balances::free_balance(account), DEV_ENDOWMENT);
		}
		let treasury = deai_runtime::Treasury::account_id();
		assert_eq!(Balances::free_balance(&treasury), TREASURY_ENDOWMENT);
		let pot = deai_runtime::ContributorRewards::pot_account();
		assert_eq!(Balances::free_balance(&pot), REWARDS_POT_ENDOWMENT);
		assert_eq!(
			Balances::total_issuance(),
			DEV_ENDOWMENT * endowed.len() as Balance
				+ TREASURY_ENDOWMENT
				+ REWARDS_POT_ENDOWMENT
				+ ROYALTY_ACCOUNT_ENDOWMENT
		);

		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		// Collator selection keeps its invulnerables sorted.
		let mut expected = vec![alice.clone(), bob.clone()];
		expected.sort();
		assert_eq!(pallet_collator_selection::Invulnerables::<Runtime>::get().to_vec(), expected);
		assert_eq!(pallet_collator_selection::CandidacyBond::<Runtime>::get(), CANDIDACY_BOND);
		let mut validators = Session::validators();
		validators.sort();
		assert_eq!(validators, expected);
		let mut aura: Vec<deai_runtime::AuraId> =
			pallet_aura::Authorities::<Runtime>::get().into_inner();
		aura.sort();
		let mut expected_aura: Vec<deai_runtime::AuraId> =
			vec![Sr25519Keyring::Alice.public().into(), Sr25519Keyring::Bob.public().into()];
		expected_aura.sort();
		assert_eq!(aura, expected_aura);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice));
		assert_eq!(u32::from(ParachainInfo::parachain_id()), PARACHAIN_ID);
		assert_eq!(PARACHAIN_ID, 2000);
	});
}

#[test]
fn development_preset_endows_dev_accounts_and_sets_collators_and_sudo() {
	assert_testnet_genesis(DEV_RUNTIME_PRESET);
}

#[test]
fn local_testnet_preset_endows_dev_accounts_and_sets_collators_and_sudo() {
	assert_testnet_genesis(LOCAL_TESTNET_RUNTIME_PRESET);
}

fn fee_paid_by(who: &AccountId) -> Balance {
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid {
					who: payer,
					actual_fee,
					..
				},
			) if &payer == who => Some(actual_fee),
			_ => None,
		})
		.expect("a fee was paid")
}

#[test]
fn transfer_executes_through_executive_and_charges_a_fee() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let amount = 42 * UNIT;
		let header = Header::new(
			1,
			Default::default(),
			Default::default(),
			System::block_hash(0),
			Default::default(),
		);
		Executive::initialize_block(&header);

		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: MultiAddress::Id(bob.clone()),
			value: amount,
		});
		let applied =
			Executive::apply_extrinsic(signed_extrinsic(&Sr25519Keyring::Alice.pair(), 0, call))
				.expect("the extrinsic is valid");
		assert_eq!(applied, Ok(()));

		let fee = fee_paid_by(&alice);
		assert!(fee > 0, "a transfer is not free");
		assert_eq!(Balances::free_balance(&bob), DEV_ENDOWMENT + amount);
		assert_eq!(Balances::free_balance(&alice), DEV_ENDOWMENT - amount - fee);
		assert_eq!(System::account_nonce(&alice), 1);
		System::assert_has_event(RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice,
			to: bob,
			amount,
		}));
	});
}

#[test]
fn executive_rejects_a_bad_nonce_and_an_underfunded_transfer() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let header = Header::new(
			1,
			Default::default(),
			Default::default(),
			System::block_hash(0),
			Default::default(),
		);
		Executive::initialize_block(&header);
		let bob = Sr25519Keyring::Bob.to_account_id();
		let transfer = |value| {
			RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: MultiAddress::Id(bob.clone()),
				value,
			})
		};

		let alice = Sr25519Keyring::Alice.pair();

		// A nonce from the future is not valid yet.
		let stale = Executive::apply_extrinsic(signed_extrinsic(&alice, 5, transfer(UNIT)));
		assert!(matches!(
			stale,
			Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
				sp_runtime::transaction_validity::InvalidTransaction::Future
			))
		));

		// More than Alice has: included (the fee is paid) but the transfer itself fails.
		let applied =
			Executive::apply_extrinsic(signed_extrinsic(&alice, 0, transfer(DEV_ENDOWMENT * 2)))
				.expect("valid extrinsic");
		assert!(applied.is_err());
		assert_eq!(Balances::free_balance(&bob), DEV_ENDOWMENT);
	});
}

/// A job addressed to `provider`, whose budget pays it when the requester accepts the result.
fn direct_job(provider: AccountId, budget: Balance) -> JobSpec<Runtime> {
	inference_job(None, budget, MatchingMode::Direct { provider })
}

fn market_call(call: pallet_compute_market::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::ComputeMarket(call)
}

fn registry_call(call: pallet_model_registry::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::ModelRegistry(call)
}

fn pay_usage(model: ModelVersionRef, max_fee: Balance) -> RuntimeCall {
	registry_call(pallet_model_registry::Call::pay_usage {
		version: VersionRef::Model(model),
		usage: IntendedUse { commercial: false, derivative: false },
		max_fee,
	})
}

fn publish_model_version(upstream_share: Perbill) -> RuntimeCall {
	registry_call(pallet_model_registry::Call::publish_model_version {
		model: 0,
		hash: [7; 32],
		size: 4096,
		format: ModelFormat::Onnx,
		uri: text("http://127.0.0.1/model.onnx"),
		label: text("v2"),
		parents: BoundedVec::truncate_from(vec![ModelVersionRef { model: 1, version: 0 }]),
		trained_on: BoundedVec::new(),
		produced_by_job: None,
		upstream_share,
	})
}

fn update_model(contributors: Option<Vec<(AccountId, Perbill)>>) -> RuntimeCall {
	registry_call(pallet_model_registry::Call::update_model {
		model: 0,
		description: Some(text("a new description")),
		tags: None,
		licence: None,
		usage_fee: Some(UNIT),
		contributors: contributors.map(BoundedVec::truncate_from),
	})
}

#[test]
fn h7_non_transfer_proxy_cannot_move_funds_through_deai_calls() {
	use pallet_compute_market::Call as Market;
	use pallet_model_registry::Call as Registry;
	let bob = Sr25519Keyring::Bob.to_account_id();
	let model = ModelVersionRef { model: 0, version: 0 };
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });

	// Every call that pays, escrows, bonds, settles or redirects what the account earns.
	let refused = [
		pay_usage(model, 1_000 * UNIT),
		market_call(Market::post_job { spec: direct_job(bob.clone(), 1_000 * UNIT) }),
		market_call(Market::accept_result { job: 0 }),
		market_call(Market::register_provider {
			capabilities: cpu_capabilities(),
			endpoint: text("http://127.0.0.1:8080"),
			bond: 100 * UNIT,
		}),
		market_call(Market::top_up_bond { amount: 100 * UNIT }),
		market_call(Market::select_bids {
			job: 0,
			providers: BoundedVec::truncate_from(vec![bob.clone()]),
		}),
		market_call(Market::attest_result { job: 0, valid: true }),
		market_call(Market::dispute_result { job: 0 }),
		market_call(Market::place_bid { job: 0, price: UNIT }),
		market_call(Market::accept_job { job: 0 }),
		market_call(Market::claim_job { job: 0 }),
		market_call(Market::submit_result {
			job: 0,
			result_hash: [9; 32],
			result_uri: text("http://127.0.0.1/output.bin"),
			proof: BoundedVec::new(),
		}),
		market_call(Market::commit_result { job: 0, commitment: [9; 32] }),
		market_call(Market::report_failure { job: 0, code: 1, message_hash: [0; 32] }),
		update_model(Some(vec![(bob.clone(), Perbill::one())])),
		publish_model_version(Perbill::from_percent(50)),
		registry_call(Registry::set_maintainers {
			model: 0,
			maintainers: BoundedVec::truncate_from(vec![bob.clone()]),
		}),
		registry_call(Registry::approve_provider { dataset: 0, provider: bob.clone() }),
		registry_call(Registry::offer_ownership {
			item: RegistryItem::Model(0),
			new_owner: Some(bob.clone()),
		}),
		registry_call(Registry::accept_ownership { item: RegistryItem::Model(0) }),
		registry_call(Registry::submit_evaluation {
			model_version: model,
			benchmark: 0,
			score: FixedI64::from_u32(1),
			evidence_hash: [3; 32],
			evidence_uri: text("http://127.0.0.1/evidence.json"),
			max_fee: UNIT,
		}),
		registry_call(Registry::challenge_evaluation { evaluation: 0 }),
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(remark.clone()) }),
	];
	for call in &refused {
		assert!(!ProxyType::NonTransfer.filter(call), "NonTransfer lets through {call:?}");
		assert!(ProxyType::Any.filter(call), "Any refuses {call:?}");
	}

	// Calls that move none of the account's funds to anyone else.
	let allowed = [
		market_call(Market::set_paused { paused: true }),
		market_call(Market::update_provider {
			capabilities: None,
			endpoint: Some(text("http://127.0.0.1:8081")),
		}),
		market_call(Market::start_unbonding {}),
		market_call(Market::withdraw_bond {}),
		market_call(Market::cancel_job { job: 0 }),
		market_call(Market::remove_receipt { job: 0 }),
		update_model(None),
		publish_model_version(Perbill::zero()),
		registry_call(Registry::set_model_version_status {
			version: model,
			status: pallet_model_registry::VersionStatus::Deprecated,
		}),
		registry_call(Registry::remove_model { model: 0 }),
		RuntimeCall::ContributorRewards(pallet_contributor_rewards::Call::claim {
			epoch: 0,
			earner: deai_primitives::Earner::Account(bob.clone()),
		}),
		remark,
	];
	for call in &allowed {
		assert!(ProxyType::NonTransfer.filter(call), "NonTransfer refuses {call:?}");
	}

	// Through pallet-proxy: Bob holds a NonTransfer proxy of Alice, a provider, and Charlie's
	// model asks a usage fee of half Alice's balance, all for Charlie.
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		assert_ok!(ComputeMarket::register_provider(
			RuntimeOrigin::signed(alice.clone()),
			cpu_capabilities(),
			text("http://127.0.0.1:8080"),
			100 * UNIT,
		));
		assert_ok!(Proxy::add_proxy(
			RuntimeOrigin::signed(alice.clone()),
			MultiAddress::Id(bob.clone()),
			ProxyType::NonTransfer,
			0,
		));
		let fee = DEV_ENDOWMENT / 2;
		assert_ok!(ModelRegistry::register_model(
			RuntimeOrigin::signed(charlie.clone()),
			text("bait"),
			text("a model whose fee is half of Alice's balance"),
			BoundedVec::new(),
			Licence {
				spdx: text("MIT"),
				commercial_use: false,
				derivatives: true,
				attribution: false,
			},
			fee,
			BoundedVec::truncate_from(vec![(charlie.clone(), Perbill::one())]),
		));
		assert_ok!(ModelRegistry::publish_model_version(
			RuntimeOrigin::signed(charlie.clone()),
			0,
			[7; 32],
			4096,
			ModelFormat::Onnx,
			text("http://127.0.0.1/model.onnx"),
			text("v1"),
			BoundedVec::new(),
			BoundedVec::new(),
			None,
			Perbill::zero(),
		));

		let as_alice = |call: RuntimeCall| {
			Proxy::proxy(
				RuntimeOrigin::signed(bob.clone()),
				MultiAddress::Id(alice.clone()),
				None,
				Box::new(call),
			)
		};
		let balances = || {
			(
				Balances::free_balance(&alice),
				Balances::reserved_balance(&alice),
				Balances::free_balance(&bob),
				Balances::free_balance(&charlie),
			)
		};
		let before = balances();
		let filtered = RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
			result: Err(frame_system::Error::<Runtime>::CallFiltered.into()),
		});
		for call in [
			pay_usage(model, fee),
			market_call(Market::post_job { spec: direct_job(bob.clone(), fee) }),
			market_call(Market::top_up_bond { amount: fee }),
			market_call(Market::accept_result { job: 0 }),
			market_call(Market::register_provider {
				capabilities: cpu_capabilities(),
				endpoint: text("http://127.0.0.1:8080"),
				bond: fee,
			}),
		] {
			// The proxy call itself succeeds; the call it carries is filtered.
			assert_ok!(as_alice(call));
			System::assert_last_event(filtered.clone());
		}
		assert_eq!(balances(), before, "no funds moved, none were held");
		assert!(pallet_compute_market::Jobs::<Runtime>::get(0u64).is_none(), "no job was posted");

		// An innocuous call goes through: Bob pauses Alice's provider.
		assert_ok!(as_alice(market_call(Market::set_paused { paused: true })));
		System::assert_last_event(RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
			result: Ok(()),
		}));
		let provider =
			pallet_compute_market::Providers::<Runtime>::get(&alice).expect("a provider");
		assert_eq!(provider.status, ProviderStatus::Paused);
		assert_eq!(balances(), before);
	});
}

/// Dispatches `Parameters::set_parameter` with `origin`, through the runtime's call filter.
fn set_parameter(origin: RuntimeOrigin, parameter: RuntimeParameters) -> DispatchResult {
	RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value: parameter })
		.dispatch(origin)
		.map(|_| ())
		.map_err(|e| e.error)
}

fn protocol_fee(value: Permill) -> RuntimeParameters {
	RuntimeParameters::Market(market::Parameters::ProtocolFee(market::ProtocolFee, Some(value)))
}

fn rewards_fee_share(value: Perbill) -> RuntimeParameters {
	RuntimeParameters::Market(market::Parameters::RewardsFeeShare(
		market::RewardsFeeShare,
		Some(value),
	))
}

fn min_provider_bond(value: Balance) -> RuntimeParameters {
	RuntimeParameters::Market(market::Parameters::MinProviderBond(
		market::MinProviderBond,
		Some(value),
	))
}

fn dispute_bond(value: Balance) -> RuntimeParameters {
	RuntimeParameters::Market(market::Parameters::DisputeBond(market::DisputeBond, Some(value)))
}

fn epoch_length(value: u32) -> RuntimeParameters {
	RuntimeParameters::Rewards(rewards::Parameters::EpochLength(rewards::EpochLength, Some(value)))
}

fn reward_per_epoch(value: Balance) -> RuntimeParameters {
	RuntimeParameters::Rewards(rewards::Parameters::RewardPerEpoch(
		rewards::RewardPerEpoch,
		Some(value),
	))
}

#[test]
fn m9_out_of_range_parameters_are_refused() {
	let deai_parameters = || RuntimeOrigin::from(pallet_custom_origins::Origin::DeaiParameters);
	let filtered: DispatchResult = Err(frame_system::Error::<Runtime>::CallFiltered.into());

	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		// The launch values are in range.
		assert!(PROTOCOL_FEE_RANGE.contains(&market::ProtocolFee::get()));
		assert!(REWARDS_FEE_SHARE_RANGE.contains(&market::RewardsFeeShare::get()));
		assert!(MIN_PROVIDER_BOND_RANGE.contains(&market::MinProviderBond::get()));
		assert!(DISPUTE_BOND_RANGE.contains(&market::DisputeBond::get()));
		assert!(epoch_length_range().contains(&rewards::EpochLength::get()));
		assert!(REWARD_PER_EPOCH_RANGE.contains(&rewards::RewardPerEpoch::get()));
		let launch = (
			market::ProtocolFee::get(),
			market::MinProviderBond::get(),
			market::DisputeBond::get(),
			rewards::EpochLength::get(),
			rewards::RewardPerEpoch::get(),
		);
		let current = || {
			(
				market::ProtocolFee::get(),
				market::MinProviderBond::get(),
				market::DisputeBond::get(),
				rewards::EpochLength::get(),
				rewards::RewardPerEpoch::get(),
			)
		};

		// Out of range, from the parameters track: refused, nothing stored. The review's examples
		// come first.
		for parameter in [
			epoch_length(0),
			epoch_length(1),
			dispute_bond(0),
			protocol_fee(Permill::one()),
			min_provider_bond(0),
			protocol_fee(Permill::from_parts(PROTOCOL_FEE_RANGE.end().deconstruct() + 1)),
			min_provider_bond(*MIN_PROVIDER_BOND_RANGE.start() - 1),
			min_provider_bond(*MIN_PROVIDER_BOND_RANGE.end() + 1),
			dispute_bond(*DISPUTE_BOND_RANGE.start() - 1),
			dispute_bond(*DISPUTE_BOND_RANGE.end() + 1),
			epoch_length(*epoch_length_range().start() - 1),
			epoch_length(*epoch_length_range().end() + 1),
			reward_per_epoch(*REWARD_PER_EPOCH_RANGE.end() + 1),
		] {
			assert_eq!(
				set_parameter(deai_parameters(), parameter.clone()),
				filtered,
				"{parameter:?} was accepted"
			);
		}
		// Inside a batch, too.
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all {
			calls: vec![RuntimeCall::Parameters(pallet_parameters::Call::set_parameter {
				key_value: epoch_length(1),
			})],
		});
		assert_eq!(batch.dispatch(deai_parameters()).map(|_| ()).map_err(|e| e.error), filtered);
		assert_eq!(current(), launch, "nothing was stored");

		// Both ends of each range are accepted; the pallets read the last value set.
		for parameter in [
			protocol_fee(*PROTOCOL_FEE_RANGE.start()),
			protocol_fee(*PROTOCOL_FEE_RANGE.end()),
			rewards_fee_share(*REWARDS_FEE_SHARE_RANGE.start()),
			rewards_fee_share(*REWARDS_FEE_SHARE_RANGE.end()),
			min_provider_bond(*MIN_PROVIDER_BOND_RANGE.start()),
			min_provider_bond(*MIN_PROVIDER_BOND_RANGE.end()),
			dispute_bond(*DISPUTE_BOND_RANGE.start()),
			dispute_bond(*DISPUTE_BOND_RANGE.end()),
			epoch_length(*epoch_length_range().end()),
			epoch_length(*epoch_length_range().start()),
			reward_per_epoch(*REWARD_PER_EPOCH_RANGE.end()),
			reward_per_epoch(*REWARD_PER_EPOCH_RANGE.start()),
		] {
			assert_ok!(set_parameter(deai_parameters(), parameter));
		}
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::ProtocolFee::get(),
			*PROTOCOL_FEE_RANGE.end()
		);
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::RewardsFeeShare::get(),
			Perbill::one()
		);
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::MinProviderBond::get(),
			*MIN_PROVIDER_BOND_RANGE.end()
		);
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::DisputeBond::get(),
			*DISPUTE_BOND_RANGE.end()
		);
		assert_eq!(
			<Runtime as pallet_contributor_rewards::Config>::EpochLength::get(),
			*epoch_length_range().start()
		);
		assert_eq!(<Runtime as pallet_contributor_rewards::Config>::RewardPerEpoch::get(), 0);
		// Back to the default (no value) is always accepted.
		let reset = RuntimeParameters::Rewards(rewards::Parameters::EpochLength(
			rewards::EpochLength,
			None,
		));
		assert_ok!(set_parameter(deai_parameters(), reset));
		assert_eq!(rewards::EpochLength::get(), DAYS);

		// Root bypasses call filters: what it stores out of range takes effect as the nearer end
		// of the range.
		for parameter in [
			protocol_fee(Permill::one()),
			min_provider_bond(0),
			dispute_bond(0),
			epoch_length(1),
			reward_per_epoch(Balance::MAX),
		] {
			assert_ok!(set_parameter(RuntimeOrigin::root(), parameter));
		}
		assert_eq!(market::DisputeBond::get(), 0, "stored as root set it");
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::ProtocolFee::get(),
			*PROTOCOL_FEE_RANGE.end()
		);
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::MinProviderBond::get(),
			*MIN_PROVIDER_BOND_RANGE.start()
		);
		assert_eq!(
			<Runtime as pallet_compute_market::Config>::DisputeBond::get(),
			*DISPUTE_BOND_RANGE.start()
		);
		assert_eq!(
			<Runtime as pallet_contributor_rewards::Config>::EpochLength::get(),
			*epoch_length_range().start()
		);
		assert_eq!(
			<Runtime as pallet_contributor_rewards::Config>::RewardPerEpoch::get(),
			*REWARD_PER_EPOCH_RANGE.end()
		);
	});
}

#[test]
fn m9_market_arbiter_track_needs_half_a_percent_support() {
	use pallet_referenda::TracksInfo as _;
	sp_io::TestExternalities::default().execute_with(|| {
		let arbiter = TracksInfo::tracks()
			.find(|track| track.id == ids::MARKET_ARBITER)
			.expect("the market_arbiter track");
		assert_eq!(
			arbiter.info.min_support.threshold(Perbill::one()),
			Perbill::from_perthousand(5)
		);
		assert_eq!(arbiter.info.min_approval.threshold(Perbill::one()), Perbill::from_percent(60));
	});
}

/// Every DeAI call is charged, before dispatch, at least what its benchmarks measure for every
/// path it can take at the runtime's bounds (issue 16, item 4): a call that may settle a job is
/// charged a settlement, a claim that may turn into a bid a bid, a call whose cost grows with an
/// argument the weight of that argument at its bound. Every call of the three pallets must be in
/// the table, so that a new call (or a new path of an old one) cannot slip in undercharged.
mod charged_at_least_the_benchmarks {
	use super::*;
	use codec::Decode;
	use frame_support::{
		dispatch::GetDispatchInfo,
		traits::{GetCallIndex, GetCallName},
		weights::Weight,
	};
	use pallet_ai_oracle::WeightInfo as _;
	use pallet_compute_market::{DeadlineKind, WeightInfo as _};
	use pallet_contributor_rewards::WeightInfo as _;
	use pallet_federated::WeightInfo as _;
	use pallet_model_registry::WeightInfo as _;
	use pallet_zk_verifier::WeightInfo as _;
	use sp_runtime::Perbill;

	type Market = <Runtime as pallet_compute_market::Config>::WeightInfo;
	type Oracle = <Runtime as pallet_ai_oracle::Config>::WeightInfo;
	type OracleCall = pallet_ai_oracle::Call<Runtime>;
	type Registry = <Runtime as pallet_model_registry::Config>::WeightInfo;
	type Rewards = <Runtime as pallet_contributor_rewards::Config>::WeightInfo;
	type Zk = <Runtime as pallet_zk_verifier::Config>::WeightInfo;
	type ZkCall = pallet_zk_verifier::Call<Runtime>;
	type Fed = <Runtime as pallet_federated::Config>::WeightInfo;
	type FedCall = pallet_federated::Call<Runtime>;
	type MarketCall = pallet_compute_market::Call<Runtime>;
	type RegistryCall = pallet_model_registry::Call<Runtime>;
	type RewardsCall = pallet_contributor_rewards::Call<Runtime>;

	/// A call decoded from its index followed by zeros: every argument at its smallest (empty
	/// lists, zero numbers, first variants).
	fn smallest<C: Decode>(index: u8) -> C {
		let mut bytes = vec![index];
		bytes.extend([0u8; 4096]);
		C::decode(&mut &bytes[..]).expect("zeros decode as the smallest arguments")
	}

	fn bound<G: Get<u32>>() -> u32 {
		G::get()
	}

	/// Distinct accounts, as many as the bound.
	fn accounts(count: u32) -> Vec<AccountId> {
		(0..count).map(|i| AccountId::from([i as u8 + 1; 32])).collect()
	}

	/// `call` with the arguments a weight depends on at their bounds.
	fn at_bounds_registry(call: RegistryCall) -> RegistryCall {
		type C = <Runtime as pallet_model_registry::Config>::MaxContributors;
		let contributors = || {
			let count = bound::<C>();
			BoundedVec::try_from(
				accounts(count)
					.into_iter()
					.map(|who| (who, Perbill::from_rational(1, count)))
					.collect::<Vec<_>>(),
			)
			.expect("the bound")
		};
		match call {
			RegistryCall::register_model {
				name, description, tags, licence, usage_fee, ..
			} => RegistryCall::register_model {
				name,
				description,
				tags,
				licence,
				usage_fee,
				contributors: contributors(),
			},
			RegistryCall::register_dataset { name, description, licence, access, .. } => {
				RegistryCall::register_dataset {
					name,
					description,
					licence,
					access,
					contributors: contributors(),
				}
			},
			RegistryCall::set_maintainers { model, .. } => RegistryCall::set_maintainers {
				model,
				maintainers: BoundedVec::try_from(accounts(bound::<
					<Runtime as pallet_model_registry::Config>::MaxMaintainers,
				>()))
				.expect("the bound"),
			},
			RegistryCall::publish_model_version {
				model,
				hash,
				size,
				format,
				uri,
				label,
				produced_by_job,
				upstream_share,
				..
			} => {
				let parents = bound::<<Runtime as pallet_model_registry::Config>::MaxParents>();
				let datasets =
					bound::<<Runtime as pallet_model_registry::Config>::MaxTrainingDatasets>();
				RegistryCall::publish_model_version {
					model,
					hash,
					size,
					format,
					uri,
					label,
					parents: BoundedVec::try_from(
						(0..parents)
							.map(|v| ModelVersionRef { model: 1, version: v })
							.collect::<Vec<_>>(),
					)
					.expect("the bound"),
					trained_on: BoundedVec::try_from(
						(0..datasets)
							.map(|v| deai_primitives::DatasetVersionRef { dataset: 1, version: v })
							.collect::<Vec<_>>(),
					)
					.expect("the bound"),
					produced_by_job,
					upstream_share,
				}
			},
			other => other,
		}
	}

	/// The benchmarks of every path of each registry call, at the runtime's bounds.
	fn registry_paths(name: &str) -> Vec<Weight> {
		let c = bound::<<Runtime as pallet_model_registry::Config>::MaxContributors>();
		let m = bound::<<Runtime as pallet_model_registry::Config>::MaxMaintainers>();
		let p = bound::<<Runtime as pallet_model_registry::Config>::MaxParents>();
		let d = bound::<<Runtime as pallet_model_registry::Config>::MaxTrainingDatasets>();
		vec![match name {
			"register_model" => Registry::register_model(c),
			"update_model" => Registry::update_model(c),
			"set_maintainers" => Registry::set_maintainers(m),
			"publish_model_version" => Registry::publish_model_version(p, d),
			"set_model_version_status" => Registry::set_model_version_status(),
			"remove_model_version" => Registry::remove_model_version(p, d),
			"remove_model" => Registry::remove_model(),
			"register_dataset" => Registry::register_dataset(c),
			"update_dataset" => Registry::update_dataset(c),
			"publish_dataset_version" => Registry::publish_dataset_version(),
			"set_dataset_version_status" => Registry::set_dataset_version_status(),
			"remove_dataset_version" => Registry::remove_dataset_version(),
			"remove_dataset" => Registry::remove_dataset(),
			"approve_provider" => Registry::approve_provider(),
			"revoke_provider" => Registry::revoke_provider(),
			"offer_ownership" => Registry::offer_ownership(),
			"accept_ownership" => Registry::accept_ownership(),
			"register_benchmark" => Registry::register_benchmark(),
			"remove_benchmark" => Registry::remove_benchmark(),
			"submit_evaluation" => Registry::submit_evaluation(),
			"challenge_evaluation" => Registry::challenge_evaluation(),
			"resolve_challenge" => Registry::resolve_challenge(),
			"finalize_evaluation" => Registry::finalize_evaluation(),
			"remove_evaluation" => Registry::remove_evaluation(),
			"take_down" => Registry::take_down(),
			"restore" => Registry::restore(),
			"pay_usage" => Registry::pay_usage(),
			"claim_royalties" => Registry::claim_royalties(),
			other => panic!("ModelRegistry::{other} has no benchmarks in this table: add them"),
		}]
	}

	/// The benchmarks of every path of each market call, at the runtime's bounds. `settle` is
	/// the deciding reveal of a job with the most providers, datasets and contributors.
	fn market_paths(name: &str) -> Vec<Weight> {
		let bids = bound::<<Runtime as pallet_compute_market::Config>::MaxBids>();
		let settle = oracle_settlement();
		match name {
			"register_provider" => vec![Market::register_provider()],
			"update_provider" => vec![Market::update_provider()],
			"submit_attestation" => vec![Market::submit_attestation()],
			"review_attestation" => vec![Market::review_attestation()],
			"set_paused" => vec![Market::set_paused()],
			"top_up_bond" => vec![Market::top_up_bond()],
			"start_unbonding" => vec![Market::start_unbonding()],
			"withdraw_bond" => vec![Market::withdraw_bond()],
			"post_job" => vec![Market::post_job()],
			"cancel_job" => vec![Market::cancel_job(bids).saturating_add(Oracle::job_finished())],
			"place_bid" => vec![Market::place_bid()],
			"select_bids" => vec![Market::select_bids(bids)],
			"accept_job" => vec![Market::accept_job()],
			// A claim of a redundant job is an application, taken as a bid.
			"claim_job" => vec![Market::claim_job(), Market::place_bid()],
			// A proof of the most public values is verified, and settles at once.
			"submit_result" => vec![Market::submit_result()
				.saturating_add(Zk::verify_proof(deai_zk::MAX_PUBLIC_VALUES))
				.saturating_add(settle)],
			"commit_result" => vec![Market::commit_result()],
			// The last reveal decides the job.
			"reveal_result" => vec![Market::reveal_result(), settle],
			"reveal_inline_result" => vec![Market::reveal_inline_result(), settle],
			// Leaving may fail the job, which its observer hears.
			"report_failure" => vec![Market::report_failure()
				.saturating_add(Oracle::job_finished())
				.saturating_add(Oracle::aggregate(redundancy()))],
			"accept_result" => vec![settle],
			"dispute_result" => vec![Market::dispute_result()],
			"attest_result" => vec![settle],
			"resolve_dispute" => vec![settle],
			"remove_receipt" => vec![Market::remove_receipt()],
			// The call, then whatever kind of deadline it handles, alone (its benchmark at one).
			"finalize_deadline" => deadline_kinds()
				.into_iter()
				.map(|(_, stress)| Market::finalize_deadline().saturating_add(stress(1)))
				.collect(),
			other => panic!("ComputeMarket::{other} has no benchmarks in this table: add them"),
		}
	}

	fn redundancy() -> u32 {
		bound::<<Runtime as pallet_compute_market::Config>::MaxRedundancy>()
	}

	/// A settlement at its costliest: the market's (the most providers, datasets and
	/// contributors), and the oracle's when the job is a question (its answers aggregated and
	/// recorded, its callback queued).
	fn oracle_settlement() -> Weight {
		Market::settle()
			.saturating_add(Oracle::aggregate(redundancy()))
			.saturating_add(Oracle::job_finished())
	}

	fn oracle_paths(name: &str) -> Vec<Weight> {
		match name {
			// The market's job is posted within: its benchmark measures both.
			"request" => vec![Oracle::request()],
			"remove_answer" => vec![Oracle::remove_answer()],
			"create_feed" => vec![Oracle::create_feed()],
			"cancel_feed" => vec![Oracle::cancel_feed()],
			other => panic!("AiOracle::{other} has no benchmarks in this table: add them"),
		}
	}

	/// Each kind of deadline and its stress benchmark: `n` worst-case deadlines of that kind in
	/// one block (distinct accounts, the most providers, bids and royalty payees).
	fn deadline_kinds() -> Vec<(DeadlineKind, fn(u32) -> Weight)> {
		vec![
			(DeadlineKind::Matching, Market::deadlines_auction_close),
			(DeadlineKind::Draw, Market::deadlines_draw),
			(DeadlineKind::Execution, Market::deadlines_execution_missed),
			(DeadlineKind::Reveal, Market::deadlines_reveal),
			(DeadlineKind::Review, Market::on_initialize_deadlines),
			(DeadlineKind::Arbitration, Market::deadlines_arbitration),
		]
	}

	/// Issue 16, item 2: a block of `MaxDeadlinesPerBlock` worst-case deadlines of any one kind
	/// is charged by the hook at least what its stress benchmark measured at that count, by ref
	/// time and by proof (the hook's base, one queue visit and each deadline's charge, against
	/// the benchmark's fit at 64 — which the per-deadline slope alone would not cover if the
	/// benchmark's intercept exceeded the hook's base); and one deadline of the costliest kind
	/// fits in the hook's quarter of a block, so the hook always makes progress (the pallet's
	/// `integrity_test` asserts that too, for any runtime).
	#[test]
	fn the_deadline_hook_is_charged_at_least_its_stress_benchmarks() {
		type MarketPallet = pallet_compute_market::Pallet<Runtime>;
		let count = bound::<<Runtime as pallet_compute_market::Config>::MaxDeadlinesPerBlock>();
		// The stress benchmarks' auctions and draws have the most bids.
		let bids = bound::<<Runtime as pallet_compute_market::Config>::MaxBids>();
		let visit = <Runtime as frame_system::Config>::DbWeight::get().reads_writes(1, 1);
		let base = Market::on_initialize_deadlines(0).saturating_add(visit);
		for (kind, stress) in deadline_kinds() {
			let charged = base.saturating_add(
				MarketPallet::deadline_charge(kind, bids).saturating_mul(u64::from(count)),
			);
			let measured = stress(count);
			assert!(
				charged.all_gte(measured),
				"{count} {kind:?} deadlines are charged {charged:?}, less than the {measured:?} \
				 their stress benchmark measured"
			);
		}
		let quarter_block = Perbill::from_percent(25)
			* <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		assert!(
			quarter_block.all_gte(base.saturating_add(MarketPallet::deadline_weight())),
			"the costliest deadline does not fit in the hook's quarter block: it would never \
			 be handled"
		);
	}

	fn federated_paths(name: &str) -> Vec<Weight> {
		match name {
			"create_task" => vec![Fed::create_task()],
			// Ending a task that waits for members closes it at once.
			"end_task" => vec![Fed::end_task(), Fed::end_task().saturating_add(Fed::close_task())],
			"join" => vec![Fed::join()],
			"leave" => vec![Fed::leave(), Fed::leave_last()],
			"withdraw" => vec![Fed::withdraw()],
			"commit_update" => vec![Fed::commit_update()],
			"reveal_update" => vec![Fed::reveal_update()],
			"commit_scores" => vec![Fed::commit_scores()],
			"reveal_scores" => vec![Fed::reveal_scores()],
			other => panic!("Federated::{other} has no benchmarks in this table: add them"),
		}
	}

	/// Federated training's hook handles at most `MaxPhaseEndsPerBlock` phase ends a block, each
	/// charged its dearest transition (a last round finalized and its model published), and all
	/// of them fit in a quarter of a block.
	#[test]
	fn the_federated_hook_fits_in_a_quarter_block() {
		let quarter_block = Perbill::from_percent(25)
			* <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		let hook = pallet_federated::Pallet::<Runtime>::max_hook_weight();
		assert!(
			quarter_block.all_gte(hook),
			"federated training's hook may weigh {hook:?}, more than a quarter block"
		);
		assert!(hook.all_gte(Fed::finalize_round().saturating_add(Fed::close_task())));
	}

	fn zk_paths(name: &str) -> Vec<Weight> {
		match name {
			// The smallest call's empty key is charged as the longest.
			"register_key" => vec![Zk::register_key(deai_zk::MAX_PUBLIC_VALUES)],
			"remove_key" => vec![Zk::remove_key()],
			"bind_profile" => vec![Zk::bind_profile()],
			"unbind_profile" => vec![Zk::unbind_profile()],
			other => panic!("ZkVerifier::{other} has no benchmarks in this table: add them"),
		}
	}

	fn rewards_paths(name: &str) -> Vec<Weight> {
		match name {
			// The claim benchmark's largest epoch (100,000 contributors): a claim reads one
			// account's points, so it grows only with the trie's depth.
			"claim" => vec![Rewards::claim(100_000)],
			"set_category_weights" => vec![Rewards::set_category_weights()],
			other => {
				panic!("ContributorRewards::{other} has no benchmarks in this table: add them")
			},
		}
	}

	fn assert_covers(pallet: &str, name: &str, charged: Weight, paths: Vec<Weight>) {
		for path in paths {
			assert!(
				charged.all_gte(path),
				"{pallet}::{name} is charged {charged:?} before dispatch, less than its \
				 benchmarked path {path:?}"
			);
		}
	}

	#[test]
	fn every_deai_call_is_charged_at_least_its_benchmarks() {
		preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
			let names = MarketCall::get_call_names();
			for (name, index) in names.iter().zip(MarketCall::get_call_indices()) {
				let call = RuntimeCall::ComputeMarket(smallest::<MarketCall>(*index));
				let charged = call.get_dispatch_info().call_weight;
				assert_covers("ComputeMarket", name, charged, market_paths(name));
			}
			let names = RegistryCall::get_call_names();
			for (name, index) in names.iter().zip(RegistryCall::get_call_indices()) {
				let call = at_bounds_registry(smallest::<RegistryCall>(*index));
				let charged = RuntimeCall::ModelRegistry(call).get_dispatch_info().call_weight;
				assert_covers("ModelRegistry", name, charged, registry_paths(name));
			}
			let names = RewardsCall::get_call_names();
			for (name, index) in names.iter().zip(RewardsCall::get_call_indices()) {
				let call = RuntimeCall::ContributorRewards(smallest::<RewardsCall>(*index));
				let charged = call.get_dispatch_info().call_weight;
				assert_covers("ContributorRewards", name, charged, rewards_paths(name));
			}
			let names = OracleCall::get_call_names();
			for (name, index) in names.iter().zip(OracleCall::get_call_indices()) {
				let call = RuntimeCall::AiOracle(smallest::<OracleCall>(*index));
				let charged = call.get_dispatch_info().call_weight;
				assert_covers("AiOracle", name, charged, oracle_paths(name));
			}
			let names = FedCall::get_call_names();
			for (name, index) in names.iter().zip(FedCall::get_call_indices()) {
				let call = RuntimeCall::Federated(smallest::<FedCall>(*index));
				let charged = call.get_dispatch_info().call_weight;
				assert_covers("Federated", name, charged, federated_paths(name));
			}
			let names = ZkCall::get_call_names();
			for (name, index) in names.iter().zip(ZkCall::get_call_indices()) {
				let call = RuntimeCall::ZkVerifier(smallest::<ZkCall>(*index));
				let charged = call.get_dispatch_info().call_weight;
				assert_covers("ZkVerifier", name, charged, zk_paths(name));
			}
			// A `Proof` job fixes its model's ZK profile when it is posted.
			let MarketCall::post_job { mut spec } = smallest::<MarketCall>(8) else {
				panic!("post_job is the market's call 8")
			};
			spec.verification = pallet_compute_market::VerificationMode::Proof;
			let charged = RuntimeCall::ComputeMarket(MarketCall::post_job { spec })
				.get_dispatch_info()
				.call_weight;
			assert_covers(
				"ComputeMarket",
				"post_job (Proof)",
				charged,
				vec![Market::post_job().saturating_add(Zk::check_profile())],
			);
		});
	}

	/// The table is not vacuous: a call charged less than one of its paths fails it.
	#[test]
	#[should_panic(expected = "less than its benchmarked path")]
	fn an_undercharged_path_is_caught() {
		let settle = Market::settle();
		assert_covers("ComputeMarket", "accept_result", Market::accept_job(), vec![settle]);
	}
}

/// Federated training on the real registry and market: a task on a registered model, two
/// market providers training and three evaluating; the trained model is published (by the
/// pallet's pot, for the owner) as a new version of the owner's model with the base as parent
/// and the participants as contributors, and a use of it pays them royalties.
#[test]
fn federated_training_publishes_a_version_whose_participants_earn_its_royalties() {
	use deai_abi::federated::{scores_commitment, update_commitment};
	use pallet_federated::{Aggregation, ModelFile, Role, TaskSpec, TaskStatus};
	use pallet_model_registry::{AccessPolicy, RoyaltyPayee, RoyaltySplits};
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let [owner, p1, p2, e1, e2, e3] = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
			Sr25519Keyring::Eve,
			Sr25519Keyring::Ferdie,
		]
		.map(|k| AccountId::from(k.public()));
		let evaluators = [e1.clone(), e2.clone(), e3.clone()];
		let evaluator = e1.clone();
		let user = AccountId::from([7u8; 32]);
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(owner.clone()),
			MultiAddress::Id(user.clone()),
			100 * UNIT
		));
		let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
		let licence = Licence {
			spdx: text("Apache-2.0"),
			commercial_use: true,
			derivatives: true,
			attribution: false,
		};
		assert_ok!(ModelRegistry::register_model(
			signed(&owner),
			text("classifier"),
			text("an MLP"),
			BoundedVec::new(),
			licence.clone(),
			UNIT,
			BoundedVec::truncate_from(vec![(owner.clone(), Perbill::one())]),
		));
		assert_ok!(ModelRegistry::publish_model_version(
			signed(&owner),
			0,
			[1; 32],
			4096,
			ModelFormat::Onnx,
			text("http://127.0.0.1/base.onnx"),
			text("v1"),
			BoundedVec::new(),
			BoundedVec::new(),
			None,
			Perbill::zero(),
		));
		let base = ModelVersionRef { model: 0, version: 0 };
		assert_ok!(ModelRegistry::register_dataset(
			signed(&owner),
			text("held-out"),
			text("evaluation rows"),
			licence,
			AccessPolicy::Open,
			BoundedVec::truncate_from(vec![(owner.clone(), Perbill::one())]),
		));
		assert_ok!(ModelRegistry::publish_dataset_version(
			signed(&owner),
			0,
			[2; 32],
			1024,
			text("http://127.0.0.1/eval.csv"),
			text("v1"),
		));
		let bond = <Runtime as pallet_compute_market::Config>::MinProviderBond::get();
		for (who, kinds) in [
			(&p1, deai_abi::job_kind::TRAINING),
			(&p2, deai_abi::job_kind::TRAINING),
			(&e1, deai_abi::job_kind::EVALUATION),
			(&e2, deai_abi::job_kind::EVALUATION),
			(&e3, deai_abi::job_kind::EVALUATION),
		] {
			let mut capabilities = cpu_capabilities();
			capabilities.job_kinds = kinds;
			assert_ok!(ComputeMarket::register_provider(
				signed(who),
				capabilities,
				text("http://127.0.0.1:9000"),
				bond
			));
		}
		assert_ok!(deai_runtime::Federated::create_task(
			signed(&owner),
			TaskSpec {
				base,
				target_model: 0,
				rounds: 1,
				round_pot: 100 * UNIT,
				participants: 2,
				evaluators: 3,
				aggregation: Aggregation::FedAvg,
				eval_dataset: deai_primitives::DatasetVersionRef { dataset: 0, version: 0 },
				eval_rows: 150,
				dp: None,
				min_stake: UNIT,
				phase_blocks: 2,
				score_tolerance: 0,
				poison_threshold: 1_000,
			}
		));
		// Only providers offering the role's job kind join.
		assert!(
			deai_runtime::Federated::join(signed(&evaluator), 0, Role::Participant, UNIT).is_err()
		);
		for who in [&p1, &p2] {
			assert_ok!(deai_runtime::Federated::join(signed(who), 0, Role::Participant, 10 * UNIT));
		}
		for who in &evaluators {
			assert_ok!(deai_runtime::Federated::join(signed(who), 0, Role::Evaluator, 10 * UNIT));
		}
		let run_to = |n: u32| {
			while System::block_number() < n {
				let next = System::block_number() + 1;
				System::set_block_number(next);
				<deai_runtime::Federated as frame_support::traits::OnInitialize<u32>>::on_initialize(
					next,
				);
			}
		};
		let phase_end = || match pallet_federated::Tasks::<Runtime>::get(0).unwrap().status {
			TaskStatus::Running { ends_at, .. }
			| TaskStatus::Enrolling { retry_at: ends_at, .. } => ends_at,
			TaskStatus::Closed => panic!("closed"),
		};
		run_to(phase_end());
		let round = pallet_federated::Rounds::<Runtime>::get(0).expect("drawn");
		let drawn: Vec<AccountId> = round.updates.iter().map(|s| s.who.clone()).collect();
		let file = |b: u8| ModelFile::<Runtime> {
			hash: [b; 32],
			size: 2048,
			uri: text("http://127.0.0.1/update"),
		};
		// p1's update helps three times as much as p2's.
		let score = |who: &AccountId| if *who == p1 { 3_000 } else { 1_000 };
		for (i, who) in drawn.iter().enumerate() {
			let c =
				update_commitment(0, 0, &who.encode(), &[10 + i as u8; 32], 100, &[i as u8; 32]);
			assert_ok!(deai_runtime::Federated::commit_update(signed(who), 0, c));
		}
		run_to(phase_end());
		for (i, who) in drawn.iter().enumerate() {
			assert_ok!(deai_runtime::Federated::reveal_update(
				signed(who),
				0,
				file(10 + i as u8),
				100,
				[i as u8; 32]
			));
		}
		run_to(phase_end());
		let scores: Vec<i64> = drawn.iter().map(score).collect();
		for who in &evaluators {
			let c = scores_commitment(0, 0, &who.encode(), &scores, &[0xA0; 32], &[9; 32]);
			assert_ok!(deai_runtime::Federated::commit_scores(signed(who), 0, c));
		}
		run_to(phase_end());
		for who in &evaluators {
			assert_ok!(deai_runtime::Federated::reveal_scores(
				signed(who),
				0,
				BoundedVec::truncate_from(scores.clone()),
				file(0xA0),
				[9; 32]
			));
		}
		run_to(phase_end());

		// Published: version 1 of the owner's model, the base as parent, the participants
		// sharing 70% of its royalties 3 : 1.
		let task = pallet_federated::Tasks::<Runtime>::get(0).expect("members keep it");
		assert_eq!(task.status, TaskStatus::Closed);
		let version = ModelVersionRef { model: 0, version: 1 };
		assert_eq!(task.published, Some(version));
		let record = pallet_model_registry::ModelVersions::<Runtime>::get(0, 1).expect("published");
		assert_eq!(record.parents.into_inner(), vec![base]);
		assert_eq!(record.artifact.content_hash, [0xA0; 32]);
		// The task's account published it: neither the owner nor another task can take the hash first.
		assert_eq!(record.publisher, deai_runtime::Federated::publishing_account(0));
		let split = RoyaltySplits::<Runtime>::get(VersionRef::Model(version)).expect("a split");
		let share = |who: &AccountId| {
			split
				.iter()
				.find(|(p, _)| *p == RoyaltyPayee::Account(who.clone()))
				.map(|(_, s)| *s)
		};
		assert_eq!(share(&p1), Some(Perbill::from_percent(75) * Perbill::from_percent(70)));
		assert_eq!(share(&p2), Some(Perbill::from_percent(25) * Perbill::from_percent(70)));
		assert_eq!(share(&evaluator), None);

		// A use of the new version pays its participants.
		assert_ok!(pay_usage(version, UNIT).dispatch(signed(&user)));
		let before = Balances::free_balance(&p1);
		assert_ok!(ModelRegistry::claim_royalties(
			signed(&user),
			VersionRef::Model(version),
			RoyaltyPayee::Account(p1.clone())
		));
		assert!(Balances::free_balance(&p1) > before, "the participant earned royalties");
		pallet_federated::Pallet::<Runtime>::do_try_state().expect("federated books");
	});
}

/// The relay parent's BABE randomness, read from the verified relay state proof, seeds the
/// runtime's draws; a proof without it (a dev chain's mocked relay) leaves the fallback.
#[test]
fn draws_use_the_relay_parents_randomness_from_the_state_proof() {
	use cumulus_pallet_parachain_system::{OnSystemEvent, RelayChainStateProof};
	use cumulus_primitives_core::relay_chain::well_known_keys::CURRENT_BLOCK_RANDOMNESS;
	use cumulus_test_relay_sproof_builder::RelayStateSproofBuilder;
	use deai_runtime::{configs::deai::NoteRelayRandomness, RelayRandomness};
	use frame_support::traits::Randomness;

	let proof_with = |randomness: Option<Option<[u8; 32]>>| {
		let mut builder = RelayStateSproofBuilder::default();
		if let Some(value) = randomness {
			builder.additional_key_values =
				vec![(CURRENT_BLOCK_RANDOMNESS.to_vec(), value.encode())];
		}
		let para_id = builder.para_id;
		let (root, proof, _) = builder.into_state_root_proof_and_descendants(0);
		RelayChainStateProof::new(para_id, root, proof).expect("a valid proof")
	};
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(10);
		let fallback = RelayRandomness::random(b"subject");
		assert_eq!(fallback.1, 9, "public since the parent block");

		// No randomness in the proof, or none for this relay block: nothing noted.
		let weight = NoteRelayRandomness::on_relay_state_proof(&proof_with(None));
		assert!(weight.ref_time() > 0, "the lookup is charged");
		NoteRelayRandomness::on_relay_state_proof(&proof_with(Some(None)));
		assert!(pallet_relay_randomness::Latest::<Runtime>::get().is_none());
		assert_eq!(RelayRandomness::random(b"subject"), fallback);

		NoteRelayRandomness::on_relay_state_proof(&proof_with(Some(Some([9; 32]))));
		let noted = pallet_relay_randomness::Latest::<Runtime>::get().expect("noted");
		assert_eq!((noted.value, noted.noted_at), ([9; 32], 10));
		let (seed, public_since) = RelayRandomness::random(b"subject");
		assert_ne!(seed, fallback.0);
		// Seen on the relay chain while the previous block was built.
		assert_eq!(public_since, 9);
		// The market's and federated training's draws use it.
		let other = RelayRandomness::random(b"another subject").0;
		assert_ne!(seed, other);
	});
}

/// A collator that leaves the relay parent's randomness out of its proof (keeping the last
/// value or not, as suits it) builds an invalid block, once the chain has relay randomness.
#[test]
fn a_proof_leaving_out_the_relay_randomness_is_refused() {
	use cumulus_pallet_parachain_system::{OnSystemEvent, RelayChainStateProof};
	use cumulus_primitives_core::{relay_chain::well_known_keys, ParaId};
	use deai_runtime::configs::deai::NoteRelayRandomness;
	use sp_runtime::{traits::BlakeTwo256, StateVersion};

	// A relay state holding the randomness, and a proof of another key only.
	let proof_without_randomness = || {
		let entries = vec![
			(well_known_keys::CURRENT_SLOT.to_vec(), 7u64.encode()),
			(well_known_keys::CURRENT_BLOCK_RANDOMNESS.to_vec(), Some([5u8; 32]).encode()),
		];
		let mut backend = sp_state_machine::new_in_mem::<BlakeTwo256>();
		backend.insert(
			vec![(None, entries.into_iter().map(|(k, v)| (k, Some(v))).collect())],
			StateVersion::V1,
		);
		let root = *backend.root();
		let proof =
			sp_state_machine::prove_read(backend, [well_known_keys::CURRENT_SLOT]).expect("proves");
		RelayChainStateProof::new(ParaId::from(PARACHAIN_ID), root, proof).expect("valid")
	};
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		// A chain without relay randomness yet (a dev chain): nothing to keep, no fault.
		NoteRelayRandomness::on_relay_state_proof(&proof_without_randomness());
		assert!(pallet_relay_randomness::Latest::<Runtime>::get().is_none());
		deai_runtime::RelayRandomness::note([1; 32], 1);
		let refused = std::panic::catch_unwind(|| {
			NoteRelayRandomness::on_relay_state_proof(&proof_without_randomness())
		});
		assert!(refused.is_err(), "the block is invalid");
	});
}
