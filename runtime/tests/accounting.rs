//! Cross-pallet accounting with the real pallets: a scenario through the compute market, the
//! model registry and contributor rewards, wired as the runtime wires them (pallet-balances
//! holds, the runtime's existential deposit, its periods and parameters), with the books
//! checked after every call and every block in which a hook did something.
//!
//! The books are `common::books` (every DeAI hold explained by a record, registry pins
//! counting live jobs, the rewards pot covering what it owes, issuance, reference counts), here
//! with no other pallet holding anything and total issuance fixed at the genesis endowments
//! ([`assert_accounting`]).

mod common;

use codec::Encode;
use common::{
	accounts::{self, alice, bob, charlie, dave, eve, ferdie},
	books::{self, OtherHolds},
	fixtures::text,
	preset_ext,
};
use deai_primitives::{
	ContentHash, DatasetVersionRef, Earner, IntendedUse, JobId, ModelVersionRef,
};
use deai_runtime::{
	genesis_config_presets::{
		endowed_accounts, DEV_ENDOWMENT, REWARDS_POT_ENDOWMENT, ROYALTY_ACCOUNT_ENDOWMENT,
		TREASURY_ENDOWMENT,
	},
	AccountId, Balance, Balances, BlockNumber, ComputeMarket, ContributorRewards, Hash,
	ModelRegistry, Runtime, RuntimeCall, RuntimeHoldReason, RuntimeOrigin, System,
	EXISTENTIAL_DEPOSIT, UNIT,
};
use frame_support::{
	traits::{fungible::Inspect, Get, OnIdle, OnInitialize},
	BoundedVec,
};
use pallet_compute_market::{
	commitment_of, Capabilities, DeviceClass, FailureReason, HoldReason as MarketHold, JobKind,
	JobSpec, JobStatus, Jobs, MatchingMode, NextJobId, Outcome, Providers, Receipts, Requirements,
	VerificationMode,
};
use pallet_model_registry::{
	AccessPolicy, EvaluationStatus, Evaluations, Licence, ModelFormat, NextEvaluationId, VersionRef,
};
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_runtime::{traits::Dispatchable, FixedI64, Perbill};

// The runtime's own existential deposit, not the 1 of the pallets' mocks.
const _: () = assert!(EXISTENTIAL_DEPOSIT > 1);

// ---------------------------------------------------------------------------------------------
// The accounting check
// ---------------------------------------------------------------------------------------------

/// The books, after `context`: [`books::check`], with no other pallet holding anything; and no
/// money created or destroyed: the DeAI pallets move money and never mint or burn it, so total
/// issuance stays the genesis endowments (fees are not charged: calls are dispatched directly).
fn assert_accounting(context: &str) {
	let mut broken = books::check(OtherHolds::Forbidden, name);
	let genesis = DEV_ENDOWMENT * endowed_accounts().len() as Balance
		+ TREASURY_ENDOWMENT
		+ REWARDS_POT_ENDOWMENT
		+ ROYALTY_ACCOUNT_ENDOWMENT;
	let issuance = Balances::total_issuance();
	if issuance != genesis {
		broken.push(format!("total issuance is {issuance}, not the genesis endowments {genesis}"));
	}
	assert!(broken.is_empty(), "{context}: the books do not balance:\n  {}", broken.join("\n  "));
}

// ---------------------------------------------------------------------------------------------
// Driving the runtime
// ---------------------------------------------------------------------------------------------

/// A contributor to Alice's model with no account until its royalties arrive.
fn model_contributor() -> AccountId {
	AccountId::from([0x11; 32])
}
/// A contributor to Bob's dataset with no account until its royalties arrive.
fn dataset_contributor() -> AccountId {
	AccountId::from([0x22; 32])
}

/// A readable name for the accounts of the scenario.
fn name(who: &AccountId) -> String {
	if *who == model_contributor() {
		"the model contributor".into()
	} else if *who == dataset_contributor() {
		"the dataset contributor".into()
	} else {
		accounts::name(who)
	}
}

