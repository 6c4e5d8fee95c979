//! Shared helpers of the runtime's integration tests.

use deai_runtime::{genesis_config_presets, RuntimeGenesisConfig};
use frame_support::genesis_builder_helper::build_state;
use sp_runtime::Storage;
use sp_state_machine::BasicExternalities;

/// Merges a genesis patch into a full config, as the node does (objects key by key, anything
/// else replaced).
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The genesis storage the runtime builds natively from one of its presets.
pub fn preset_storage(preset: &str) -> Storage {
	let patch = genesis_config_presets::get_preset(&preset.into())
		.unwrap_or_else(|| panic!("the runtime has no `{preset}` preset"));
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, serde_json::from_slice(&patch).expect("a JSON preset"));
	let json = serde_json::to_vec(&config).expect("serializes");
	let mut ext = BasicExternalities::new_empty();
	ext.execute_with(|| build_state::<RuntimeGenesisConfig>(json))
		.unwrap_or_else(|e| panic!("the `{preset}` preset does not build: {e}"));
	ext.into_storages()
}

/// Externalities holding the genesis state of a preset.
#[allow(dead_code)] // Not every test binary uses it.
pub fn preset_ext(preset: &str) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::new(preset_storage(preset));
	ext.execute_with(|| frame_system::Pallet::<deai_runtime::Runtime>::set_block_number(0));
	ext
}

/// The sr25519 dev accounts, which the presets endow, and readable names for accounts.
#[allow(dead_code)] // Not every test binary uses it.
pub mod accounts {
	use deai_runtime::{AccountId, ContributorRewards, Treasury};
	use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

	pub fn alice() -> AccountId {
		Sr25519Keyring::Alice.to_account_id()
	}
	pub fn bob() -> AccountId {
		Sr25519Keyring::Bob.to_account_id()
	}
	pub fn charlie() -> AccountId {
		Sr25519Keyring::Charlie.to_account_id()
	}
	pub fn dave() -> AccountId {
		Sr25519Keyring::Dave.to_account_id()
	}
	pub fn eve() -> AccountId {
		Sr25519Keyring::Eve.to_account_id()
	}
	pub fn ferdie() -> AccountId {
		Sr25519Keyring::Ferdie.to_account_id()
	}

	/// A readable name for an sr25519 or ed25519 dev account, the treasury or the rewards pot;
	/// the address of any other account. Slow (each dev key is derived), so for failures only.
	pub fn name(who: &AccountId) -> String {
		if let Some(key) = Sr25519Keyring::iter().find(|key| &key.to_account_id() == who) {
			return format!("{key:?}");
		}
		if let Some(key) = Ed25519Keyring::iter().find(|key| &key.to_account_id() == who) {
			return format!("{key:?} (ed25519)");
		}
		let known = [
			(Treasury::account_id(), "the treasury"),
			(ContributorRewards::pot_account(), "the rewards pot"),
		];
		known
			.into_iter()
			.find(|(account, _)| account == who)
			.map_or_else(|| who.to_string(), |(_, name)| name.to_string())
	}
}

/// Small records the tests build calls from.
#[allow(dead_code)] // Not every test binary uses it.
pub mod fixtures {
	use deai_primitives::ModelVersionRef;
	use deai_runtime::{AccountId, Balance, Runtime};
	use frame_support::{traits::Get, BoundedVec};
	use pallet_compute_market::{
		Capabilities, DeviceClass, JobKind, JobSpec, MatchingMode, Requirements, VerificationMode,
	};

	pub fn text<S: Get<u32>>(s: &str) -> BoundedVec<u8, S> {
		s.as_bytes().to_vec().try_into().expect("short enough")
	}

	/// A CPU server that runs every kind of job, four at a time.
	pub fn cpu_capabilities() -> Capabilities<Runtime> {
		Capabilities {
			device: DeviceClass::Server,
			accelerator: text("cpu"),
			vram_mib: 0,
			ram_mib: 16_384,
			cpu_cores: 8,
			region: 276,
			job_kinds: 0b1111,
			max_concurrent_jobs: 4,
		}
	}