/// Dispatches `call` from `origin` through the runtime's call filter, then checks the books.
fn dispatch(label: &str, origin: RuntimeOrigin, call: impl Into<RuntimeCall>) {
	let call = call.into();
	if let Err(e) = call.clone().dispatch(origin) {
		panic!("{label}: {call:?} failed: {:?}", e.error);
	}
	assert_accounting(label);
}

/// `who` signs `call`; the books are checked after it.
fn signed(label: &str, who: &AccountId, call: impl Into<RuntimeCall>) {
	dispatch(label, RuntimeOrigin::signed(who.clone()), call);
}

/// Root (the dispute resolver and the evaluation judge) makes `call`; the books are checked after.
fn root(label: &str, call: impl Into<RuntimeCall>) {
	dispatch(label, RuntimeOrigin::root(), call);
}

/// The hooks of the pallets whose books [`assert_accounting`] checks, and of the randomness the
/// market's draw reads, in the runtime's order. No other pallet's hook holds or moves funds in
/// this scenario, and running them all makes each block several times dearer in a debug build.
type Hooks = (ComputeMarket, ContributorRewards, deai_runtime::RandomnessCollectiveFlip);

/// Runs the next block's hooks as `Executive` does before the extrinsics (`on_initialize`, then
/// `on_idle` with the rest of the block), with a parent hash that depends only on the block
/// number. Checks the books when a hook did something.
fn next_block() {
	let parent = System::block_number();
	let now = parent + 1;
	let parent_hash = Hash::from(sp_io::hashing::blake2_256(&(b"accounting", parent).encode()));
	if System::event_count() > 0 {
		System::reset_events();
	}
	System::initialize(&now, &parent_hash, &Default::default());
	let used = <Hooks as OnInitialize<BlockNumber>>::on_initialize(now);
	let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	<Hooks as OnIdle<BlockNumber>>::on_idle(now, max.saturating_sub(used));
	if System::event_count() > 0 {
		assert_accounting(&format!("the hooks of block {now}"));
	}
}

/// Runs blocks up to and including `n`.
fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		next_block();
	}
}

/// The block of a live job's pending deadline.
fn deadline_of(job: JobId) -> BlockNumber {
	Jobs::<Runtime>::get(job)
		.and_then(|job| job.deadline)
		.expect("a live job has a deadline")
		.0
}

fn outcome_of(job: JobId) -> Outcome {
	Receipts::<Runtime>::get(job).expect("a finished job has a receipt").outcome
}

fn licence() -> Licence<Runtime> {
	Licence { spdx: text("Apache-2.0"), commercial_use: true, derivatives: true, attribution: true }
}

fn capabilities() -> Capabilities<Runtime> {
	Capabilities {
		device: DeviceClass::Server,
		accelerator: text("nvidia-a100"),
		vram_mib: 81_920,
		ram_mib: 262_144,
		cpu_cores: 64,
		region: 276,
		job_kinds: 0b1111,
		max_concurrent_jobs: 4,
	}
}

/// A job of `budget` using `model` and `datasets`, matched and verified as asked, with a
/// matching window of 10 blocks and an execution window of 20.
fn job(
	model: Option<ModelVersionRef>,
	datasets: Vec<DatasetVersionRef>,
	budget: Balance,
	matching: MatchingMode<AccountId, Balance>,
	verification: VerificationMode<AccountId>,
) -> JobSpec<Runtime> {
	JobSpec {
		kind: if model.is_some() { JobKind::Inference } else { JobKind::Training },
		model,
		datasets: BoundedVec::truncate_from(datasets),
		input_hash: [0x1a; 32],
		input_uri: text("ipfs://bafyinput"),
		requirements: Requirements {
			min_vram_mib: 16_384,
			min_ram_mib: 65_536,
			accelerator: None,
			region: None,
			tee_required: false,
			min_reputation: 0,
		},
		commercial: true,
		budget,
		matching_blocks: 10,
		execution_blocks: 20,
		matching,
		verification,
	}
}

/// Ferdie posts `spec`; its id.
fn post(label: &str, spec: JobSpec<Runtime>) -> JobId {
	let id = NextJobId::<Runtime>::get();
	signed(label, &ferdie(), pallet_compute_market::Call::post_job { spec });
	id
}

fn submit(label: &str, provider: &AccountId, job: JobId, result: ContentHash) {
	signed(
		label,
		provider,
		pallet_compute_market::Call::submit_result {
			job,
			result_hash: result,
			result_uri: text("ipfs://bafyresult"),
			proof: BoundedVec::new(),
		},
	);
}

// ---------------------------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------------------------

#[test]
fn the_books_balance_through_a_market_registry_and_rewards_scenario() {
	use pallet_compute_market::Call as Market;
	use pallet_contributor_rewards::Call as Rewards;
	use pallet_model_registry::Call as Registry;

	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Balances::minimum_balance(), EXISTENTIAL_DEPOSIT);
		assert_accounting("genesis");
		next_block();

		// --- The registry: a model, a dataset, versions with lineage, a benchmark -------------
		let m0 = |version| ModelVersionRef { model: 0, version };
		let m1 = ModelVersionRef { model: 1, version: 0 };
		let d0 = |version| DatasetVersionRef { dataset: 0, version };
		let d1 = DatasetVersionRef { dataset: 1, version: 0 };
		signed(
			"Alice registers a model",
			&alice(),
			Registry::register_model {
				name: text("base-llm"),
				description: text("a base language model"),
				tags: BoundedVec::truncate_from(vec![text("llm"), text("text")]),
				licence: licence(),
				usage_fee: 2 * UNIT,
				contributors: BoundedVec::truncate_from(vec![
					(alice(), Perbill::from_percent(60)),
					(model_contributor(), Perbill::from_percent(40)),
				]),
			},
		);
		signed(
			"Bob registers a dataset",
			&bob(),
			Registry::register_dataset {
				name: text("web-corpus"),
				description: text("a licensed text corpus"),
				licence: licence(),
				access: AccessPolicy::Licensed { fee: UNIT },
				contributors: BoundedVec::truncate_from(vec![
					(bob(), Perbill::from_percent(50)),
					(dataset_contributor(), Perbill::from_percent(50)),
				]),
			},
		);
		for (version, label) in [(0u8, "2026-01"), (1, "2026-02")] {
			signed(
				"Bob publishes a dataset version",
				&bob(),
				Registry::publish_dataset_version {
					dataset: 0,
					hash: [0xd0 + version; 32],
					size: 1 << 30,
					uri: text("ipfs://bafycorpus"),
					label: text(label),
				},
			);
		}
		signed(
			"Bob registers a compute-to-data dataset",
			&bob(),
			Registry::register_dataset {
				name: text("clinical-notes"),
				description: text("never leaves its holder"),
				licence: licence(),
				access: AccessPolicy::ComputeToData { fee: UNIT },
				contributors: BoundedVec::truncate_from(vec![(bob(), Perbill::one())]),
			},
		);
		signed(
			"Bob publishes its version",
			&bob(),
			Registry::publish_dataset_version {
				dataset: 1,
				hash: [0xc0; 32],
				size: 1 << 20,
				uri: text("https://holder.example/notes"),
				label: text("2026-01"),
			},
		);
		signed(
			"Bob approves Charlie to compute on it",
			&bob(),
			Registry::approve_provider { dataset: 1, provider: charlie() },
		);
		signed(
			"Alice publishes v1, trained on the dataset",
			&alice(),
			Registry::publish_model_version {
				model: 0,
				hash: [0xa0; 32],
				size: 1 << 32,
				format: ModelFormat::Safetensors,
				uri: text("ipfs://bafybase1"),
				label: text("v1"),
				parents: BoundedVec::new(),
				trained_on: BoundedVec::truncate_from(vec![d0(0)]),
				produced_by_job: None,
				upstream_share: Perbill::zero(),
			},
		);
		signed(
			"Alice publishes v2 from v1",
			&alice(),
			Registry::publish_model_version {
				model: 0,
				hash: [0xa1; 32],
				size: 1 << 32,
				format: ModelFormat::Safetensors,
				uri: text("ipfs://bafybase2"),
				label: text("v2"),
				parents: BoundedVec::truncate_from(vec![m0(0)]),
				trained_on: BoundedVec::new(),
				produced_by_job: None,
				upstream_share: Perbill::from_percent(10),
			},
		);
		signed(
			"Bob registers a fine-tune of Alice's model",
			&bob(),
			Registry::register_model {
				name: text("tuned-llm"),
				description: text("a fine-tune of base-llm v2"),
				tags: BoundedVec::new(),
				licence: licence(),
				usage_fee: 3 * UNIT,
				contributors: BoundedVec::truncate_from(vec![(bob(), Perbill::one())]),
			},
		);
		signed(
			"Bob publishes the fine-tune, passing 30% upstream",
			&bob(),
			Registry::publish_model_version {
				model: 1,
				hash: [0xb0; 32],
				size: 1 << 32,
				format: ModelFormat::Gguf,
				uri: text("ipfs://bafytuned"),
				label: text("v1"),
				parents: BoundedVec::truncate_from(vec![m0(1)]),
				trained_on: BoundedVec::truncate_from(vec![d0(0)]),
				produced_by_job: None,
				upstream_share: Perbill::from_percent(30),
			},
		);
		signed(
			"Bob registers a benchmark on the dataset",
			&bob(),
			Registry::register_benchmark {
				dataset_version: d0(0),
				metric: text("accuracy"),
				higher_is_better: true,
			},
		);

		// --- Providers ------------------------------------------------------------------------
		let min_bond = <Runtime as pallet_compute_market::Config>::MinProviderBond::get();
		for provider in [charlie(), dave(), eve()] {
			signed(
				"a provider registers",
				&provider,
				Market::register_provider {
					capabilities: capabilities(),
					endpoint: text("https://provider.example"),
					bond: min_bond,
				},
			);
		}
		signed("Eve tops up her bond", &eve(), Market::top_up_bond { amount: 50 * UNIT });

		// --- A direct job, accepted --------------------------------------------------------
		let direct = post(
			"Ferdie posts a direct job for Charlie on both datasets",
			job(
				Some(m0(1)),
				vec![d0(0), d1],
				50 * UNIT,
				MatchingMode::Direct { provider: charlie() },
				VerificationMode::RequesterApproval,
			),
		);
		signed("Charlie accepts it", &charlie(), Market::accept_job { job: direct });
		submit("Charlie submits", &charlie(), direct, [0x01; 32]);
		signed("Ferdie accepts the result", &ferdie(), Market::accept_result { job: direct });
		assert!(matches!(outcome_of(direct), Outcome::Completed { .. }));

		// --- An auction, verified by Alice ----------------------------------------------------
		let auction = post(
			"Ferdie posts an auction verified by Alice",
			job(
				Some(m1),
				vec![],
				30 * UNIT,
				MatchingMode::Auction,
				VerificationMode::Verifier { verifier: alice() },
			),
		);
		signed("Charlie bids", &charlie(), Market::place_bid { job: auction, price: 12 * UNIT });
		signed("Dave bids", &dave(), Market::place_bid { job: auction, price: 10 * UNIT });
		signed(
			"Ferdie selects Dave",
			&ferdie(),
			Market::select_bids {
				job: auction,
				providers: BoundedVec::truncate_from(vec![dave()]),
			},
		);
		submit("Dave submits", &dave(), auction, [0x02; 32]);
		signed("Alice attests it", &alice(), Market::attest_result { job: auction, valid: true });
		assert!(matches!(outcome_of(auction), Outcome::Completed { .. }));

		// --- A fixed-price job, disputed; the requester was wrong -----------------------------
		let disputed = post(
			"Ferdie posts a fixed-price job",
			job(
				Some(m0(0)),
				vec![],
				20 * UNIT,
				MatchingMode::FixedPrice { price: 10 * UNIT },
				VerificationMode::RequesterApproval,
			),
		);
		signed("Eve claims it", &eve(), Market::claim_job { job: disputed });
		submit("Eve submits", &eve(), disputed, [0x03; 32]);
		signed("Ferdie disputes", &ferdie(), Market::dispute_result { job: disputed });
		root(
			"the resolver finds for Eve",
			Market::resolve_dispute { job: disputed, provider_at_fault: false },
		);
		assert!(matches!(outcome_of(disputed), Outcome::Completed { .. }));

		// --- A fixed-price job the verifier rejects; the provider was wrong -------------------
		let rejected = post(
			"Ferdie posts a fixed-price job verified by Alice",
			job(
				Some(m0(0)),
				vec![],
				20 * UNIT,
				MatchingMode::FixedPrice { price: 10 * UNIT },
				VerificationMode::Verifier { verifier: alice() },
			),
		);
		signed("Charlie claims it", &charlie(), Market::claim_job { job: rejected });
		submit("Charlie submits", &charlie(), rejected, [0x04; 32]);
		signed("Alice rejects it", &alice(), Market::attest_result { job: rejected, valid: false });
		root(
			"the resolver finds against Charlie",
			Market::resolve_dispute { job: rejected, provider_at_fault: true },
		);
		assert_eq!(outcome_of(rejected), Outcome::Failed { reason: FailureReason::DisputeLost });
		let slashed = Providers::<Runtime>::get(charlie()).expect("a provider").bond;
		assert!(slashed < min_bond, "Charlie lost part of his bond");
		signed(
			"Charlie tops his bond back up",
			&charlie(),
			Market::top_up_bond { amount: min_bond - slashed },
		);

		// --- A job cancelled with a bid on it -------------------------------------------------
		let cancelled = post(
			"Ferdie posts an auction",
			job(
				Some(m0(0)),
				vec![d0(0)],
				10 * UNIT,
				MatchingMode::Auction,
				VerificationMode::RequesterApproval,
			),
		);
		signed("Charlie bids", &charlie(), Market::place_bid { job: cancelled, price: 5 * UNIT });
		signed("Ferdie cancels", &ferdie(), Market::cancel_job { job: cancelled });
		assert_eq!(outcome_of(cancelled), Outcome::Failed { reason: FailureReason::Cancelled });

		// --- Jobs the hooks end ---------------------------------------------------------------
		let redundant = post(
			"Ferdie posts a redundant fixed-price job",
			job(
				Some(m0(1)),
				vec![d0(0)],
				30 * UNIT,
				MatchingMode::FixedPrice { price: 5 * UNIT },
				VerificationMode::Redundant { providers: 3, quorum: 2 },
			),
		);
		let unmatched = post(
			"Ferdie posts a training auction on both dataset versions",
			job(
				None,
				vec![d0(0), d0(1)],
				10 * UNIT,
				MatchingMode::Auction,
				VerificationMode::RequesterApproval,
			),
		);
		let missed = post(
			"Ferdie posts a direct job for Dave",
			job(
				Some(m0(0)),
				vec![],
				10 * UNIT,
				MatchingMode::Direct { provider: dave() },
				VerificationMode::RequesterApproval,
			),
		);
		let silent = post(
			"Ferdie posts a direct job for Eve",
			job(
				Some(m1),
				vec![],
				15 * UNIT,
				MatchingMode::Direct { provider: eve() },
				VerificationMode::RequesterApproval,
			),
		);
		for provider in [charlie(), dave(), eve()] {
			signed("a provider applies", &provider, Market::claim_job { job: redundant });
		}
		signed("Dave accepts", &dave(), Market::accept_job { job: missed });
		signed("Eve accepts", &eve(), Market::accept_job { job: silent });
		submit("Eve submits", &eve(), silent, [0x05; 32]);

		// Nobody bids on the training job: it fails when its window closes, as the redundant
		// job's applications close; its providers are drawn a little later.
		run_to(deadline_of(unmatched));
		assert_eq!(outcome_of(unmatched), Outcome::Failed { reason: FailureReason::NoProviders });
		assert_eq!(Jobs::<Runtime>::get(redundant).map(|job| job.status), Some(JobStatus::Drawing));
		signed(
			"Bob removes the dataset version no job uses any more",
			&bob(),
			Registry::remove_dataset_version { version: d0(1) },
		);
		run_to(deadline_of(redundant));
		let drawn: Vec<AccountId> = Jobs::<Runtime>::get(redundant)
			.expect("assigned")
			.assignments
			.iter()
			.map(|assignment| assignment.provider.clone())
			.collect();
		assert_eq!(drawn.len(), 3);
		let agreed: ContentHash = [0x06; 32];
		let results: Vec<(AccountId, ContentHash, ContentHash)> = drawn
			.iter()
			.enumerate()
			// The last one drawn disagrees and is outvoted.
			.map(|(i, who)| (who.clone(), if i < 2 { agreed } else { [0x07; 32] }, [i as u8; 32]))
			.collect();
		for (who, result, salt) in &results {
			let commitment = commitment_of(redundant, who, result, salt);
			signed(
				"a drawn provider commits",
				who,
				Market::commit_result { job: redundant, commitment },
			);
		}
		for (who, result, salt) in &results {
			signed(
				"a drawn provider reveals",
				who,
				Market::reveal_result {
					job: redundant,
					result_hash: *result,
					result_uri: text("ipfs://bafyresult"),
					salt: *salt,
				},
			);
		}
		assert_eq!(outcome_of(redundant), Outcome::Completed { result_hash: agreed });

		// Dave never delivers: slashed when the execution window closes.
		run_to(deadline_of(missed));
		assert_eq!(outcome_of(missed), Outcome::Failed { reason: FailureReason::MissedDeadline });
		// Ferdie never reviews Eve's result: silence accepts it when the review period ends.
		run_to(deadline_of(silent));
		assert!(matches!(outcome_of(silent), Outcome::Completed { .. }));

		// --- Paid uses outside the market, and evaluations ------------------------------------
		signed(
			"Ferdie pays a use of the fine-tune",
			&ferdie(),
			Registry::pay_usage {
				version: VersionRef::Model(m1),
				usage: IntendedUse { commercial: true, derivative: false },
				max_fee: 3 * UNIT,
			},
		);
		signed(
			"Ferdie pays a use of the dataset",
			&ferdie(),
			Registry::pay_usage {
				version: VersionRef::Dataset(d0(0)),
				usage: IntendedUse { commercial: true, derivative: true },
				max_fee: UNIT,
			},
		);
		let fee = <Runtime as pallet_model_registry::Config>::EvaluationFee::get();
		let evaluate = |label: &str, who: AccountId, model_version| {
			let id = NextEvaluationId::<Runtime>::get();
			signed(
				label,
				&who,
				Registry::submit_evaluation {
					model_version,
					benchmark: 0,
					score: FixedI64::from_rational(87, 100),
					evidence_hash: [0xee; 32],
					evidence_uri: text("ipfs://bafyevidence"),
					max_fee: fee,
				},
			);
			id
		};
		let accepted = evaluate("Dave evaluates the base model", dave(), m0(1));
		let overruled = evaluate("Eve evaluates the fine-tune", eve(), m1);
		signed(
			"Ferdie challenges Eve's evaluation",
			&ferdie(),
			Registry::challenge_evaluation { evaluation: overruled },
		);
		root(
			"the judge rejects Eve's evaluation",
			Registry::resolve_challenge { evaluation: overruled, upheld: false },
		);
		signed("Eve removes it", &eve(), Registry::remove_evaluation { evaluation: overruled });

		// --- The epoch ends; contributors claim -----------------------------------------------
		run_to(ContributorRewards::current_epoch_end());
		assert_eq!(pallet_contributor_rewards::CurrentEpoch::<Runtime>::get(), 1);
		let accounts = [alice(), bob(), charlie(), dave(), eve()];
		let mut claimed = Vec::new();
		for who in accounts {
			let earner = Earner::Account(who.clone());
			if ContributorRewards::claimable(&earner).iter().any(|(epoch, _)| *epoch == 0) {
				signed(
					"Ferdie claims for a contributor",
					&ferdie(),
					Rewards::claim { epoch: 0, earner },
				);
				claimed.push(name(&who));
			}
		}
		// Versions earn as a whole: their rewards go into their royalty pots, and the payees of
		// their splits claim them with their royalties.
		let versions: Vec<VersionRef> =
			pallet_contributor_rewards::Points::<Runtime>::iter_key_prefix(0)
				.filter_map(|earner| match earner {
					Earner::Version(version) => Some(version),
					Earner::Account(_) => None,
				})
				.collect();
		assert!(!versions.is_empty(), "no version earned points");
		for version in versions {
			let earner = Earner::Version(version);
			if ContributorRewards::claimable(&earner).iter().any(|(epoch, _)| *epoch == 0) {
				signed(
					"Ferdie claims a version's reward into its royalty pot",
					&ferdie(),
					Rewards::claim { epoch: 0, earner },
				);
			}
			for who in [model_contributor(), dataset_contributor()] {
				let payee = pallet_model_registry::RoyaltyPayee::Account(who.clone());
				if ModelRegistry::royalties_owed(&version, &payee).is_ok_and(|owed| owed > 0) {
					signed(
						"Ferdie claims a contributor's royalties and rewards",
						&ferdie(),
						Registry::claim_royalties { version, payee },
					);
					claimed.push(name(&who));
				}
			}
		}
		for expected in
			["Charlie", "Dave", "Eve", "the model contributor", "the dataset contributor"]
		{
			assert!(
				claimed.iter().any(|n| n == expected),
				"{expected} earned nothing: {claimed:?}"
			);
		}

		// Dave's evaluation was not challenged: final once its challenge period is over.
		let Some(EvaluationStatus::Pending { challenge_deadline }) =
			Evaluations::<Runtime>::get(accepted).map(|e| e.status)
		else {
			panic!("Dave's evaluation is pending");
		};
		run_to(challenge_deadline + 1);
		signed(
			"anyone finalizes Dave's evaluation",
			&ferdie(),
			Registry::finalize_evaluation { evaluation: accepted },
		);
		signed("Dave removes it", &dave(), Registry::remove_evaluation { evaluation: accepted });

		// --- Cleaning up ----------------------------------------------------------------------
		for job in [direct, rejected, cancelled, unmatched] {
			signed("Ferdie removes a receipt", &ferdie(), Market::remove_receipt { job });
		}
		signed("Charlie starts unbonding", &charlie(), Market::start_unbonding {});
		let clinical = pallet_model_registry::RegistryItem::Dataset(1);
		signed(
			"Bob offers the compute-to-data dataset to Alice",
			&bob(),
			Registry::offer_ownership { item: clinical, new_owner: Some(alice()) },
		);
		signed("Alice accepts it", &alice(), Registry::accept_ownership { item: clinical });
		signed(
			"Alice revokes Charlie (Bob's deposit for the approval comes back)",
			&alice(),
			Registry::revoke_provider { dataset: 1, provider: charlie() },
		);
		assert!(Jobs::<Runtime>::iter().next().is_none(), "every job ended");
	});
}