	/// A non-commercial inference job of `budget` (with `model`, if any, and no dataset) that a
	/// [`cpu_capabilities`] provider can run, matched as `matching`, which the requester approves;
	/// 20 blocks to match, 20 to execute.
	pub fn inference_job(
		model: Option<ModelVersionRef>,
		budget: Balance,
		matching: MatchingMode<AccountId, Balance>,
	) -> JobSpec<Runtime> {
		JobSpec {
			kind: JobKind::Inference,
			model,
			datasets: BoundedVec::new(),
			input_hash: [1; 32],
			input_uri: text("http://127.0.0.1/input.bin"),
			requirements: Requirements {
				min_vram_mib: 0,
				min_ram_mib: 1024,
				accelerator: None,
				region: None,
				tee_required: false,
				min_reputation: 0,
			},
			commercial: false,
			budget,
			matching_blocks: 20,
			execution_blocks: 20,
			matching,
			verification: VerificationMode::RequesterApproval,
		}
	}
}

/// Extrinsics as a wallet builds them.
#[allow(dead_code)] // Not every test binary uses it.
pub mod extrinsics {
	use codec::Encode;
	use deai_runtime::{RuntimeCall, Signature, TxExtension, UncheckedExtrinsic};
	use sp_core::Pair;
	use sp_runtime::{
		generic::{Era, SignedPayload},
		traits::IdentifyAccount,
		MultiAddress, MultiSigner,
	};

	/// The runtime's transaction extension, as a wallet fills it in: immortal, no tip, no
	/// metadata hash.
	pub fn tx_extension(nonce: u32) -> TxExtension {
		cumulus_pallet_weight_reclaim::StorageWeightReclaim::new((
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::Immortal),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::new(false),
		))
	}

	/// A signed extrinsic from the account of `signer`, built as a wallet would build it.
	pub fn signed_extrinsic<P: Pair>(
		signer: &P,
		nonce: u32,
		call: RuntimeCall,
	) -> UncheckedExtrinsic
	where
		P::Public: Into<MultiSigner>,
		P::Signature: Into<Signature>,
	{
		let tx_ext = tx_extension(nonce);
		let payload = SignedPayload::new(call.clone(), tx_ext.clone()).expect("valid payload");
		let signature = payload.using_encoded(|bytes| signer.sign(bytes)).into();
		let account = signer.public().into().into_account();
		UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account), signature, tx_ext)
	}
}

/// The books of the DeAI pallets, checked against pallet-balances.
///
/// Each pallet's `do_try_state` checks its own records against its own holds, account by account
/// of its records. What they cannot see is checked here ([`check`]):
/// 1. every DeAI hold on every account, records or not, is explained by a record, and every
///    record's deposit is what the pallet charges for it ([`holds_explained`]);
/// 2. a registry version's `pins` count the market's live jobs that use it ([`pins`]);
/// 3. `Committed` is what claimable epochs still owe, and the rewards pot covers it plus its
///    existential deposit ([`rewards_pot`]);
/// 4. total issuance is what the accounts hold, free plus reserved (holds are reserved)
///    ([`issuance`]);
/// 5. no account has consumers without providers, none exists without a provider
///    ([`reference_counts`]).
///
/// Each check returns what it found broken, one line each (no line: the books balance).
#[allow(dead_code)] // Not every test binary uses it.
pub mod books {
	use codec::Encode;
	use deai_primitives::{DatasetVersionRef, ModelVersionRef};
	use deai_runtime::{
		AccountId, Balance, Balances, ComputeMarket, ContributorRewards, ModelRegistry, Runtime,
		RuntimeHoldReason, EXISTENTIAL_DEPOSIT,
	};
	use frame_support::traits::fungible::InspectHold;
	use pallet_ai_oracle::HoldReason as OracleHold;
	use pallet_compute_market::{Bids, HoldReason as MarketHold, Jobs, Providers, Receipts};
	use pallet_contributor_rewards::{Committed, EpochStatus, Epochs};
	use pallet_federated::HoldReason as FederatedHold;
	use pallet_model_registry::{
		ApprovedProviders, Benchmarks, DatasetDescriptions, DatasetVersions, Datasets,
		EvaluationStatus, Evaluations, HoldReason as RegistryHold, ItemStatus, ModelDescriptions,
		ModelVersions, Models, RoyaltiesClaimed, RoyaltyPots, RoyaltySplits, VersionRef,
	};
	use pallet_zk_verifier::{HoldReason as ZkHold, KeyPoints, Keys, Profiles};
	use std::collections::{BTreeMap, BTreeSet};

	/// Whether an account may hold funds for other pallets' reasons, which [`holds_explained`]
	/// does not explain.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub enum OtherHolds {
		/// Only the DeAI pallets hold funds (a scenario of theirs alone).
		Forbidden,
		/// Other pallets hold funds too (preimages, contracts...).
		Allowed,
	}

	/// All the checks; `name` names accounts in what it reports.
	pub fn check(other_holds: OtherHolds, name: fn(&AccountId) -> String) -> Vec<String> {
		let mut broken = holds_explained(other_holds, name);
		broken.extend(pins());
		broken.extend(rewards_pot());
		broken.extend(royalty_pots());
		broken.extend(issuance());
		broken.extend(reference_counts(name));
		broken
	}

	/// Every reason the DeAI pallets hold funds for. [`reason_index`] matches each pallet's
	/// `HoldReason` exhaustively: a new variant does not compile until this check explains it.
	pub const DEAI_REASONS: [RuntimeHoldReason; 14] = [
		RuntimeHoldReason::ComputeMarket(MarketHold::ProviderBond),
		RuntimeHoldReason::ComputeMarket(MarketHold::JobEscrow),
		RuntimeHoldReason::ComputeMarket(MarketHold::DisputeBond),
		RuntimeHoldReason::ComputeMarket(MarketHold::StorageDeposit),
		RuntimeHoldReason::ModelRegistry(RegistryHold::StorageDeposit),
		RuntimeHoldReason::ModelRegistry(RegistryHold::EvaluationBond),
		RuntimeHoldReason::ModelRegistry(RegistryHold::ChallengeBond),
		RuntimeHoldReason::ZkVerifier(ZkHold::KeyDeposit),
		RuntimeHoldReason::ZkVerifier(ZkHold::ProfileDeposit),
		RuntimeHoldReason::AiOracle(OracleHold::CallbackFee),
		RuntimeHoldReason::AiOracle(OracleHold::FeedBudget),
		RuntimeHoldReason::AiOracle(OracleHold::StorageDeposit),
		RuntimeHoldReason::Federated(FederatedHold::StorageDeposit),
		RuntimeHoldReason::Federated(FederatedHold::PublicationDeposit),
	];

	/// The index of a DeAI hold reason in [`DEAI_REASONS`]; `None` for other pallets' reasons.
	fn reason_index(reason: &RuntimeHoldReason) -> Option<usize> {
		Some(match reason {
			RuntimeHoldReason::ComputeMarket(reason) => match reason {
				MarketHold::ProviderBond => 0,
				MarketHold::JobEscrow => 1,
				MarketHold::DisputeBond => 2,
				MarketHold::StorageDeposit => 3,
			},
			RuntimeHoldReason::ModelRegistry(reason) => match reason {
				RegistryHold::StorageDeposit => 4,
				RegistryHold::EvaluationBond => 5,
				RegistryHold::ChallengeBond => 6,
			},
			RuntimeHoldReason::ZkVerifier(reason) => match reason {
				ZkHold::KeyDeposit => 7,
				ZkHold::ProfileDeposit => 8,
			},
			RuntimeHoldReason::AiOracle(reason) => match reason {
				OracleHold::CallbackFee => 9,
				OracleHold::FeedBudget => 10,
				OracleHold::StorageDeposit => 11,
			},
			RuntimeHoldReason::Federated(reason) => match reason {
				FederatedHold::StorageDeposit => 12,
				FederatedHold::PublicationDeposit => 13,
			},
			_ => return None,
		})
	}

	/// What the records say each account should hold, per DeAI hold reason, and what is wrong
	/// with the records themselves.
	#[derive(Default)]
	struct Explained {
		due: BTreeMap<(AccountId, usize), Balance>,
		broken: Vec<String>,
	}

	impl Explained {
		fn add(&mut self, who: &AccountId, reason: RuntimeHoldReason, amount: Balance) {
			let index = reason_index(&reason).expect("a DeAI hold reason");
			*self.due.entry((who.clone(), index)).or_default() += amount;
		}

		fn get(&self, who: &AccountId, index: usize) -> Balance {
			self.due.get(&(who.clone(), index)).copied().unwrap_or_default()
		}

		fn expect(&mut self, what: impl FnOnce() -> String, deposit: Balance, due: Balance) {
			if deposit != due {
				self.broken
					.push(format!("{} records a deposit of {deposit}, not {due}", what()));
			}
		}

		/// A job's (and its receipt's) deposit is today's `job_deposit`, or, for a job posted
		/// before its locations moved out of its record (market storage version 1, migrated by
		/// v2), the deposit of then: at least what its record and receipt take, at most today's.
		fn expect_posted(&mut self, what: impl FnOnce() -> String, deposit: Balance, due: Balance) {
			use codec::MaxEncodedLen;
			let records = pallet_compute_market::Job::<Runtime>::max_encoded_len()
				.max(pallet_compute_market::Receipt::<Runtime>::max_encoded_len());
			let least = ComputeMarket::deposit_for_bytes(records);
			if deposit != due && !(least..=due).contains(&deposit) {
				self.broken.push(format!(
					"{} records a deposit of {deposit}, not {due} (nor one from {least} to it)",
					what()
				));
			}
		}

		/// A registry record's deposit pays for what it stores (a taken-down item's may have
		/// been slashed).
		fn sized(
			&mut self,
			what: impl FnOnce() -> String,
			deposit: Balance,
			bytes: usize,
			taken_down: bool,
		) {
			if !(taken_down && deposit == 0) {
				self.expect(what, deposit, ModelRegistry::deposit_for_bytes(bytes));
			}
		}
	}

	/// What the compute market's records explain: each job's whole budget in escrow on its
	/// requester until it settles or fails (settlement pays from the hold and releases the rest
	/// in one step, so there is no partly spent escrow), its dispute bond while disputed, and the
	/// storage deposits of jobs, receipts, bids and provider records; providers' bonds.
	fn explain_market(explained: &mut Explained, name: fn(&AccountId) -> String) {
		use RuntimeHoldReason::ComputeMarket as Market;
		let (job_deposit, bid_deposit) =
			(ComputeMarket::job_deposit(), ComputeMarket::bid_deposit());
		for (id, job) in Jobs::<Runtime>::iter() {
			explained.add(&job.requester, Market(MarketHold::JobEscrow), job.spec.budget);
			explained.add(&job.requester, Market(MarketHold::DisputeBond), job.dispute_bond);
			explained.add(&job.requester, Market(MarketHold::StorageDeposit), job.deposit);
			explained.expect_posted(|| format!("job {id}"), job.deposit, job_deposit);
		}
		for (id, receipt) in Receipts::<Runtime>::iter() {
			explained.add(&receipt.requester, Market(MarketHold::StorageDeposit), receipt.deposit);
			explained.expect_posted(
				|| format!("the receipt of job {id}"),
				receipt.deposit,
				job_deposit,
			);
		}
		for (id, bidder, (_, deposit)) in Bids::<Runtime>::iter() {
			explained.add(&bidder, Market(MarketHold::StorageDeposit), deposit);
			explained.expect(
				|| format!("{}'s bid on job {id}", name(&bidder)),
				deposit,
				bid_deposit,
			);
		}
		for (who, provider) in Providers::<Runtime>::iter() {
			explained.add(&who, Market(MarketHold::ProviderBond), provider.bond);
			explained.add(&who, Market(MarketHold::StorageDeposit), provider.deposit);
			let due = ComputeMarket::provider_deposit();
			explained.expect(|| format!("provider {}", name(&who)), provider.deposit, due);
		}
	}

	/// What the AI oracle's records explain: each pending request's callback fee and deposit
	/// (an answered one's deposit is its answer's), each answer's deposit, each feed's deposit
	/// and, for its rounds not started, their budgets and callback fees; all on who asked.
	fn explain_oracle(explained: &mut Explained) {
		use deai_runtime::AiOracle;
		use pallet_ai_oracle::{Answers, Feeds, Requests};
		use RuntimeHoldReason::AiOracle as Oracle;
		for (id, request) in Requests::<Runtime>::iter() {
			let fee = request.callback.as_ref().map_or(0, |c| c.fee);
			explained.add(&request.requester, Oracle(OracleHold::CallbackFee), fee);
			explained.add(&request.requester, Oracle(OracleHold::StorageDeposit), request.deposit);
			let due = match (request.feed, request.answered) {
				(None, false) => AiOracle::request_deposit(),
				_ => 0,
			};
			explained.expect(|| format!("oracle request {id}"), request.deposit, due);
		}
		for (id, answer) in Answers::<Runtime>::iter() {
			explained.add(&answer.requester, Oracle(OracleHold::StorageDeposit), answer.deposit);
			let due = AiOracle::request_deposit();
			explained.expect(|| format!("oracle answer {id}"), answer.deposit, due);
		}
		for (id, feed) in Feeds::<Runtime>::iter() {
			let rounds = Balance::from(feed.rounds_left);
			let fee = feed.callback.as_ref().map_or(0, |c| c.fee);
			explained.add(&feed.owner, Oracle(OracleHold::StorageDeposit), feed.deposit);
			explained.add(
				&feed.owner,
				Oracle(OracleHold::FeedBudget),
				(feed.question.max_budget + feed.round_fee) * rounds,
			);
			explained.add(&feed.owner, Oracle(OracleHold::CallbackFee), fee * rounds);
			explained.expect(
				|| format!("oracle feed {id}"),
				feed.deposit,
				AiOracle::feed_deposit(),
			);
		}
	}

	/// What the ZK verifier's records explain: each key's deposit (its record and its stored
	/// points) on its owner, each profile's on whoever bound it.
	fn explain_zk(explained: &mut Explained) {
		use deai_runtime::ZkVerifier;
		use RuntimeHoldReason::ZkVerifier as Zk;
		for (id, key) in Keys::<Runtime>::iter() {
			explained.add(&key.owner, Zk(ZkHold::KeyDeposit), key.deposit);
			let stored = KeyPoints::<Runtime>::get(id).map(|p| p.len()).unwrap_or_default();
			let due = ZkVerifier::key_deposit(stored);
			explained.expect(|| format!("key {}", hex::encode(id)), key.deposit, due);
		}
		for (version, profile) in Profiles::<Runtime>::iter() {
			explained.add(&profile.owner, Zk(ZkHold::ProfileDeposit), profile.deposit);
			let what = || format!("the ZK profile of model {}:{}", version.model, version.version);
			explained.expect(what, profile.deposit, ZkVerifier::profile_deposit());
		}
	}

	/// What federated training's records explain: each task's storage deposit and, until its
	/// model is published, its publication deposit (on its owner). (Escrows, stakes and
	/// earnings are in its pot, checked by its own `do_try_state`.)
	fn explain_federated(explained: &mut Explained) {
		use RuntimeHoldReason::Federated as Fed;
		for (id, task) in pallet_federated::Tasks::<Runtime>::iter() {
			explained.add(&task.owner, Fed(FederatedHold::StorageDeposit), task.deposit);
			explained.add(
				&task.owner,
				Fed(FederatedHold::PublicationDeposit),
				task.publication_deposit,
			);
			let what = || format!("federated task {id}");
			explained.expect(
				what,
				task.deposit,
				pallet_federated::Pallet::<Runtime>::task_deposit(),
			);
		}
	}

	/// What the model registry's records explain: the storage deposits of models and datasets (on
	/// their owners), versions (on their publishers), compute-to-data approvals (on who
	/// approved), benchmarks (on their creators) and evaluations (on their evaluators); the bonds
	/// of evaluations not yet final and of challenges awaiting the judge.
	fn explain_registry(explained: &mut Explained) {
		use RuntimeHoldReason::ModelRegistry as Registry;
		let deposit = Registry(RegistryHold::StorageDeposit);
		// Model versions (whose deposits also pay for their lineage's index entries) and
		// evaluations (whose size changes with their status) are not sized here.
		for (id, model) in Models::<Runtime>::iter() {
			explained.add(&model.owner, deposit, model.deposit);
			let taken_down = model.status == ItemStatus::TakenDown;
			// The record and its description, kept apart.
			let about = ModelDescriptions::<Runtime>::get(id).map_or(0, |d| d.encoded_size());
			let size = model.encoded_size() + about;
			explained.sized(|| format!("model {id}"), model.deposit, size, taken_down);
		}
		for (_, _, version) in ModelVersions::<Runtime>::iter() {
			explained.add(&version.publisher, deposit, version.deposit);
		}
		for (id, dataset) in Datasets::<Runtime>::iter() {
			explained.add(&dataset.owner, deposit, dataset.deposit);
			let taken_down = dataset.status == ItemStatus::TakenDown;
			let about = DatasetDescriptions::<Runtime>::get(id).map_or(0, |d| d.encoded_size());
			let size = dataset.encoded_size() + about;
			explained.sized(|| format!("dataset {id}"), dataset.deposit, size, taken_down);
		}
		for (id, index, version) in DatasetVersions::<Runtime>::iter() {
			explained.add(&version.publisher, deposit, version.deposit);
			let what = || format!("dataset version {id}/{index}");
			// The version's royalty split and pot are part of what it stores.
			let this = VersionRef::Dataset(DatasetVersionRef { dataset: id, version: index });
			let split = RoyaltySplits::<Runtime>::get(this).unwrap_or_default();
			let size = version.encoded_size() + ModelRegistry::royalty_pot_bytes(&split);
			explained.sized(what, version.deposit, size, false);
		}
		for (_, _, (depositor, amount)) in ApprovedProviders::<Runtime>::iter() {
			explained.add(&depositor, deposit, amount);
		}
		for (id, benchmark) in Benchmarks::<Runtime>::iter() {
			explained.add(&benchmark.creator, deposit, benchmark.deposit);
			let size = benchmark.encoded_size();
			explained.sized(|| format!("benchmark {id}"), benchmark.deposit, size, false);
		}
		for (id, evaluation) in Evaluations::<Runtime>::iter() {
			explained.add(&evaluation.evaluator, deposit, evaluation.deposit);
			let bond = Registry(RegistryHold::EvaluationBond);
			match &evaluation.status {
				EvaluationStatus::Pending { .. } => {
					explained.add(&evaluation.evaluator, bond, evaluation.bond);
				},
				EvaluationStatus::Challenged { challenger, bond: challenge_bond, .. } => {
					explained.add(&evaluation.evaluator, bond, evaluation.bond);
					explained.add(
						challenger,
						Registry(RegistryHold::ChallengeBond),
						*challenge_bond,
					);
				},
				EvaluationStatus::Accepted | EvaluationStatus::Rejected => {
					if evaluation.bond != 0 {
						explained.broken.push(format!(
							"final evaluation {id} records a bond of {}",
							evaluation.bond
						));
					}
				},
			}
		}
	}

	/// Check 1: each DeAI hold on each account (every account that holds anything and every
	/// account a record names) is what the pallets' records explain, and each record's deposit is
	/// what the pallet charges for it; with [`OtherHolds::Forbidden`], no account holds anything
	/// for another reason.
	pub fn holds_explained(other_holds: OtherHolds, name: fn(&AccountId) -> String) -> Vec<String> {
		let mut explained = Explained::default();
		explain_market(&mut explained, name);
		explain_registry(&mut explained);
		explain_oracle(&mut explained);
		explain_zk(&mut explained);
		explain_federated(&mut explained);

		let mut accounts: BTreeSet<AccountId> =
			explained.due.keys().map(|(who, _)| who.clone()).collect();
		let mut broken = std::mem::take(&mut explained.broken);
		for (who, holds) in pallet_balances::Holds::<Runtime>::iter() {
			if other_holds == OtherHolds::Forbidden {
				for hold in holds.iter().filter(|hold| reason_index(&hold.id).is_none()) {
					broken.push(format!(
						"{} holds {} for {:?}: no DeAI record",
						name(&who),
						hold.amount,
						hold.id
					));
				}
			}
			accounts.insert(who);
		}
		for who in &accounts {
			for (index, reason) in DEAI_REASONS.iter().enumerate() {
				let held = Balances::balance_on_hold(reason, who);
				let due = explained.get(who, index);
				if held != due {
					broken.push(format!(
						"{} holds {held} for {reason:?}; its records explain {due}",
						name(who)
					));
				}
			}
		}
		broken
	}

	/// Check 2: each model and dataset version is pinned once per live job that uses it; every
	/// version a live job uses exists.
	pub fn pins() -> Vec<String> {
		let mut models: BTreeMap<ModelVersionRef, u32> = BTreeMap::new();
		let mut datasets: BTreeMap<DatasetVersionRef, u32> = BTreeMap::new();
		// A federated task trains its base and scores on its dataset until it closes.
		for (_, task) in pallet_federated::Tasks::<Runtime>::iter() {
			if task.status != pallet_federated::TaskStatus::Closed {
				*models.entry(task.spec.base).or_default() += 1;
				*datasets.entry(task.spec.eval_dataset).or_default() += 1;
			}
		}
		for (_, job) in Jobs::<Runtime>::iter() {
			if let Some(model) = job.spec.model {
				*models.entry(model).or_default() += 1;
			}
			for dataset in job.spec.datasets.iter() {
				*datasets.entry(*dataset).or_default() += 1;
			}
		}
		let mut broken = Vec::new();
		for (model, version, info) in ModelVersions::<Runtime>::iter() {
			let jobs = models.remove(&ModelVersionRef { model, version }).unwrap_or_default();
			if info.pins != jobs {
				broken.push(format!(
					"model version {model}/{version} is pinned {} times, by {jobs} live jobs",
					info.pins
				));
			}
		}
		for (dataset, version, info) in DatasetVersions::<Runtime>::iter() {
			let jobs = datasets.remove(&DatasetVersionRef { dataset, version }).unwrap_or_default();
			if info.pins != jobs {
				broken.push(format!(
					"dataset version {dataset}/{version} is pinned {} times, by {jobs} live jobs",
					info.pins
				));
			}
		}
		if !models.is_empty() || !datasets.is_empty() {
			broken.push(format!(
				"live jobs use missing versions: models {models:?}, datasets {datasets:?}"
			));
		}
		broken
	}

	/// Check 3: no claimable epoch has paid more than it may, `Committed` is what they still owe,
	/// and the pot covers it and stays alive.
	pub fn rewards_pot() -> Vec<String> {
		let mut broken = Vec::new();
		let mut owed: Balance = 0;
		for (index, epoch) in Epochs::<Runtime>::iter() {
			if !matches!(epoch.status, EpochStatus::Claimable { .. }) {
				continue;
			}
			if epoch.claimed > epoch.payable {
				broken.push(format!(
					"rewards: epoch {index} paid {} of {}",
					epoch.claimed, epoch.payable
				));
			}
			owed = owed.saturating_add(epoch.payable.saturating_sub(epoch.claimed));
		}
		let committed = Committed::<Runtime>::get();
		if committed != owed {
			broken.push(format!("rewards: Committed is {committed}, claimable epochs owe {owed}"));
		}
		let pot = Balances::free_balance(ContributorRewards::pot_account());
		let needed = committed.max(owed).saturating_add(EXISTENTIAL_DEPOSIT);
		if pot < needed {
			broken.push(format!(
				"rewards: the pot holds {pot}, owes {} and needs {EXISTENTIAL_DEPOSIT} to exist",
				committed.max(owed)
			));
		}
		broken
	}

	/// The registry's royalty account holds what every version's pot is still owed (received,
	/// less what its payees claimed), and its existential deposit.
	pub fn royalty_pots() -> Vec<String> {
		let mut owed: Balance = 0;
		for (version, pot) in RoyaltyPots::<Runtime>::iter() {
			let claimed: Balance = RoyaltiesClaimed::<Runtime>::iter_prefix_values(version).sum();
			owed += pot.accrued.saturating_sub(claimed);
		}
		let account = Balances::free_balance(ModelRegistry::royalty_account());
		if account < owed + EXISTENTIAL_DEPOSIT {
			return vec![format!(
				"royalties: the account holds {account}, the pots are owed {owed} and it needs \
				 {EXISTENTIAL_DEPOSIT} to exist"
			)];
		}
		Vec::new()
	}

	/// Check 4: total issuance is what the accounts hold (free plus reserved; holds are
	/// reserved).
	pub fn issuance() -> Vec<String> {
		let held = frame_system::Account::<Runtime>::iter_values()
			.try_fold(0 as Balance, |sum, account| {
				sum.checked_add(account.data.free)?.checked_add(account.data.reserved)
			});
		let Some(held) = held else {
			return vec!["what the accounts hold overflows a balance".into()];
		};
		let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
		if held != issuance {
			return vec![format!("total issuance {issuance} but the accounts hold {held}")];
		}
		Vec::new()
	}

	/// Check 5: no account has consumers without providers, and none exists without a provider.
	pub fn reference_counts(name: fn(&AccountId) -> String) -> Vec<String> {
		frame_system::Account::<Runtime>::iter()
			.filter(|(_, account)| {
				account.providers == 0 && (account.consumers > 0 || account.sufficients == 0)
			})
			.map(|(who, account)| {
				format!(
					"{}: {} providers, {} consumers, {} sufficients ({:?})",
					name(&who),
					account.providers,
					account.consumers,
					account.sufficients,
					account.data
				)
			})
			.collect()
	}
}