/// The check has teeth: a hold no record explains (a planck of escrow without a job) fails it.
#[test]
#[should_panic(expected = "holds 1 for ComputeMarket(JobEscrow); its records explain 0")]
fn a_hold_no_record_explains_fails_the_check() {
	use frame_support::traits::fungible::MutateHold;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_accounting("genesis");
		let escrow = RuntimeHoldReason::ComputeMarket(MarketHold::JobEscrow);
		assert!(Balances::hold(&escrow, &ferdie(), 1).is_ok());
		assert_accounting("a stray hold");
	});
}

/// ... and so does a pin no live job explains.
#[test]
#[should_panic(expected = "model version 0/0 is pinned 1 times, by 0 live jobs")]
fn a_pin_without_a_job_fails_the_check() {
	use deai_primitives::ModelRegistry as _;
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		next_block();
		signed(
			"Alice registers a model",
			&alice(),
			pallet_model_registry::Call::register_model {
				name: text("m"),
				description: text("d"),
				tags: BoundedVec::new(),
				licence: licence(),
				usage_fee: UNIT,
				contributors: BoundedVec::truncate_from(vec![(alice(), Perbill::one())]),
			},
		);
		signed(
			"Alice publishes a version",
			&alice(),
			pallet_model_registry::Call::publish_model_version {
				model: 0,
				hash: [0xa0; 32],
				size: 1,
				format: ModelFormat::Onnx,
				uri: text("ipfs://bafymodel"),
				label: text("v1"),
				parents: BoundedVec::new(),
				trained_on: BoundedVec::new(),
				produced_by_job: None,
				upstream_share: Perbill::zero(),
			},
		);
		assert!(ModelRegistry::pin_model(&ModelVersionRef { model: 0, version: 0 }).is_ok());
		assert_accounting("a stray pin");
	});
}
