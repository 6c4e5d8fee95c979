//! A runtime fuzzer (issue "Live chain safety", item 4): blocks of random signed extrinsics
//! across the runtime's pallets, executed natively through `Executive` from the development
//! genesis, with the chain's invariants checked after every block.
//!
//! Each run starts from the `development` preset and builds blocks as a collator does: an Aura
//! pre-runtime digest, the `set_validation_data` inherent (with a relay-chain state proof built
//! here) and the timestamp, then random signed extrinsics, then `finalize_block`. Most blocks
//! follow their parent; some jump ahead by a reveal, review, epoch or dispute period, so that the
//! market's deadlines, reward epochs, challenge and unbonding periods pass. A jump stops at each
//! block in which the market or the scheduler has something due, so that the blocks it skips
//! are blocks in which nothing was (see [`landing`] and [`skip_to`]). The signers are the
//! ed25519 dev accounts Alice to Ferdie, One and Two (funded from the sr25519 genesis accounts
//! before the first block; ed25519 signatures are deterministic, so a seed replays exactly,
//! block hashes and the market's random draws included), Alice holds the sudo key, and
//! AliceStash signs now and then without funds. Calls are mostly meaningful (ids, signers and
//! prices are read from storage: the next step of a live job, the owner of a model, the
//! commitment a reveal must match), with values biased toward 0, 1, the bounds and the maximum,
//! and some garbage. They cover every call of the five DeAI pallets with calls (root's through
//! sudo; `Proof` jobs proven with the committed blobs-classifier proof when the model's profile
//! has its key; federated rounds played by the drawn members with commitments the fuzzer keeps),
//! the relay parent's randomness in most blocks' state proofs, and
//! balances, system remarks, utility batches, proxies, multisig, preimages, governance
//! parameters, referenda and conviction voting.
//!
//! After every block:
//! 1. the books hold (`common::books`, shared with the accounting test): each DeAI hold
//!    explained by its records and each record's deposit what it costs, registry pins counting
//!    live jobs, the rewards pot covering what it owes, total issuance what the accounts hold
//!    (free plus reserved; holds are reserved), and the accounts' reference counts (no consumers
//!    without providers, no account without a provider);
//! 2. every pallet's `try_state` holds, when the crate is built with `try-runtime`;
//! 3. a job that finished in the block spent exactly its budget;
//! 4. the block's weight is within each class's limit and the block's, its length within the
//!    limit;
//! 5. nothing panicked (`defensive!` panics in this debug build too).
//!
//! `DEAI_FUZZ_SECONDS` (default 60) bounds the time, `DEAI_FUZZ_SEED` (decimal or `0x` hex; a
//! fixed default, so CI is reproducible) seeds run 0, and run `i` is seeded from it; each run is
//! `DEAI_FUZZ_BLOCKS` blocks (default 150) from genesis. A failure prints its run's seed and
//! block, and the command that replays it (`DEAI_FUZZ_RUNS=1`, `DEAI_FUZZ_TRACE=1` prints every
//! extrinsic and its outcome, `DEAI_FUZZ_TRACE=2` the calls in full). `DEAI_FUZZ_STATS=1` prints
//! how each call fared. Every failure found becomes a named regression test below the fuzzer.

mod common;

use codec::Encode;
use common::{
	accounts,
	books::{self, OtherHolds},
	extrinsics::signed_extrinsic,
};
use cumulus_pallet_parachain_system::parachain_inherent::{
	BasicParachainInherentData, InboundMessagesData,
};
use cumulus_primitives_core::{
	relay_chain, AbridgedHostConfiguration, ParaId, PersistedValidationData,
};
use deai_primitives::{
	ContentHash, DatasetVersionRef, Earner, IntendedUse, JobId, ModelVersionRef,
};
use deai_runtime::{
	configs::{
		governance::{
			dynamic_params::{market, rewards},
			RuntimeParameters,
		},
		utility::ProxyType,
	},
	genesis_config_presets::DEV_ENDOWMENT,
	pallet_custom_origins::Origin as CustomOrigin,
	AccountId, Balance, BlockNumber, ContributorRewards, Executive, Hash, Header, OriginCaller,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, System, Treasury, UncheckedExtrinsic, DAYS,
	EXISTENTIAL_DEPOSIT, PARACHAIN_ID, SLOT_DURATION, UNIT,
};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::{Get, GetCallMetadata},
	BoundedVec,
};
use pallet_compute_market::{
	commitment_of, Bids, Capabilities, DeviceClass, Job, JobKind, JobSpec, JobStatus, Jobs,
	MatchingMode, Providers, Receipts, Requirements, TeeKind, VerificationMode,
};
use pallet_contributor_rewards::{CurrentEpoch, Epochs, PerCategory, Points};
use pallet_model_registry::{
	AccessPolicy, ApprovedProviders, Benchmarks, DatasetVersions, Datasets, Evaluations, Licence,
	ModelFormat, ModelVersions, Models, RegistryItem, VersionRef, VersionStatus,
};
use polkadot_parachain_primitives::primitives::HeadData;
use sp_consensus_aura::{
	digests::CompatibleDigestItem, sr25519::AuthoritySignature as AuraSignature, Slot,
};
use sp_core::ed25519;
use sp_genesis_builder::DEV_RUNTIME_PRESET;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{
	traits::{BlakeTwo256, Dispatchable, Header as _},
	transaction_validity::TransactionValidityError,
	ApplyExtrinsicResult, Digest, DigestItem, DispatchResult, FixedI64, MultiAddress, Perbill,
	Permill, StateVersion, Storage,
};
use std::{
	collections::BTreeMap,
	panic::{self, AssertUnwindSafe},
	sync::OnceLock,
	time::{Duration, Instant},
};

// ---------------------------------------------------------------------------------------------
// A small deterministic random number generator
// ---------------------------------------------------------------------------------------------

/// SplitMix64: the output after state `z`, also used to derive seeds.
fn splitmix(mut z: u64) -> u64 {
	z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
	z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	z ^ (z >> 31)
}

struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		splitmix(self.0)
	}

	/// Uniform in `0..n` (0 when `n` is 0).
	fn below(&mut self, n: u64) -> u64 {
		if n == 0 {
			0
		} else {
			self.next() % n
		}
	}

	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
		if items.is_empty() {
			None
		} else {
			Some(items[self.below(items.len() as u64) as usize].clone())
		}
	}

	/// The index of a weight, chosen in proportion to it.
	fn weighted(&mut self, weights: &[u64]) -> usize {
		let mut roll = self.below(weights.iter().sum());
		for (index, weight) in weights.iter().enumerate() {
			if roll < *weight {
				return index;
			}
			roll -= weight;
		}
		0
	}

	fn bytes32(&mut self) -> [u8; 32] {
		let mut out = [0u8; 32];
		for chunk in out.chunks_mut(8) {
			chunk.copy_from_slice(&self.next().to_le_bytes());
		}
		out
	}
}

// ---------------------------------------------------------------------------------------------
// The chain: blocks built and executed as a collator does
// ---------------------------------------------------------------------------------------------

/// The accounts that sign: funded ed25519 dev accounts, and AliceStash, which has no funds.
const SIGNERS: [Ed25519Keyring; 9] = [
	Ed25519Keyring::Alice,
	Ed25519Keyring::Bob,
	Ed25519Keyring::Charlie,
	Ed25519Keyring::Dave,
	Ed25519Keyring::Eve,
	Ed25519Keyring::Ferdie,
	Ed25519Keyring::One,
	Ed25519Keyring::Two,
	Ed25519Keyring::AliceStash,
];

/// The sudo key.
const SUDO: Ed25519Keyring = Ed25519Keyring::Alice;

/// What each funded signer starts with (One and Two half of it).
const SIGNER_FUNDS: Balance = DEV_ENDOWMENT * 2 / 5;

/// A signer's key pair and account, derived once (a dev key's derivation is 2048 rounds of
/// PBKDF2, slow in a debug build).
struct Key {
	keyring: Ed25519Keyring,
	pair: ed25519::Pair,
	account: AccountId,
}

fn keys() -> &'static [Key] {
	static KEYS: OnceLock<Vec<Key>> = OnceLock::new();
	KEYS.get_or_init(|| {
		SIGNERS
			.into_iter()
			.map(|keyring| Key { keyring, pair: keyring.pair(), account: keyring.to_account_id() })
			.collect()
	})
}

fn key(keyring: Ed25519Keyring) -> &'static Key {
	keys().iter().find(|key| key.keyring == keyring).expect("a signer")
}

/// A signer's account.
fn account(keyring: Ed25519Keyring) -> AccountId {
	key(keyring).account.clone()
}

/// An sr25519 dev account (derived once).
fn sr_account(keyring: Sr25519Keyring) -> AccountId {
	static ACCOUNTS: OnceLock<Vec<(Sr25519Keyring, AccountId)>> = OnceLock::new();
	let accounts = ACCOUNTS.get_or_init(|| {
		Sr25519Keyring::iter()
			.map(|keyring| (keyring, keyring.to_account_id()))
			.collect()
	});
	accounts
		.iter()
		.find(|(k, _)| *k == keyring)
		.map(|(_, a)| a.clone())
		.expect("a dev account")
}

fn keyring_of(who: &AccountId) -> Option<Ed25519Keyring> {
	keys().iter().find(|key| &key.account == who).map(|key| key.keyring)
}

/// Funds the signers from the sr25519 dev accounts and moves the sudo key to ed25519 Alice,
/// before the first block.
fn fund_signers() {
	use Ed25519Keyring as Ed;
	use Sr25519Keyring as Sr;
	let funding = [
		(Sr::Alice, Ed::Alice, SIGNER_FUNDS),
		(Sr::Bob, Ed::Bob, SIGNER_FUNDS),
		(Sr::Charlie, Ed::Charlie, SIGNER_FUNDS),
		(Sr::Dave, Ed::Dave, SIGNER_FUNDS),
		(Sr::Eve, Ed::Eve, SIGNER_FUNDS),
		(Sr::Ferdie, Ed::Ferdie, SIGNER_FUNDS),
		(Sr::Alice, Ed::One, SIGNER_FUNDS / 2),
		(Sr::Bob, Ed::Two, SIGNER_FUNDS / 2),
	];
	for (source, dest, value) in funding {
		let call = RuntimeCall::Balances(pallet_balances::Call::force_transfer {
			source: MultiAddress::Id(sr_account(source)),
			dest: MultiAddress::Id(account(dest)),
			value,
		});
		call.dispatch(RuntimeOrigin::root()).expect("the dev accounts fund the signers");
	}
	pallet_sudo::Key::<Runtime>::put(account(SUDO));
}

/// The `set_validation_data` inherent of block `number` at `slot`: a relay-chain state proof
/// (host configuration, the parent as the included head, the relay slot) with the relay parent
/// numbered as the block.
fn validation_data(number: BlockNumber, slot: u64, parent_head: &[u8]) -> RuntimeCall {
	use relay_chain::well_known_keys;
	let para = ParaId::from(PARACHAIN_ID);
	let host_config = AbridgedHostConfiguration {
		max_code_size: 3 * 1024 * 1024,
		max_head_data_size: 20 * 1024,
		max_upward_queue_count: 174_762,
		max_upward_queue_size: 1024 * 1024,
		max_upward_message_size: 65_531,
		max_upward_message_num_per_candidate: 16,
		hrmp_max_message_num_per_candidate: 10,
		validation_upgrade_cooldown: 20,
		validation_upgrade_delay: 10,
		async_backing_params: relay_chain::AsyncBackingParams {
			max_candidate_depth: 3,
			allowed_ancestry_len: 2,
		},
	};
	let entries: Vec<(Vec<u8>, Vec<u8>)> = vec![
		(well_known_keys::ACTIVE_CONFIG.to_vec(), host_config.encode()),
		(well_known_keys::para_head(para), HeadData(parent_head.to_vec()).encode()),
		// The relay chain's slots are as long as ours: its slot is ours.
		(well_known_keys::CURRENT_SLOT.to_vec(), Slot::from(slot).encode()),
		(well_known_keys::EPOCH_INDEX.to_vec(), 0u64.encode()),
		(well_known_keys::ONE_EPOCH_AGO_RANDOMNESS.to_vec(), relay_chain::Hash::zero().encode()),
		// The relay parent's BABE randomness (none in a secondary plain slot, now and then).
		(
			well_known_keys::CURRENT_BLOCK_RANDOMNESS.to_vec(),
			(number % 7 != 3)
				.then(|| sp_io::hashing::blake2_256(&number.to_le_bytes()))
				.encode(),
		),
	];
	let keys: Vec<Vec<u8>> = entries.iter().map(|(key, _)| key.clone()).collect();
	let mut backend = sp_state_machine::new_in_mem::<BlakeTwo256>();
	backend.insert(
		vec![(None, entries.into_iter().map(|(key, value)| (key, Some(value))).collect())],
		StateVersion::V1,
	);
	let root = *backend.root();
	let proof = sp_state_machine::prove_read(backend, keys).expect("the relay state proves");
	RuntimeCall::ParachainSystem(cumulus_pallet_parachain_system::Call::set_validation_data {
		data: BasicParachainInherentData {
			validation_data: PersistedValidationData {
				parent_head: HeadData(parent_head.to_vec()),
				relay_parent_number: number,
				relay_parent_storage_root: root,
				max_pov_size: relay_chain::MAX_POV_SIZE,
			},
			relay_chain_state: proof,
			relay_parent_descendants: Vec::new(),
			collator_peer_id: None,
		},
		inbound_messages_data: InboundMessagesData::new(Default::default(), Default::default()),
	})
}

/// What decides a block's extrinsics, and hears how each fared.
trait Driver {
	/// The next extrinsic of the block, if any.
	fn next(&mut self) -> Option<(Ed25519Keyring, RuntimeCall)>;
	/// How the extrinsic fared: not included (`Err`), or dispatched with this result (for sudo,
	/// the result of the call it carried).
	fn applied(
		&mut self,
		signer: Ed25519Keyring,
		call: &RuntimeCall,
		outcome: &Result<DispatchResult, TransactionValidityError>,
	);
	/// Something worth printing when tracing.
	fn note(&mut self, _what: &dyn Fn() -> String) {}
	/// The block's events.
	fn events(&mut self, _events: &mut dyn Iterator<Item = RuntimeEvent>) {}
}

/// A chain being built, block after block, in its own externalities.
struct Chain {
	ext: sp_io::TestExternalities,
	number: BlockNumber,
	slot: u64,
	parent_hash: Hash,
	parent_head: Vec<u8>,
}

impl Chain {
	fn new(genesis: &Storage) -> Self {
		let mut ext = sp_io::TestExternalities::new(genesis.clone());
		let parent_hash = ext.execute_with(|| {
			fund_signers();
			System::block_hash(0)
		});
		ext.commit_all().expect("the genesis commits");
		Chain { ext, number: 0, slot: 0, parent_hash, parent_head: Vec::new() }
	}

	/// Builds, executes and checks the next block: numbered `toward` (its slot as far from the
	/// parent's), or, when the market or the scheduler has something due before, the first
	/// block something is due in (see [`landing`]); its inherents, the extrinsics `driver`
	/// gives, finalization, then the invariants.
	fn block(&mut self, toward: BlockNumber, driver: &mut dyn Driver) -> Result<(), String> {
		let (parent, parent_slot) = (self.number, self.slot);
		let (parent_hash, parent_head) = (self.parent_hash, &self.parent_head);
		let ext = &mut self.ext;
		let built = panic::catch_unwind(AssertUnwindSafe(|| {
			ext.execute_with(|| {
				let number = landing(parent, toward);
				let slot = parent_slot + u64::from(number - parent);
				build_block(number, slot, parent_hash, parent_head, driver)
					.map(|header| (header, number, slot))
			})
		}));
		let (header, number, slot) = match built {
			Ok(Ok(built)) => built,
			Ok(Err(broken)) => return Err(broken),
			Err(payload) => return Err(format!("panicked: {}", panic_message(&*payload))),
		};
		self.ext
			.commit_all()
			.map_err(|e| format!("the block's changes do not commit: {e}"))?;
		self.number = number;
		self.slot = slot;
		self.parent_hash = header.hash();
		self.parent_head = header.encode();
		Ok(())
	}
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
	if let Some(message) = payload.downcast_ref::<&str>() {
		message.to_string()
	} else if let Some(message) = payload.downcast_ref::<String>() {
		message.clone()
	} else {
		"a panic without a message".into()
	}
}

/// The number of the block after `parent` on the way to `toward`: `toward` itself, unless the
/// market has a deadline or the scheduler an agenda due before it, in which case the first block
/// one is due in. So a jump skips only blocks in which nothing was due: see [`skip_to`].
fn landing(parent: BlockNumber, toward: BlockNumber) -> BlockNumber {
	use pallet_compute_market::{DeadlineCursor, DeadlineQueue};
	use pallet_scheduler::{Agenda, IncompleteSince};
	let next = parent + 1;
	if toward <= next {
		return next;
	}
	let cursor = DeadlineCursor::<Runtime>::get();
	// The block before a deadline too: it notes the relay randomness a draw then uses (a jump
	// over it would leave the draw an older value, and postpone it).
	let deadline = DeadlineQueue::<Runtime>::iter_keys()
		.map(|(at, _)| at)
		.filter(|at| *at >= cursor)
		.min()
		.map(|at| at.saturating_sub(1));
	let since = IncompleteSince::<Runtime>::get().unwrap_or(next);
	let agenda = Agenda::<Runtime>::iter()
		.filter(|(at, agenda)| *at >= since && agenda.iter().any(Option::is_some))
		.map(|(at, _)| at)
		.min();
	let fl_cursor = pallet_federated::PhaseCursor::<Runtime>::get();
	let phase_end = pallet_federated::PhaseEnds::<Runtime>::iter_keys()
		.map(|(at, _)| at)
		.filter(|at| *at >= fl_cursor)
		.min();
	[deadline, agenda, phase_end]
		.into_iter()
		.flatten()
		.fold(toward, BlockNumber::min)
		.max(next)
}

/// A jump to block `number`, over blocks in which nothing was due ([`landing`]): they count as
/// empty. The hooks that visit each block's queue (the market's deadline cursor, the scheduler's
/// agendas, federated training's phase ends) move past them, as empty blocks would have moved
/// them.
fn skip_to(number: BlockNumber) {
	use pallet_compute_market::DeadlineCursor;
	use pallet_scheduler::IncompleteSince;
	let cursor = DeadlineCursor::<Runtime>::get();
	if cursor != 0 && cursor < number {
		DeadlineCursor::<Runtime>::put(number);
	}
	if IncompleteSince::<Runtime>::get().is_some_and(|since| since < number) {
		IncompleteSince::<Runtime>::put(number);
	}
	// Federated training's cursor too (no phase ends before `number`: see [`landing`]).
	if pallet_federated::ScheduledPhaseEnds::<Runtime>::get() > 0
		&& pallet_federated::PhaseCursor::<Runtime>::get() < number
	{
		pallet_federated::PhaseCursor::<Runtime>::put(number);
	}
	// `initialize` wants the parent's number.
	System::set_block_number(number - 1);
}

/// Applies an inherent, which must succeed.
fn apply_inherent(call: RuntimeCall) -> Result<(), String> {
	let label = label(&call);
	match Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(call)) {
		Ok(Ok(())) => Ok(()),
		other => Err(format!("the inherent {label} failed: {other:?}")),
	}
}

/// The result of the call a sudo extrinsic carried, from its `Sudid` event.
fn sudo_result() -> Option<DispatchResult> {
	System::events().into_iter().rev().find_map(|record| match record.event {
		RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result }) => Some(sudo_result),
		_ => None,
	})
}

fn build_block(
	number: BlockNumber,
	slot: u64,
	parent_hash: Hash,
	parent_head: &[u8],
	driver: &mut dyn Driver,
) -> Result<Header, String> {
	let pre_digest =
		<DigestItem as CompatibleDigestItem<AuraSignature>>::aura_pre_digest(Slot::from(slot));
	let digest = Digest { logs: vec![pre_digest] };
	let header = Header::new(number, Default::default(), Default::default(), parent_hash, digest);
	if System::block_number() + 1 < number {
		skip_to(number);
	}
	let budgets: BTreeMap<JobId, Balance> =
		Jobs::<Runtime>::iter().map(|(id, job)| (id, job.spec.budget)).collect();
	Executive::initialize_block(&header);
	apply_inherent(validation_data(number, slot, parent_head))?;
	apply_inherent(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
		now: slot * SLOT_DURATION,
	}))?;

	driver.note(&|| format!("weight after the inherents: {:?}", System::block_weight()));
	let mut normal_length = 0u64;
	while let Some((signer, call)) = driver.next() {
		let nonce = System::account_nonce(account(signer));
		let extrinsic = signed_extrinsic(&key(signer).pair, nonce, call.clone());
		let length = extrinsic.encoded_size() as u64;
		let result: ApplyExtrinsicResult = Executive::apply_extrinsic(extrinsic);
		let outcome = result.map(|dispatched| {
			let is_sudo = matches!(call, RuntimeCall::Sudo(pallet_sudo::Call::sudo { .. }));
			match (dispatched, is_sudo) {
				(Ok(()), true) => sudo_result().unwrap_or(Ok(())),
				(dispatched, _) => dispatched,
			}
		});
		if outcome.is_ok() && call.get_dispatch_info().class == DispatchClass::Normal {
			normal_length += length;
		}
		driver.applied(signer, &call, &outcome);
	}
	let length = u64::from(System::block_size());
	driver.note(&|| format!("weight before finalizing: {:?}", System::block_weight()));
	let header = Executive::finalize_block();
	driver.note(&|| format!("weight: {:?}", System::block_weight()));
	driver.events(&mut System::read_events_no_consensus().map(|record| record.event));
	check_invariants(number, length, normal_length, &budgets)?;
	Ok(header)
}

// ---------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------

fn check_invariants(
	number: BlockNumber,
	length: u64,
	normal_length: u64,
	budgets: &BTreeMap<JobId, Balance>,
) -> Result<(), String> {
	// Other pallets hold funds too: preimages, contracts.
	let mut broken = books::check(OtherHolds::Allowed, accounts::name);
	#[cfg(feature = "try-runtime")]
	{
		use frame_support::traits::{TryState, TryStateSelect};
		if let Err(e) = <deai_runtime::AllPalletsWithSystem as TryState<BlockNumber>>::try_state(
			number,
			TryStateSelect::All,
		) {
			broken.push(format!("try_state: {e:?}"));
		}
	}
	check_receipts(budgets, &mut broken);
	check_weight_and_length(length, normal_length, &mut broken);
	if broken.is_empty() {
		Ok(())
	} else {
		Err(format!("after block {number}:\n  {}", broken.join("\n  ")))
	}
}

/// Invariant 3: a job that finished in the block spent exactly its budget: its providers' pay, the
/// protocol fee, the usage fees and the refund add up to it (`budgets`: the live jobs' budgets
/// before the block).
fn check_receipts(budgets: &BTreeMap<JobId, Balance>, broken: &mut Vec<String>) {
	for (id, budget) in budgets {
		if Jobs::<Runtime>::contains_key(id) {
			continue;
		}
		let Some(receipt) = Receipts::<Runtime>::get(id) else { continue };
		let spent = receipt
			.providers
			.iter()
			.map(|(_, paid)| *paid)
			.chain([receipt.protocol_fee, receipt.usage_fees, receipt.refunded])
			.try_fold(0 as Balance, |sum, part| sum.checked_add(part));
		if spent != Some(*budget) {
			broken.push(format!(
				"job {id} had a budget of {budget}; its receipt accounts for {spent:?}: {receipt:?}"
			));
		}
	}
}

/// Invariant 4: the block's weight is within each class's limit and the block's (but in a
/// session's last block); its length within the limit, and its normal extrinsics' within theirs.
fn check_weight_and_length(length: u64, normal_length: u64, broken: &mut Vec<String>) {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let consumed = frame_system::BlockWeight::<Runtime>::get();
	for class in [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory] {
		let used = *consumed.get(class);
		if let Some(max) = limits.get(class).max_total {
			if used.any_gt(max) {
				broken.push(format!("{class:?} weight {used:?} exceeds {max:?}"));
			}
		}
	}
	// A session's last block claims the whole block (pallet-session's `on_initialize` returns
	// `max_block` when it rotates), so with the other hooks it is over: a known upstream trait
	// (see `regression_a_session_rotation_block_is_over_its_weight`), not checked here.
	let rotated = System::read_events_no_consensus().any(|record| {
		matches!(record.event, RuntimeEvent::Session(pallet_session::Event::NewSession { .. }))
	});
	if !rotated && consumed.total().any_gt(limits.max_block) {
		broken.push(format!(
			"the block's weight {:?} exceeds {:?} ({consumed:?})",
			consumed.total(),
			limits.max_block
		));
	}
	let lengths = <Runtime as frame_system::Config>::BlockLength::get();
	let most = [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory]
		.iter()
		.map(|class| u64::from(*lengths.max.get(*class)))
		.max()
		.unwrap_or_default();
	if length > most {
		broken.push(format!("the block's length {length} exceeds {most}"));
	}
	let normal = u64::from(*lengths.max.get(DispatchClass::Normal));
	if normal_length > normal {
		broken.push(format!("normal extrinsics' length {normal_length} exceeds {normal}"));
	}
}

// ---------------------------------------------------------------------------------------------
// The call generators
// ---------------------------------------------------------------------------------------------

/// A redundant provider's commitment, kept so that its reveal can match it.
struct Commit {
	job: JobId,
	provider: AccountId,
	result: ContentHash,
	salt: ContentHash,
	/// An oracle job's answer, revealed inline (its hash is `result`).
	value: Option<Vec<u8>>,
}

/// A federated training commitment the fuzzer made, kept to be revealed.
#[derive(Clone)]
enum FlSecret {
	Update {
		task: u64,
		who: AccountId,
		update: pallet_federated::ModelFile<Runtime>,
		samples: u32,
		salt: [u8; 32],
	},
	Scores {
		task: u64,
		who: AccountId,
		scores: Vec<i64>,
		aggregate: pallet_federated::ModelFile<Runtime>,
		salt: [u8; 32],
	},
}

/// How one kind of call fared.
#[derive(Default)]
struct CallStats {
	tried: u64,
	included: u64,
	succeeded: u64,
	errors: BTreeMap<String, u64>,
}

/// Everything the fuzzer learns across runs.
#[derive(Default)]
struct Stats {
	calls: BTreeMap<String, CallStats>,
	/// How many events of each kind the blocks emitted.
	events: BTreeMap<String, u64>,
	blocks: u64,
	extrinsics: u64,
	included: u64,
}

/// "Pallet::call", or "sudo(Pallet::call)".
fn label(call: &RuntimeCall) -> String {
	match call {
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call }) => format!("sudo({})", label(call)),
		_ => {
			let metadata = call.get_call_metadata();
			format!("{}::{}", metadata.pallet_name, metadata.function_name)
		},
	}
}

/// The random driver: it generates a block's extrinsics from the chain's state.
struct Fuzzer<'a> {
	rng: Rng,
	/// Extrinsics left in the current block.
	left: u32,
	/// The block number the chain is jumping to, block after block (see [`landing`]).
	target: BlockNumber,
	commits: Vec<Commit>,
	/// The commitment of the extrinsic being applied, kept if it succeeds.
	pending_commit: Option<Commit>,
	/// Federated training's commitments, and the one being applied.
	fl_secrets: Vec<FlSecret>,
	pending_fl: Option<FlSecret>,
	/// The current block's extrinsics, for the report of a failure.
	block_log: Vec<(Ed25519Keyring, RuntimeCall, String)>,
	stats: &'a mut Stats,
	trace: u8,
}

impl Driver for Fuzzer<'_> {
	fn events(&mut self, events: &mut dyn Iterator<Item = RuntimeEvent>) {
		for event in events {
			let full = format!("{event:?}");
			let mut name = full.clone();
			name.truncate(name.find([' ', '{']).unwrap_or(name.len()));
			// Why jobs fail matters to know what the fuzzer reaches.
			if let Some(reason) = full.split("reason: ").nth(1) {
				name.push_str(&format!(" ({})", reason.split([',', ' ']).next().unwrap_or("")));
			}
			*self.stats.events.entry(name).or_default() += 1;
		}
	}

	fn note(&mut self, what: &dyn Fn() -> String) {
		if self.trace > 0 {
			println!("    ({})", what());
		}
	}

	fn next(&mut self) -> Option<(Ed25519Keyring, RuntimeCall)> {
		if self.left == 0 {
			return None;
		}
		self.left -= 1;
		Some(self.extrinsic())
	}

	fn applied(
		&mut self,
		signer: Ed25519Keyring,
		call: &RuntimeCall,
		outcome: &Result<DispatchResult, TransactionValidityError>,
	) {
		if let Some(commit) = self.pending_commit.take() {
			let committed = matches!(
				call,
				RuntimeCall::ComputeMarket(pallet_compute_market::Call::commit_result { .. })
			);
			if committed && matches!(outcome, Ok(Ok(()))) {
				self.commits.push(commit);
			}
		}
		if let Some(secret) = self.pending_fl.take() {
			let committed = matches!(
				call,
				RuntimeCall::Federated(
					pallet_federated::Call::commit_update { .. }
						| pallet_federated::Call::commit_scores { .. }
				)
			);
			if committed && matches!(outcome, Ok(Ok(()))) {
				self.fl_secrets.push(secret);
			}
		}
		let label = label(call);
		let entry = self.stats.calls.entry(label.clone()).or_default();
		entry.tried += 1;
		self.stats.extrinsics += 1;
		let result = match outcome {
			Err(invalid) => format!("not included: {invalid:?}"),
			Ok(Ok(())) => "ok".to_string(),
			Ok(Err(e)) => format!("{e:?}"),
		};
		if outcome.is_ok() {
			entry.included += 1;
			self.stats.included += 1;
		}
		if matches!(outcome, Ok(Ok(()))) {
			entry.succeeded += 1;
		} else {
			*entry.errors.entry(result.clone()).or_default() += 1;
		}
		if self.trace > 0 {
			println!("    {signer:?}: {label} -> {result}");
			if self.trace > 1 {
				println!("      {call:?}");
			}
		}
		self.block_log.push((signer, call.clone(), result));
	}
}

/// The market's and registry's periods, from the runtime.
fn periods() -> [BlockNumber; 4] {
	// A chain's periods (production ones: the fuzzer never sets `FastPeriods`) are read from
	// storage, so from within externalities.
	sp_io::TestExternalities::default().execute_with(|| {
		[
			<Runtime as pallet_compute_market::Config>::RevealPeriod::get(),
			<Runtime as pallet_compute_market::Config>::ReviewPeriod::get(),
			DAYS,
			<Runtime as pallet_compute_market::Config>::DisputePeriod::get(),
		]
	})
}

impl Fuzzer<'_> {
	/// How far the next block is from the last: mostly the next block, sometimes a few, now and
	/// then past a reveal, review, epoch (and challenge) or dispute (and unbonding) period.
	fn advance(&mut self) -> u32 {
		let [reveal, review, day, dispute] = periods();
		let jitter = self.rng.below(3) as u32;
		match self.rng.below(1000) {
			0..=849 => 1,
			850..=929 => 2 + self.rng.below(11) as u32,
			930..=959 => reveal + jitter,
			960..=984 => review + jitter,
			985..=994 => day + jitter,
			_ => dispute + jitter,
		}
	}

	/// How many extrinsics the next block gets.
	fn block_size(&mut self) -> u32 {
		match self.rng.below(10) {
			0 => 0,
			1..=6 => 1 + self.rng.below(12) as u32,
			_ => 12 + self.rng.below(30) as u32,
		}
	}

	// --- Values ---------------------------------------------------------------------------

	/// A signer: any funded one, AliceStash (no funds) now and then.
	fn signer(&mut self) -> Ed25519Keyring {
		if self.rng.chance(3) {
			Ed25519Keyring::AliceStash
		} else {
			SIGNERS[self.rng.below(8) as usize]
		}
	}

	/// The account a call is natural for when it can sign (mostly), else any signer.
	fn signer_or(&mut self, natural: Option<&AccountId>) -> Ed25519Keyring {
		match natural.and_then(keyring_of) {
			Some(key) if self.rng.chance(88) => key,
			_ => self.signer(),
		}
	}

	/// An account: mostly a signer, sometimes an sr25519 dev account, the treasury, the
	/// rewards pot, or an account nobody holds.
	fn account(&mut self) -> AccountId {
		match self.rng.below(20) {
			0 => Treasury::account_id(),
			1 => ContributorRewards::pot_account(),
			2 => AccountId::from([self.rng.below(3) as u8; 32]),
			3 => sr_account(Sr25519Keyring::Charlie),
			_ => account(SIGNERS[self.rng.below(9) as usize]),
		}
	}

	/// An account root may take funds from: any but the rewards pot, which owes claimants
	/// (root emptying it is governance's choice, not a fault of the runtime).
	fn account_but_the_pot(&mut self) -> AccountId {
		let who = self.account();
		if who == ContributorRewards::pot_account() {
			Treasury::account_id()
		} else {
			who
		}
	}

	/// An amount near `typical`, or at a bound: 0, 1, around the existential deposit, the
	/// maximum, a signer's funds.
	fn amount(&mut self, typical: Balance) -> Balance {
		match self.rng.below(24) {
			0 => 0,
			1 => 1,
			2 => EXISTENTIAL_DEPOSIT - 1,
			3 => EXISTENTIAL_DEPOSIT,
			4 => typical.saturating_sub(1),
			5 => typical.saturating_add(1),
			6 => Balance::MAX,
			7 => SIGNER_FUNDS,
			8 => u128::from(self.rng.next()) * u128::from(self.rng.next()),
			9 => typical.saturating_mul(10),
			10 => typical,
			_ => typical / 2 + Balance::from(self.rng.next()) % typical.max(1),
		}
	}

	/// The most a payer accepts to pay for a `fee`: mostly enough, sometimes just not.
	fn max_fee(&mut self, fee: Balance) -> Balance {
		match self.rng.below(10) {
			0..=2 => self.amount(fee),
			3 => Balance::MAX,
			_ => fee.saturating_mul(1 + u128::from(self.rng.below(100))),
		}
	}

	/// A small number: mostly `1..=typical`, sometimes 0, `max` or past it.
	fn small(&mut self, typical: u32, max: u32) -> u32 {
		match self.rng.below(80) {
			0 => 0,
			1 => max,
			2 => max.saturating_add(1),
			3 => u32::MAX,
			_ => 1 + self.rng.below(u64::from(typical.max(1))) as u32,
		}
	}

	/// A content hash: often one of a few, so that results agree and hashes collide.
	fn hash(&mut self) -> ContentHash {
		if self.rng.chance(60) {
			[1 + self.rng.below(3) as u8; 32]
		} else {
			self.rng.bytes32()
		}
	}

	fn perbill(&mut self) -> Perbill {
		match self.rng.below(6) {
			0 => Perbill::zero(),
			1 => Perbill::one(),
			2 => Perbill::from_parts(1),
			3 => Perbill::from_percent(50),
			_ => Perbill::from_parts(self.rng.below(1_000_000_001) as u32),
		}
	}

	/// A text: mostly short, sometimes empty or as long as allowed.
	fn text<S: Get<u32>>(&mut self) -> BoundedVec<u8, S> {
		let max = S::get() as u64;
		let len = match self.rng.below(10) {
			0 => 0,
			1 => max,
			_ => self.rng.below(24).min(max),
		};
		BoundedVec::truncate_from((0..len).map(|_| b'a' + (self.rng.below(26) as u8)).collect())
	}

	fn bytes(&mut self) -> Vec<u8> {
		let len = match self.rng.below(10) {
			0 => 0,
			1 => 16 * 1024,
			2 => 1024,
			_ => self.rng.below(64),
		};
		(0..len).map(|_| self.rng.next() as u8).collect()
	}

	// --- Storage --------------------------------------------------------------------------

	fn jobs(&mut self) -> Vec<(JobId, Job<Runtime>)> {
		Jobs::<Runtime>::iter().collect()
	}

	/// A job's id: mostly a live job's, sometimes a finished one's or one that never was.
	fn job_id(&mut self) -> JobId {
		let ids: Vec<JobId> = if self.rng.chance(80) {
			Jobs::<Runtime>::iter_keys().collect()
		} else {
			Receipts::<Runtime>::iter_keys().collect()
		};
		match self.rng.pick(&ids) {
			Some(id) if self.rng.chance(90) => id,
			_ => self.rng.below(4) + pallet_compute_market::NextJobId::<Runtime>::get(),
		}
	}

	fn providers(&mut self) -> Vec<AccountId> {
		Providers::<Runtime>::iter_keys().collect()
	}

	fn provider(&mut self) -> AccountId {
		let providers = self.providers();
		match self.rng.pick(&providers) {
			Some(who) if self.rng.chance(85) => who,
			_ => self.account(),
		}
	}

	fn model_id(&mut self) -> u64 {
		let ids: Vec<u64> = Models::<Runtime>::iter_keys().collect();
		match self.rng.pick(&ids) {
			Some(id) if self.rng.chance(90) => id,
			_ => self.rng.below(3) + pallet_model_registry::NextModelId::<Runtime>::get(),
		}
	}

	fn dataset_id(&mut self) -> u64 {
		let ids: Vec<u64> = Datasets::<Runtime>::iter_keys().collect();
		match self.rng.pick(&ids) {
			Some(id) if self.rng.chance(90) => id,
			_ => self.rng.below(3) + pallet_model_registry::NextDatasetId::<Runtime>::get(),
		}
	}

	fn model_version(&mut self) -> ModelVersionRef {
		let versions: Vec<(u64, u32)> = ModelVersions::<Runtime>::iter_keys().collect();
		match self.rng.pick(&versions) {
			Some((model, version)) if self.rng.chance(90) => ModelVersionRef { model, version },
			_ => ModelVersionRef { model: self.model_id(), version: self.rng.below(3) as u32 },
		}
	}

	fn dataset_version(&mut self) -> DatasetVersionRef {
		let versions: Vec<(u64, u32)> = DatasetVersions::<Runtime>::iter_keys().collect();
		match self.rng.pick(&versions) {
			Some((dataset, version)) if self.rng.chance(90) => {
				DatasetVersionRef { dataset, version }
			},
			_ => {
				DatasetVersionRef { dataset: self.dataset_id(), version: self.rng.below(3) as u32 }
			},
		}
	}

	fn benchmark_id(&mut self) -> u32 {
		let ids: Vec<u32> = Benchmarks::<Runtime>::iter_keys().collect();
		match self.rng.pick(&ids) {
			Some(id) if self.rng.chance(90) => id,
			_ => {
				self.rng.below(3) as u32 + pallet_model_registry::NextBenchmarkId::<Runtime>::get()
			},
		}
	}

	fn evaluation_id(&mut self) -> u64 {
		let ids: Vec<u64> = Evaluations::<Runtime>::iter_keys().collect();
		match self.rng.pick(&ids) {
			Some(id) if self.rng.chance(90) => id,
			_ => self.rng.below(3) + pallet_model_registry::NextEvaluationId::<Runtime>::get(),
		}
	}

	fn item(&mut self) -> RegistryItem {
		if self.rng.chance(55) {
			RegistryItem::Model(self.model_id())
		} else {
			RegistryItem::Dataset(self.dataset_id())
		}
	}

	/// The owner of an item, if it exists.
	fn owner_of(item: &RegistryItem) -> Option<AccountId> {
		match item {
			RegistryItem::Model(id) => Models::<Runtime>::get(id).map(|m| m.owner),
			RegistryItem::Dataset(id) => Datasets::<Runtime>::get(id).map(|d| d.owner),
		}
	}

	// --- Extrinsics -----------------------------------------------------------------------

	fn extrinsic(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		// Rounds in progress get the members' calls they wait for.
		let playing = pallet_federated::Rounds::<Runtime>::iter_keys().next().is_some();
		let federated = if playing { 60 } else { 14 };
		match self.rng.weighted(&[45, 33, 3, 8, 2, 3, 2, 1, 1, 2, 3, 3, federated]) {
			0 => self.market(),
			1 => self.registry(),
			2 => self.rewards(),
			3 => self.balances(),
			4 => {
				let remark = self.bytes();
				let call = if self.rng.chance(50) {
					frame_system::Call::remark { remark }
				} else {
					frame_system::Call::remark_with_event { remark }
				};
				(self.signer(), RuntimeCall::System(call))
			},
			5 => self.batch(),
			6 => self.proxy(),
			7 => self.multisig(),
			8 => self.preimage(),
			9 => self.parameters(),
			10 => self.governance(),
			11 => self.zk(),
			_ => self.federated(),
		}
	}

	/// The ZK verifier: keys registered (the committed blobs-classifier key, synthetic keys of any
	/// size, garbage) and removed, profiles bound (mostly by the model's owner, mostly with the
	/// key's layout) and unbound.
	fn zk(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_zk_verifier::{Call, Keys, Profiles, ValueLayout};
		let keys: Vec<[u8; 32]> = Keys::<Runtime>::iter_keys().collect();
		let call = match self.rng.weighted(&[4, 1, 4, 2]) {
			0 => {
				let key = match self.rng.below(4) {
					0 | 1 => deai_zk::fixture::key(),
					2 => deai_zk::synthetic::key::<deai_zk::Curve>(
						self.rng.below(u64::from(deai_zk::MAX_PUBLIC_VALUES) + 1) as u32,
					),
					_ => self.bytes(),
				};
				Call::register_key { key: BoundedVec::truncate_from(key) }
			},
			1 => Call::remove_key {
				key: match self.rng.pick(&keys) {
					Some(key) if self.rng.chance(90) => key,
					_ => self.rng.bytes32(),
				},
			},
			2 => {
				let version = self.model_version();
				let key = match self.rng.pick(&keys) {
					Some(key) if self.rng.chance(90) => key,
					_ => self.rng.bytes32(),
				};
				let layout = match (Keys::<Runtime>::get(key), self.rng.below(10)) {
					(Some(info), 0..=7) if info.public_values >= 2 => ValueLayout {
						inputs: (info.public_values - 1) as u8,
						outputs: 1,
						scale_bits: 16,
					},
					_ => ValueLayout {
						inputs: self.rng.below(6) as u8,
						outputs: self.rng.below(3) as u8,
						scale_bits: self.rng.below(64) as u8,
					},
				};
				let owner = Models::<Runtime>::get(version.model).map(|m| m.owner);
				let signer = self.signer_or(owner.as_ref());
				return (
					signer,
					RuntimeCall::ZkVerifier(Call::bind_profile { version, key, layout }),
				);
			},
			_ => {
				let profiles: Vec<ModelVersionRef> = Profiles::<Runtime>::iter_keys().collect();
				let version = match self.rng.pick(&profiles) {
					Some(version) if self.rng.chance(90) => version,
					_ => self.model_version(),
				};
				let binder = Profiles::<Runtime>::get(version).map(|p| p.owner);
				let signer = self.signer_or(binder.as_ref());
				return (signer, RuntimeCall::ZkVerifier(Call::unbind_profile { version }));
			},
		};
		let owner = match &call {
			Call::remove_key { key } => Keys::<Runtime>::get(key).map(|k| k.owner),
			_ => None,
		};
		(self.signer_or(owner.as_ref()), RuntimeCall::ZkVerifier(call))
	}

	/// OpenGov: referenda on every kind of track (whose proposals, if they pass, are DeAI
	/// arbitration, parameters or a remark), decision deposits, votes and refunds.
	fn governance(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_conviction_voting::{AccountVote, Conviction, Vote};
		let referenda: Vec<u32> =
			pallet_referenda::ReferendumInfoFor::<Runtime>::iter_keys().collect();
		let index = match self.rng.pick(&referenda) {
			Some(index) if self.rng.chance(90) => index,
			_ => pallet_referenda::ReferendumCount::<Runtime>::get(),
		};
		let signer = self.signer();
		let call = match self.rng.weighted(&[3, 3, 6, 1, 1, 1, 1]) {
			0 => {
				let (origin, proposal) = match self.rng.below(4) {
					0 => (
						OriginCaller::system(frame_system::RawOrigin::Root),
						RuntimeCall::System(frame_system::Call::remark { remark: self.bytes() }),
					),
					1 => (OriginCaller::Origins(CustomOrigin::DeaiParameters), self.parameters().1),
					2 => {
						let job = self.job_id();
						let provider_at_fault = self.rng.chance(50);
						let call = RuntimeCall::ComputeMarket(
							pallet_compute_market::Call::resolve_dispute { job, provider_at_fault },
						);
						(OriginCaller::Origins(CustomOrigin::MarketArbiter), call)
					},
					_ => {
						let item = self.item();
						let call =
							RuntimeCall::ModelRegistry(pallet_model_registry::Call::take_down {
								item,
								slash_deposit: self.rng.chance(50),
							});
						(OriginCaller::Origins(CustomOrigin::MarketArbiter), call)
					},
				};
				let proposal = match BoundedVec::try_from(proposal.encode()) {
					Ok(inline) => frame_support::traits::Bounded::Inline(inline),
					Err(_) => frame_support::traits::Bounded::Inline(BoundedVec::new()),
				};
				let enactment_moment = if self.rng.chance(80) {
					frame_support::traits::schedule::DispatchTime::After(self.rng.below(3) as u32)
				} else {
					frame_support::traits::schedule::DispatchTime::At(System::block_number() + 1)
				};
				RuntimeCall::Referenda(pallet_referenda::Call::submit {
					proposal_origin: Box::new(origin),
					proposal,
					enactment_moment,
				})
			},
			1 => RuntimeCall::Referenda(pallet_referenda::Call::place_decision_deposit { index }),
			2 => {
				let conviction = [Conviction::None, Conviction::Locked1x, Conviction::Locked6x]
					[self.rng.below(3) as usize];
				let vote = AccountVote::Standard {
					vote: Vote { aye: self.rng.chance(75), conviction },
					balance: self.amount(10_000 * UNIT),
				};
				RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::vote {
					poll_index: index,
					vote,
				})
			},
			3 => RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::remove_vote {
				class: None,
				index,
			}),
			4 => RuntimeCall::ConvictionVoting(pallet_conviction_voting::Call::unlock {
				class: self.rng.below(8) as u16,
				target: MultiAddress::Id(account(signer)),
			}),
			5 => RuntimeCall::Referenda(pallet_referenda::Call::refund_decision_deposit { index }),
			_ => {
				RuntimeCall::Referenda(pallet_referenda::Call::refund_submission_deposit { index })
			},
		};
		(signer, call)
	}

	/// Root's call: signed by the sudo key (or, now and then, by someone else).
	fn sudo(&mut self, call: RuntimeCall) -> (Ed25519Keyring, RuntimeCall) {
		let signer = if self.rng.chance(92) { SUDO } else { self.signer() };
		(signer, RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) }))
	}

	fn deai_call(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		match self.rng.below(14) {
			0..=5 => self.market(),
			6..=8 => self.registry(),
			9 | 10 => self.oracle(),
			11 | 12 => self.federated(),
			_ => self.rewards(),
		}
	}

	// --- Federated training -----------------------------------------------------------------

	/// A model file: mostly small and well formed, sometimes empty or at the address bound.
	fn fl_file(&mut self) -> pallet_federated::ModelFile<Runtime> {
		pallet_federated::ModelFile {
			hash: self.hash(),
			size: [0, 1, 5_000, u64::MAX][self.rng.weighted(&[3, 2, 90, 5])],
			uri: self.text(),
		}
	}

	/// Tasks created (mostly by a model's owner, on a registered version and dataset, with
	/// values at and beyond the bounds), joined by the market's providers, their rounds played
	/// by the drawn members (commitments kept and mostly opened right, sometimes not), earnings
	/// withdrawn, members leaving, tasks ended.
	fn federated(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_federated::{
			Aggregation, Call, DpSetting, Phase, Role, Rounds, TaskSpec, TaskStatus, Tasks,
		};
		let fed = RuntimeCall::Federated;
		let mut tasks: Vec<(u64, AccountId, TaskStatus<BlockNumber>, Balance)> =
			Tasks::<Runtime>::iter()
				.map(|(id, t)| (id, t.owner, t.status, t.spec.min_stake))
				.collect();
		tasks.sort_by_key(|(id, ..)| *id);
		// Mostly the oldest task still training (so that some gather enough members).
		let open: Vec<_> = tasks
			.iter()
			.filter(|(_, _, st, _)| *st != TaskStatus::Closed)
			.cloned()
			.collect();
		let running = open.iter().find(|(_, _, st, _)| matches!(st, TaskStatus::Running { .. }));
		let (task, owner, status, min_stake) = match (running, open.first()) {
			(Some(running), _) if self.rng.chance(70) => running.clone(),
			(_, Some(oldest)) if self.rng.chance(60) => oldest.clone(),
			_ => match self.rng.pick(&open) {
				Some(picked) if self.rng.chance(85) => picked,
				_ => self.rng.pick(&tasks).unwrap_or((
					self.rng.below(3),
					self.account(),
					TaskStatus::Closed,
					UNIT,
				)),
			},
		};
		let phase = match status {
			TaskStatus::Running { phase, .. } => Some(phase),
			_ => None,
		};
		let round = Rounds::<Runtime>::get(task);
		let drawn = |evaluators: bool| -> Vec<AccountId> {
			round.as_ref().map_or_else(Vec::new, |r| {
				if evaluators {
					r.scores.iter().map(|s| s.who.clone()).collect()
				} else {
					r.updates.iter().map(|s| s.who.clone()).collect()
				}
			})
		};
		let salt = self.rng.bytes32();
		// Tasks first; then mostly members joining and rounds played.
		let weights: &[u64] = if open.is_empty() {
			&[70, 6, 4, 4, 4, 4, 3, 3, 2]
		} else if matches!(status, TaskStatus::Enrolling { .. }) {
			&[4, 75, 3, 4, 3, 4, 2, 3, 2]
		} else {
			&[6, 14, 18, 16, 16, 16, 5, 6, 3]
		};
		match self.rng.weighted(weights) {
			0 => {
				let models: Vec<(u64, AccountId)> =
					Models::<Runtime>::iter().map(|(id, m)| (id, m.owner)).collect();
				let (target_model, owner) =
					self.rng.pick(&models).unwrap_or((self.model_id(), self.account()));
				let min_stake =
					[UNIT, UNIT, 2 * UNIT, UNIT - 1, 0][self.rng.weighted(&[40, 30, 24, 3, 3])];
				let spec = TaskSpec::<Runtime> {
					base: self.model_version(),
					target_model,
					rounds: [1, 2, 3, 100, 0, 101][self.rng.weighted(&[30, 38, 25, 3, 2, 2])],
					round_pot: [UNIT, 10 * UNIT, UNIT - 1, self.amount(5 * UNIT)]
						[self.rng.weighted(&[30, 30, 5, 35])],
					participants: [1, 2, 3, 16, 0, 17][self.rng.weighted(&[30, 32, 25, 9, 2, 2])],
					evaluators: [3, 5, 1, 2, 4, 7][self.rng.weighted(&[70, 22, 2, 2, 2, 2])],
					aggregation: match self.rng.below(4) {
						0 => Aggregation::FedAvg,
						1 => Aggregation::CoordinateMedian,
						_ => Aggregation::TrimmedMean {
							trim: sp_runtime::Percent::from_percent(
								[10, 0, 49, 50, 100][self.rng.weighted(&[40, 25, 25, 5, 5])],
							),
						},
					},
					eval_dataset: {
						// Mostly data any evaluator may use.
						let open: Vec<DatasetVersionRef> = DatasetVersions::<Runtime>::iter_keys()
							.filter(|(dataset, _)| {
								Datasets::<Runtime>::get(dataset).is_some_and(|d| {
									!matches!(d.access, AccessPolicy::ComputeToData { .. })
								})
							})
							.map(|(dataset, version)| DatasetVersionRef { dataset, version })
							.collect();
						match self.rng.pick(&open) {
							Some(version) if self.rng.chance(80) => version,
							_ => self.dataset_version(),
						}
					},
					eval_rows: [10, 1, 150, 0, u32::MAX][self.rng.weighted(&[55, 15, 20, 3, 7])],
					dp: self.rng.chance(30).then(|| DpSetting {
						clip_norm_milli: [1_000, 0, u32::MAX][self.rng.weighted(&[85, 5, 10])],
						noise_multiplier_milli: self.small(1_000, u32::MAX),
					}),
					min_stake,
					phase_blocks: [2, 3, 5, 1, 100_000][self.rng.weighted(&[40, 30, 24, 3, 3])],
					score_tolerance: [100, 0, -1, i64::MAX][self.rng.weighted(&[65, 20, 3, 12])],
					poison_threshold: [1_000, 0, -1, i64::MAX][self.rng.weighted(&[65, 20, 3, 12])],
				};
				(self.signer_or(Some(&owner)), fed(Call::create_task { spec }))
			},
			1 => {
				// Mostly the role the task is short of.
				let (needed_p, needed_e) = Tasks::<Runtime>::get(task)
					.map_or((1, 3), |t| (t.spec.participants, t.spec.evaluators));
				let ledger = pallet_federated::Ledgers::<Runtime>::get(task);
				let count = |role: Role| ledger.iter().filter(|m| m.role == role).count() as u32;
				let role = if self.rng.chance(20) {
					if self.rng.chance(55) {
						Role::Participant
					} else {
						Role::Evaluator
					}
				} else if count(Role::Participant) < needed_p {
					Role::Participant
				} else if count(Role::Evaluator) < needed_e {
					Role::Evaluator
				} else if self.rng.chance(50) {
					Role::Participant
				} else {
					Role::Evaluator
				};
				let stake = [min_stake, 2 * min_stake, self.amount(min_stake)]
					[self.rng.weighted(&[60, 25, 15])];
				// Mostly a provider offering the role's work, not the owner, not a member.
				let kind = match role {
					Role::Participant => deai_abi::job_kind::TRAINING,
					Role::Evaluator => deai_abi::job_kind::EVALUATION,
				};
				let members: Vec<AccountId> = pallet_federated::Ledgers::<Runtime>::get(task)
					.into_iter()
					.map(|m| m.who)
					.collect();
				let min_bond = <Runtime as pallet_compute_market::Config>::MinProviderBond::get();
				let candidates: Vec<AccountId> = Providers::<Runtime>::iter()
					.filter(|(who, p)| {
						p.status == pallet_compute_market::ProviderStatus::Active
							&& p.bond >= min_bond && p.capabilities.job_kinds & kind == kind
							&& *who != owner && !members.contains(who)
					})
					.map(|(who, _)| who)
					.collect();
				let who = match self.rng.pick(&candidates) {
					Some(who) if self.rng.chance(85) => who,
					// Nobody offers the work: a signer that is no provider registers as one.
					None if self.rng.chance(60) => {
						let newcomers: Vec<Ed25519Keyring> = SIGNERS
							.iter()
							.copied()
							.filter(|k| !Providers::<Runtime>::contains_key(account(*k)))
							.collect();
						// Or a provider offers every kind of work now.
						let Some(signer) = self.rng.pick(&newcomers) else {
							let mut capabilities = self.capabilities();
							capabilities.job_kinds = deai_abi::job_kind::ALL;
							let provider = self.provider();
							let call = pallet_compute_market::Call::update_provider {
								capabilities: Some(capabilities),
								endpoint: None,
							};
							return (
								self.signer_or(Some(&provider)),
								RuntimeCall::ComputeMarket(call),
							);
						};
						let mut capabilities = self.capabilities();
						capabilities.job_kinds = deai_abi::job_kind::ALL;
						let call = pallet_compute_market::Call::register_provider {
							capabilities,
							endpoint: self.text(),
							bond: 2 * min_bond,
						};
						return (signer, RuntimeCall::ComputeMarket(call));
					},
					_ => self.provider(),
				};
				(self.signer_or(Some(&who)), fed(Call::join { task, role, stake }))
			},
			2 => {
				let who = self.rng.pick(&drawn(false)).unwrap_or_else(|| self.account());
				let round_index = round.as_ref().map_or(0, |r| r.index);
				let update = self.fl_file();
				let samples = [10, 0, 1, u32::MAX][self.rng.weighted(&[80, 5, 10, 5])];
				let commitment = deai_abi::federated::update_commitment(
					task,
					round_index,
					&who.encode(),
					&update.hash,
					samples,
					&salt,
				);
				if phase == Some(Phase::CommitUpdates) {
					self.pending_fl =
						Some(FlSecret::Update { task, who: who.clone(), update, samples, salt });
				}
				(self.signer_or(Some(&who)), fed(Call::commit_update { task, commitment }))
			},
			3 | 5 => {
				let wanted_scores = self.rng.chance(50);
				let secrets: Vec<FlSecret> = self
					.fl_secrets
					.iter()
					.filter(|s| matches!(s, FlSecret::Scores { .. }) == wanted_scores)
					.cloned()
					.collect();
				match self.rng.pick(&secrets) {
					Some(FlSecret::Update { task, who, update, samples, salt }) => {
						// Mostly opened right; sometimes with another salt.
						let salt = if self.rng.chance(90) { salt } else { self.rng.bytes32() };
						let call = Call::reveal_update { task, update, samples, salt };
						(self.signer_or(Some(&who)), fed(call))
					},
					Some(FlSecret::Scores { task, who, scores, aggregate, salt }) => {
						let salt = if self.rng.chance(90) { salt } else { self.rng.bytes32() };
						let call = Call::reveal_scores {
							task,
							scores: BoundedVec::truncate_from(scores),
							aggregate,
							salt,
						};
						(self.signer_or(Some(&who)), fed(call))
					},
					None => {
						let call =
							Call::reveal_update { task, update: self.fl_file(), samples: 10, salt };
						(self.signer(), fed(call))
					},
				}
			},
			4 => {
				let who = self.rng.pick(&drawn(true)).unwrap_or_else(|| self.account());
				let round_index = round.as_ref().map_or(0, |r| r.index);
				let updates = drawn(false).len();
				// Mostly one score per update, near the tolerance of one another.
				let count = if self.rng.chance(90) { updates } else { self.rng.below(18) as usize };
				let common = [0, 500, -5_000, 50][self.rng.below(4) as usize];
				let scores: Vec<i64> = (0..count)
					.map(|_| match self.rng.below(10) {
						0 => i64::MIN,
						1 => i64::MAX,
						_ => common + self.rng.below(100) as i64,
					})
					.collect();
				// Mostly the aggregate the others report.
				let aggregate = pallet_federated::ModelFile {
					hash: [if self.rng.chance(80) { 0xA0 } else { self.rng.below(256) as u8 }; 32],
					size: 5_000,
					uri: BoundedVec::truncate_from(b"ipfs://aggregate".to_vec()),
				};
				let commitment = deai_abi::federated::scores_commitment(
					task,
					round_index,
					&who.encode(),
					&scores,
					&aggregate.hash,
					&salt,
				);
				if phase == Some(Phase::CommitScores) {
					self.pending_fl =
						Some(FlSecret::Scores { task, who: who.clone(), scores, aggregate, salt });
				}
				(self.signer_or(Some(&who)), fed(Call::commit_scores { task, commitment }))
			},
			6 | 7 => {
				let members: Vec<AccountId> = pallet_federated::Ledgers::<Runtime>::get(task)
					.into_iter()
					.map(|m| m.who)
					.collect();
				let who = self.rng.pick(&members).unwrap_or_else(|| self.account());
				let call = if self.rng.chance(50) {
					Call::withdraw { task }
				} else {
					Call::leave { task }
				};
				(self.signer_or(Some(&who)), fed(call))
			},
			_ => (self.signer_or(Some(&owner)), fed(Call::end_task { task })),
		}
	}

	// --- The AI oracle ----------------------------------------------------------------------

	/// A question to a model version (mostly a registered one), of any kind, at any price.
	fn question(&mut self) -> pallet_ai_oracle::Question<Runtime> {
		use pallet_ai_oracle::{OracleInput, OutputKind};
		let providers = [2, 3, 3, 3, 5, 6][self.rng.below(6) as usize];
		let output = match self.rng.below(6) {
			0..=3 => OutputKind::Label,
			4 => OutputKind::Scalar {
				decimals: self.rng.below(40) as u8,
				tolerance: u128::from(self.rng.below(10)),
			},
			_ => OutputKind::Bytes { max_len: [0, 4, 1024, 1025][self.rng.below(4) as usize] },
		};
		let input = if self.rng.chance(80) {
			OracleInput::Inline(BoundedVec::truncate_from(self.bytes()))
		} else {
			OracleInput::Reference { hash: self.hash(), uri: self.text() }
		};
		pallet_ai_oracle::Question {
			model: self.model_version(),
			input,
			output,
			providers,
			quorum: providers / 2 + u8::from(self.rng.chance(90)),
			price: self.amount(UNIT),
			max_budget: self.amount(20 * UNIT),
			commercial: self.rng.chance(30),
		}
	}

	/// A callback, at most of the allowed gas (sometimes more), to any account.
	fn callback(&mut self) -> Option<pallet_ai_oracle::CallbackSpec<Runtime>> {
		self.rng.chance(50).then(|| {
			let max = <Runtime as pallet_ai_oracle::Config>::MaxCallbackGas::get();
			let gas_limit = match self.rng.below(4) {
				0 => max,
				1 => max.saturating_add(frame_support::weights::Weight::from_parts(1, 0)),
				_ => frame_support::weights::Weight::from_parts(
					self.rng.next() % max.ref_time(),
					64 * 1024,
				),
			};
			pallet_ai_oracle::CallbackSpec {
				contract: self.account(),
				selector: [0xde, 0xa1, 0x0a, 0x5e],
				gas_limit,
			}
		})
	}

	/// An oracle call: questions and feeds (their answers come through the market's steps,
	/// revealed inline), cancellations and removals by their owners (mostly).
	fn oracle(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_ai_oracle::Call;
		let oracle = RuntimeCall::AiOracle;
		match self.rng.below(10) {
			0..=4 => {
				let call = Call::request { question: self.question(), callback: self.callback() };
				(self.signer(), oracle(call))
			},
			5 | 6 => {
				let matching = <Runtime as pallet_ai_oracle::Config>::MatchingBlocks::get();
				let call = Call::create_feed {
					question: self.question(),
					callback: self.callback(),
					period: (matching + self.rng.below(20) as u32)
						.saturating_sub(u32::from(self.rng.chance(5))),
					rounds: [1, 2, 5, 10_001][self.rng.below(4) as usize],
				};
				(self.signer(), oracle(call))
			},
			7 | 8 => {
				let feeds: Vec<(u64, AccountId)> = pallet_ai_oracle::Feeds::<Runtime>::iter()
					.map(|(id, f)| (id, f.owner))
					.collect();
				let (feed, owner) =
					self.rng.pick(&feeds).unwrap_or((self.rng.next() % 4, self.account()));
				(self.signer_or(Some(&owner)), oracle(Call::cancel_feed { feed }))
			},
			_ => {
				let answers: Vec<(u64, AccountId)> = pallet_ai_oracle::Answers::<Runtime>::iter()
					.map(|(id, a)| (id, a.requester))
					.collect();
				let (request, requester) =
					self.rng.pick(&answers).unwrap_or((self.job_id(), self.account()));
				(self.signer_or(Some(&requester)), oracle(Call::remove_answer { request }))
			},
		}
	}

	fn batch(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let (signer, first) = self.deai_call();
		let mut calls = vec![first];
		for _ in 0..self.rng.below(3) {
			calls.push(self.deai_call().1);
		}
		let call = match self.rng.below(3) {
			0 => pallet_utility::Call::batch { calls },
			1 => pallet_utility::Call::batch_all { calls },
			_ => pallet_utility::Call::force_batch { calls },
		};
		(signer, RuntimeCall::Utility(call))
	}

	fn proxy(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let proxies: Vec<(AccountId, AccountId)> = pallet_proxy::Proxies::<Runtime>::iter()
			.flat_map(|(real, (delegates, _))| {
				delegates.into_iter().map(move |d| (real.clone(), d.delegate))
			})
			.collect();
		match self.rng.below(5) {
			0 | 1 => {
				let proxy_type = [
					ProxyType::Any,
					ProxyType::NonTransfer,
					ProxyType::Governance,
					ProxyType::CancelProxy,
				][self.rng.below(4) as usize];
				let call = pallet_proxy::Call::add_proxy {
					delegate: MultiAddress::Id(self.account()),
					proxy_type,
					delay: if self.rng.chance(80) { 0 } else { 1 },
				};
				(self.signer(), RuntimeCall::Proxy(call))
			},
			2 => (self.signer(), RuntimeCall::Proxy(pallet_proxy::Call::remove_proxies {})),
			_ => {
				let (real, delegate) = match self.rng.pick(&proxies) {
					Some(pair) => pair,
					None => (self.account(), self.account()),
				};
				let (_, call) = self.deai_call();
				let signer = self.signer_or(Some(&delegate));
				let call = pallet_proxy::Call::proxy {
					real: MultiAddress::Id(real),
					force_proxy_type: None,
					call: Box::new(call),
				};
				(signer, RuntimeCall::Proxy(call))
			},
		}
	}

	fn multisig(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let signer = self.signer();
		let mut others: Vec<AccountId> =
			(0..1 + self.rng.below(2)).map(|_| self.account()).collect();
		others.sort();
		others.dedup();
		others.retain(|who| who != &account(signer));
		let (_, call) = if self.rng.chance(50) { self.balances() } else { self.deai_call() };
		let call = pallet_multisig::Call::as_multi_threshold_1 {
			other_signatories: others,
			call: Box::new(call),
		};
		(signer, RuntimeCall::Multisig(call))
	}

	fn preimage(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let noted: Vec<Hash> = pallet_preimage::RequestStatusFor::<Runtime>::iter_keys().collect();
		if self.rng.chance(60) || noted.is_empty() {
			let call = pallet_preimage::Call::note_preimage { bytes: self.bytes() };
			(self.signer(), RuntimeCall::Preimage(call))
		} else {
			let hash = self.rng.pick(&noted).expect("not empty");
			(self.signer(), RuntimeCall::Preimage(pallet_preimage::Call::unnote_preimage { hash }))
		}
	}

	/// A governance parameter set by root: in range, at an end, or out of range (root bypasses
	/// the range filter; the pallets clamp what they read).
	fn parameters(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let key_value = match self.rng.below(6) {
			0 => {
				let fee = [0, 1, 20_000, 100_000, 100_001, 1_000_000][self.rng.below(6) as usize];
				RuntimeParameters::Market(market::Parameters::ProtocolFee(
					market::ProtocolFee,
					Some(Permill::from_parts(fee)),
				))
			},
			1 => RuntimeParameters::Market(market::Parameters::RewardsFeeShare(
				market::RewardsFeeShare,
				Some(self.perbill()),
			)),
			2 => RuntimeParameters::Market(market::Parameters::MinProviderBond(
				market::MinProviderBond,
				Some(self.amount(100 * UNIT)),
			)),
			3 => RuntimeParameters::Market(market::Parameters::DisputeBond(
				market::DisputeBond,
				Some(self.amount(10 * UNIT)),
			)),
			4 => RuntimeParameters::Rewards(rewards::Parameters::EpochLength(
				rewards::EpochLength,
				Some(match self.rng.below(4) {
					0 => 1,
					1 => DAYS,
					2 => DAYS + 1,
					_ => 30 * DAYS,
				}),
			)),
			_ => RuntimeParameters::Rewards(rewards::Parameters::RewardPerEpoch(
				rewards::RewardPerEpoch,
				Some(self.amount(1_000 * UNIT)),
			)),
		};
		let call = RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value });
		if self.rng.chance(85) {
			self.sudo(call)
		} else {
			(self.signer(), call)
		}
	}

	fn balances(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_balances::Call;
		let signer = self.signer();
		let dest = MultiAddress::Id(self.account());
		let value = self.amount(1_000 * UNIT);
		let call = match self.rng.weighted(&[40, 40, 2, 6, 4, 3]) {
			0 => Call::transfer_allow_death { dest, value },
			1 => Call::transfer_keep_alive { dest, value },
			2 => Call::transfer_all { dest, keep_alive: self.rng.chance(50) },
			3 => {
				let source = MultiAddress::Id(self.account_but_the_pot());
				return self.sudo(RuntimeCall::Balances(Call::force_transfer {
					source,
					dest,
					value,
				}));
			},
			4 => {
				let who = MultiAddress::Id(self.account_but_the_pot());
				// Root may mint, though not near the maximum a balance holds.
				let new_free = self.amount(SIGNER_FUNDS).min(SIGNER_FUNDS * 4);
				return self.sudo(RuntimeCall::Balances(Call::force_set_balance { who, new_free }));
			},
			_ => Call::burn { value, keep_alive: self.rng.chance(50) },
		};
		(signer, RuntimeCall::Balances(call))
	}

	fn rewards(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_contributor_rewards::Call;
		if self.rng.chance(10) {
			let mut parts = [0u32; 4];
			if self.rng.chance(80) {
				let mut left = 1_000_000_000u32;
				for part in parts.iter_mut().take(3) {
					*part = self.rng.below(u64::from(left) + 1) as u32;
					left -= *part;
				}
				parts[3] = left;
			} else {
				parts = parts.map(|_| self.perbill().deconstruct());
			}
			let weights = PerCategory {
				compute: Perbill::from_parts(parts[0]),
				model: Perbill::from_parts(parts[1]),
				dataset: Perbill::from_parts(parts[2]),
				evaluation: Perbill::from_parts(parts[3]),
			};
			return self
				.sudo(RuntimeCall::ContributorRewards(Call::set_category_weights { weights }));
		}
		let mut epochs: Vec<u32> = Epochs::<Runtime>::iter_keys().collect();
		epochs.push(CurrentEpoch::<Runtime>::get());
		let epoch = match self.rng.pick(&epochs) {
			Some(epoch) if self.rng.chance(90) => epoch,
			_ => self.rng.below(3) as u32 + CurrentEpoch::<Runtime>::get(),
		};
		let earners: Vec<Earner<AccountId>> = Points::<Runtime>::iter_key_prefix(epoch).collect();
		let earner = match self.rng.pick(&earners) {
			Some(earner) if self.rng.chance(85) => earner,
			_ => Earner::Account(self.account()),
		};
		(self.signer(), RuntimeCall::ContributorRewards(Call::claim { epoch, earner }))
	}

	// --- The compute market ---------------------------------------------------------------

	fn capabilities(&mut self) -> Capabilities<Runtime> {
		let device =
			[DeviceClass::Server, DeviceClass::Desktop, DeviceClass::Mobile, DeviceClass::Edge]
				[self.rng.below(4) as usize];
		Capabilities {
			device,
			accelerator: self.text(),
			vram_mib: [0, 16_384, 81_920, u32::MAX][self.rng.below(4) as usize],
			ram_mib: [0, 65_536, 262_144, u32::MAX][self.rng.below(4) as usize],
			cpu_cores: [0, 8, 64, u16::MAX][self.rng.below(4) as usize],
			region: [0, 276, u16::MAX][self.rng.below(3) as usize],
			job_kinds: if self.rng.chance(80) { 0b1111 } else { self.rng.next() as u8 },
			max_concurrent_jobs: self.small(8, u32::MAX),
		}
	}

	fn requirements(&mut self) -> Requirements<Runtime> {
		if self.rng.chance(80) {
			return Requirements {
				min_vram_mib: 0,
				min_ram_mib: 0,
				accelerator: None,
				region: None,
				tee_required: false,
				min_reputation: 0,
			};
		}
		Requirements {
			min_vram_mib: [0, 16_384, u32::MAX][self.rng.below(3) as usize],
			min_ram_mib: [0, 65_536, u32::MAX][self.rng.below(3) as usize],
			accelerator: if self.rng.chance(30) { Some(self.text()) } else { None },
			region: if self.rng.chance(30) { Some(276) } else { None },
			tee_required: self.rng.chance(20),
			min_reputation: self.small(2, u32::MAX),
		}
	}

	fn job_spec(&mut self, requester: &AccountId) -> JobSpec<Runtime> {
		let model = match self.rng.below(10) {
			0..=1 => None,
			_ => Some(self.model_version()),
		};
		let kind = match (model.is_some(), self.rng.below(6)) {
			(false, 0) | (true, 0) => JobKind::Training,
			(_, 1) => JobKind::FineTune,
			(_, 2) => JobKind::Evaluation,
			(false, _) if self.rng.chance(80) => JobKind::Training,
			_ => JobKind::Inference,
		};
		let datasets = match self.rng.weighted(&[60, 25, 10, 5]) {
			0 => 0,
			1 => 1,
			2 => 2,
			_ => 5,
		};
		let datasets = BoundedVec::truncate_from(
			(0..datasets).map(|_| self.dataset_version()).collect::<Vec<_>>(),
		);
		let budget = self.amount(100 * UNIT);
		let providers = self.providers();
		let verification = match self.rng.below(30) {
			0..=11 => VerificationMode::RequesterApproval,
			12..=22 => {
				let providers = if self.rng.chance(92) {
					2 + self.rng.below(2) as u8
				} else {
					[0, 1, 6, u8::MAX][self.rng.below(4) as usize]
				};
				let quorum = if self.rng.chance(92) {
					providers / 2 + 1
				} else {
					self.rng.below(u64::from(providers) + 2) as u8
				};
				VerificationMode::Redundant { providers, quorum }
			},
			23..=26 => VerificationMode::Verifier {
				verifier: if self.rng.chance(10) { requester.clone() } else { self.account() },
			},
			_ => VerificationMode::Proof,
		};
		// A proof job mostly runs a version with a ZK profile (otherwise it is refused).
		let model = if verification == VerificationMode::Proof && self.rng.chance(80) {
			let profiled: Vec<ModelVersionRef> =
				pallet_zk_verifier::Profiles::<Runtime>::iter_keys().collect();
			self.rng.pick(&profiled).or(model)
		} else {
			model
		};
		// A redundant job cannot be direct: mostly, it is not asked to be.
		let direct = if verification.is_redundant() { 1 } else { 3 };
		let matching = match self.rng.below(7 + direct) {
			0..=3 => MatchingMode::Auction,
			n if n < 4 + direct => MatchingMode::Direct {
				provider: match self.rng.pick(&providers) {
					Some(p) if self.rng.chance(90) => p,
					_ => self.account(),
				},
			},
			_ => MatchingMode::FixedPrice {
				price: match self.rng.below(6) {
					0 => 0,
					1 => 1,
					2 => budget,
					_ => budget / (2 + u128::from(self.rng.below(8))),
				},
			},
		};
		let max_matching = <Runtime as pallet_compute_market::Config>::MaxMatchingBlocks::get();
		let max_execution = <Runtime as pallet_compute_market::Config>::MaxExecutionBlocks::get();
		JobSpec {
			kind,
			model,
			datasets,
			// A proof job on the fixture's input can be proven by the committed proof.
			input_hash: if verification == VerificationMode::Proof && self.rng.chance(50) {
				deai_zk::values_hash(&deai_zk::fixture::result().inputs)
			} else {
				self.hash()
			},
			input_uri: self.text(),
			requirements: self.requirements(),
			commercial: self.rng.chance(30),
			budget,
			matching_blocks: self.small(8, max_matching),
			execution_blocks: self.small(8, max_execution),
			matching,
			verification,
		}
	}

	fn market(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		let jobs = self.jobs();
		if !jobs.is_empty() && self.rng.chance(70) {
			let (id, job) = self.rng.pick(&jobs).expect("not empty");
			if let Some(step) = self.job_step(id, &job) {
				return step;
			}
		}
		self.market_call()
	}

	/// The next step of a live job, by the account whose step it is (mostly).
	fn job_step(&mut self, id: JobId, job: &Job<Runtime>) -> Option<(Ed25519Keyring, RuntimeCall)> {
		use pallet_compute_market::Call;
		let market = RuntimeCall::ComputeMarket;
		let requester = self.signer_or(Some(&job.requester));
		let assigned: Vec<AccountId> = job.assignments.iter().map(|a| a.provider.clone()).collect();
		let any_assigned = self.rng.pick(&assigned);
		let redundant = job.spec.verification.is_redundant();
		Some(match job.status {
			JobStatus::Open => match (&job.spec.matching, self.rng.below(20)) {
				(_, 0) => (requester, market(Call::cancel_job { job: id })),
				(MatchingMode::Auction, 1..=4) if !redundant => {
					let bidders: Vec<AccountId> = Bids::<Runtime>::iter_key_prefix(id).collect();
					let wanted = job.spec.verification.providers() as usize;
					let mut chosen = Vec::new();
					for _ in 0..wanted + usize::from(self.rng.chance(10)) {
						if let Some(bidder) = self.rng.pick(&bidders) {
							chosen.push(bidder);
						}
					}
					if self.rng.chance(80) {
						chosen.sort();
						chosen.dedup();
					}
					let providers = BoundedVec::truncate_from(chosen);
					(requester, market(Call::select_bids { job: id, providers }))
				},
				(MatchingMode::Auction, _) => {
					let price = match self.rng.below(8) {
						0 => job.price_cap.saturating_add(1),
						1 => 0,
						2 => 1,
						3 | 4 => job.price_cap,
						_ => Balance::from(self.rng.next()) % job.price_cap.max(1),
					};
					let bidder = self.provider();
					(self.signer_or(Some(&bidder)), market(Call::place_bid { job: id, price }))
				},
				(MatchingMode::Direct { provider }, _) => {
					(self.signer_or(Some(provider)), market(Call::accept_job { job: id }))
				},
				(MatchingMode::FixedPrice { .. }, _) => {
					let claimer = self.provider();
					(self.signer_or(Some(&claimer)), market(Call::claim_job { job: id }))
				},
			},
			JobStatus::Drawing => return None,
			JobStatus::Assigned => {
				let provider = any_assigned?;
				let signer = self.signer_or(Some(&provider));
				let who = account(signer);
				if self.rng.chance(12) {
					let call = Call::report_failure {
						job: id,
						code: self.rng.next() as u16,
						message_hash: self.hash(),
					};
					(signer, market(call))
				} else if redundant {
					// An oracle question is answered inline: mostly the same label, sometimes
					// another (outvoted), a number, or bytes of any length.
					let value =
						pallet_ai_oracle::Requests::<Runtime>::contains_key(id).then(|| match self
							.rng
							.below(10)
						{
							0..=6 => deai_abi::oracle::encode_label(1).to_vec(),
							7 => deai_abi::oracle::encode_label(self.rng.below(3) as u32).to_vec(),
							8 => deai_abi::oracle::encode_scalar(self.rng.next() as i128 % 100)
								.to_vec(),
							_ => self.bytes(),
						});
					let result = match &value {
						Some(value) => sp_io::hashing::blake2_256(value),
						None if self.rng.chance(80) => [1; 32],
						None => self.hash(),
					};
					let salt = self.rng.bytes32();
					let commitment = if self.rng.chance(90) {
						commitment_of(id, &who, &result, &salt)
					} else {
						self.rng.bytes32()
					};
					self.pending_commit =
						Some(Commit { job: id, provider: who, result, salt, value });
					(signer, market(Call::commit_result { job: id, commitment }))
				} else if job.spec.verification == VerificationMode::Proof && self.rng.chance(70) {
					// The committed proof, for its own result (it verifies when the job's model
					// has the fixture's key as its profile and the job its input).
					let proven = deai_zk::fixture::result();
					let call = Call::submit_result {
						job: id,
						result_hash: deai_zk::values_hash(&proven.outputs),
						result_uri: self.text(),
						proof: BoundedVec::truncate_from(proven.encode()),
					};
					(signer, market(call))
				} else {
					let proof = if self.rng.chance(80) {
						BoundedVec::new()
					} else {
						BoundedVec::truncate_from(self.bytes())
					};
					let call = Call::submit_result {
						job: id,
						result_hash: self.hash(),
						result_uri: self.text(),
						proof,
					};
					(signer, market(call))
				}
			},
			JobStatus::Revealing => {
				let provider = any_assigned?;
				let signer = self.signer_or(Some(&provider));
				let who = account(signer);
				let commit = self.commits.iter().rev().find(|c| c.job == id && c.provider == who);
				if let Some(Commit { value: Some(value), salt, .. }) = commit {
					if self.rng.chance(90) {
						let call = Call::reveal_inline_result {
							job: id,
							value: value.clone(),
							salt: *salt,
						};
						return Some((signer, market(call)));
					}
				}
				let (result, salt) = match commit {
					Some(commit) if self.rng.chance(90) => (commit.result, commit.salt),
					_ => (self.hash(), self.rng.bytes32()),
				};
				let call = Call::reveal_result {
					job: id,
					result_hash: result,
					result_uri: self.text(),
					salt,
				};
				(signer, market(call))
			},
			JobStatus::Submitted => match (&job.spec.verification, self.rng.below(10)) {
				(VerificationMode::Verifier { verifier }, 0..=4) => {
					let valid = self.rng.chance(70);
					(self.signer_or(Some(verifier)), market(Call::attest_result { job: id, valid }))
				},
				(_, 0..=5) => (requester, market(Call::accept_result { job: id })),
				_ => (requester, market(Call::dispute_result { job: id })),
			},
			JobStatus::Disputed => {
				let provider_at_fault = self.rng.chance(50);
				self.sudo(market(Call::resolve_dispute { job: id, provider_at_fault }))
			},
		})
	}

	/// A market call of any kind, on any job, by anyone (mostly a plausible one).
	fn market_call(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_compute_market::Call;
		let weights = [10, 3, 2, 2, 3, 3, 1, 2, 22, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 5];
		let job = self.job_id();
		let choice = self.rng.weighted(&weights);
		// A provider's own calls are mostly signed by a provider.
		let signer = if (1..=7).contains(&choice) {
			let provider = self.provider();
			self.signer_or(Some(&provider))
		} else {
			self.signer()
		};
		let call = match choice {
			0 => Call::register_provider {
				capabilities: self.capabilities(),
				endpoint: self.text(),
				bond: self.amount(200 * UNIT),
			},
			1 => Call::update_provider {
				capabilities: if self.rng.chance(60) { Some(self.capabilities()) } else { None },
				endpoint: if self.rng.chance(50) { Some(self.text()) } else { None },
			},
			2 => Call::submit_attestation {
				kind: [
					TeeKind::Sgx,
					TeeKind::Tdx,
					TeeKind::SevSnp,
					TeeKind::Nitro,
					TeeKind::NvidiaCc,
				][self.rng.below(5) as usize],
				report_hash: self.hash(),
			},
			3 => {
				let provider = self.provider();
				let trusted = self.rng.chance(70);
				return self.sudo(RuntimeCall::ComputeMarket(Call::review_attestation {
					provider,
					trusted,
				}));
			},
			4 => Call::set_paused { paused: self.rng.chance(25) },
			5 => Call::top_up_bond { amount: self.amount(100 * UNIT) },
			6 => Call::start_unbonding {},
			7 => Call::withdraw_bond {},
			8 => {
				let spec = self.job_spec(&account(signer));
				Call::post_job { spec }
			},
			9 => Call::cancel_job { job },
			10 => Call::place_bid { job, price: self.amount(10 * UNIT) },
			11 => Call::select_bids {
				job,
				providers: BoundedVec::truncate_from(vec![self.provider()]),
			},
			12 => Call::accept_job { job },
			13 => Call::claim_job { job },
			14 => Call::submit_result {
				job,
				result_hash: self.hash(),
				result_uri: self.text(),
				proof: BoundedVec::new(),
			},
			15 => Call::commit_result { job, commitment: self.hash() },
			16 => Call::reveal_result {
				job,
				result_hash: self.hash(),
				result_uri: self.text(),
				salt: self.hash(),
			},
			17 => Call::report_failure { job, code: 0, message_hash: self.hash() },
			18 => Call::accept_result { job },
			19 => Call::dispute_result { job },
			20 => Call::attest_result { job, valid: self.rng.chance(50) },
			21 => {
				let provider_at_fault = self.rng.chance(50);
				return self.sudo(RuntimeCall::ComputeMarket(Call::resolve_dispute {
					job,
					provider_at_fault,
				}));
			},
			// Anyone's, for any job: mostly refused until the job's deadline has passed.
			22 => Call::finalize_deadline { job },
			_ => {
				let receipts: Vec<(JobId, AccountId)> =
					Receipts::<Runtime>::iter().map(|(id, r)| (id, r.requester)).collect();
				match self.rng.pick(&receipts) {
					Some((id, requester)) => {
						let signer = self.signer_or(Some(&requester));
						return (
							signer,
							RuntimeCall::ComputeMarket(Call::remove_receipt { job: id }),
						);
					},
					None => Call::remove_receipt { job },
				}
			},
		};
		(signer, RuntimeCall::ComputeMarket(call))
	}

	// --- The model registry ---------------------------------------------------------------

	fn licence(&mut self) -> Licence<Runtime> {
		Licence {
			spdx: self.text(),
			commercial_use: self.rng.chance(70),
			derivatives: self.rng.chance(70),
			attribution: self.rng.chance(50),
		}
	}

	/// Contributors whose shares add up to 100% (mostly).
	fn contributors<S: Get<u32>>(
		&mut self,
		owner: &AccountId,
	) -> BoundedVec<(AccountId, Perbill), S> {
		let count = match self.rng.weighted(&[5, 50, 25, 15, 5]) {
			0 => 0,
			1 => 1,
			2 => 2,
			3 => 3,
			_ => S::get(),
		};
		let mut who: Vec<AccountId> = (0..count)
			.map(|i| if i == 0 && self.rng.chance(70) { owner.clone() } else { self.account() })
			.collect();
		if self.rng.chance(90) {
			who.sort();
			who.dedup();
		}
		let count = who.len() as u32;
		let shares: Vec<Perbill> = if self.rng.chance(90) && count > 0 {
			let each = 1_000_000_000 / count;
			(0..count)
				.map(|i| {
					Perbill::from_parts(if i == 0 {
						1_000_000_000 - each * (count - 1)
					} else {
						each
					})
				})
				.collect()
		} else {
			(0..count).map(|_| self.perbill()).collect()
		};
		BoundedVec::truncate_from(who.into_iter().zip(shares).collect::<Vec<_>>())
	}

	fn status(&mut self) -> VersionStatus {
		[VersionStatus::Published, VersionStatus::Deprecated, VersionStatus::Yanked]
			[self.rng.weighted(&[3, 3, 1])]
	}

	fn access(&mut self) -> AccessPolicy<Balance> {
		match self.rng.below(3) {
			0 => AccessPolicy::Open,
			1 => AccessPolicy::Licensed { fee: self.amount(UNIT) },
			_ => AccessPolicy::ComputeToData { fee: self.amount(UNIT) },
		}
	}

	fn registry(&mut self) -> (Ed25519Keyring, RuntimeCall) {
		use pallet_model_registry::Call;
		let weights =
			[10, 4, 3, 12, 4, 3, 3, 8, 3, 8, 3, 2, 2, 4, 2, 3, 3, 5, 2, 6, 4, 3, 4, 2, 2, 2, 8];
		let registry = RuntimeCall::ModelRegistry;
		let choice = self.rng.weighted(&weights);
		// The model or dataset the call is about, and its owner, read only when needed.
		let (model, model_info) = match choice {
			1 | 2 | 3 | 6 => {
				let model = self.model_id();
				(model, Models::<Runtime>::get(model))
			},
			_ => (0, None),
		};
		let by_model_owner = self.signer_or(model_info.as_ref().map(|m| &m.owner));
		let (dataset, dataset_owner) = match choice {
			8 | 9 | 12 | 13 => {
				let dataset = self.dataset_id();
				(dataset, Datasets::<Runtime>::get(dataset).map(|d| d.owner))
			},
			_ => (0, None),
		};
		let by_dataset_owner = self.signer_or(dataset_owner.as_ref());
		match choice {
			0 => {
				let signer = self.signer();
				let owner = account(signer);
				let call = Call::register_model {
					name: self.text(),
					description: self.text(),
					tags: BoundedVec::truncate_from(
						(0..self.rng.below(3)).map(|_| self.text()).collect::<Vec<_>>(),
					),
					licence: self.licence(),
					usage_fee: self.amount(UNIT),
					contributors: self.contributors(&owner),
				};
				(signer, registry(call))
			},
			1 => {
				let owner = account(by_model_owner);
				let call = Call::update_model {
					model,
					description: if self.rng.chance(50) { Some(self.text()) } else { None },
					tags: None,
					licence: if self.rng.chance(40) { Some(self.licence()) } else { None },
					usage_fee: if self.rng.chance(50) { Some(self.amount(UNIT)) } else { None },
					contributors: if self.rng.chance(40) {
						Some(self.contributors(&owner))
					} else {
						None
					},
				};
				(by_model_owner, registry(call))
			},
			2 => {
				let maintainers: Vec<AccountId> =
					(0..self.rng.below(3)).map(|_| self.account()).collect();
				let call = Call::set_maintainers {
					model,
					maintainers: BoundedVec::truncate_from(maintainers),
				};
				(by_model_owner, registry(call))
			},
			3 => {
				let maintainer = model_info.as_ref().and_then(|m| {
					let maintainers = m.maintainers.to_vec();
					self.rng.pick(&maintainers)
				});
				let signer = match maintainer {
					Some(m) if self.rng.chance(25) => self.signer_or(Some(&m)),
					_ => by_model_owner,
				};
				let parents: Vec<ModelVersionRef> = match self.rng.weighted(&[60, 30, 10]) {
					0 => Vec::new(),
					1 => vec![self.model_version()],
					_ => (0..4).map(|_| self.model_version()).collect(),
				};
				let trained_on: Vec<DatasetVersionRef> = match self.rng.weighted(&[60, 30, 10]) {
					0 => Vec::new(),
					1 => vec![self.dataset_version()],
					_ => (0..3).map(|_| self.dataset_version()).collect(),
				};
				let produced_by_job = if self.rng.chance(20) { Some(self.job_id()) } else { None };
				let call = Call::publish_model_version {
					model,
					hash: self.hash(),
					size: [0, 1, 4096, u64::MAX][self.rng.below(4) as usize],
					format: [
						ModelFormat::Onnx,
						ModelFormat::Safetensors,
						ModelFormat::Gguf,
						ModelFormat::Other,
					][self.rng.below(4) as usize],
					uri: self.text(),
					label: self.text(),
					parents: BoundedVec::truncate_from(parents),
					trained_on: BoundedVec::truncate_from(trained_on),
					produced_by_job,
					upstream_share: if self.rng.chance(60) {
						Perbill::zero()
					} else {
						self.perbill()
					},
				};
				(signer, registry(call))
			},
			4 => {
				let version = self.model_version();
				let owner = Models::<Runtime>::get(version.model).map(|m| m.owner);
				let signer = self.signer_or(owner.as_ref());
				(
					signer,
					registry(Call::set_model_version_status { version, status: self.status() }),
				)
			},
			5 => {
				let version = self.model_version();
				let owner = Models::<Runtime>::get(version.model).map(|m| m.owner);
				let signer = self.signer_or(owner.as_ref());
				(signer, registry(Call::remove_model_version { version }))
			},
			6 => (by_model_owner, registry(Call::remove_model { model })),
			7 => {
				let signer = self.signer();
				let owner = account(signer);
				let call = Call::register_dataset {
					name: self.text(),
					description: self.text(),
					licence: self.licence(),
					access: self.access(),
					contributors: self.contributors(&owner),
				};
				(signer, registry(call))
			},
			8 => {
				let owner = account(by_dataset_owner);
				let call = Call::update_dataset {
					dataset,
					description: if self.rng.chance(50) { Some(self.text()) } else { None },
					licence: if self.rng.chance(40) { Some(self.licence()) } else { None },
					access: if self.rng.chance(40) { Some(self.access()) } else { None },
					contributors: if self.rng.chance(40) {
						Some(self.contributors(&owner))
					} else {
						None
					},
				};
				(by_dataset_owner, registry(call))
			},
			9 => {
				let call = Call::publish_dataset_version {
					dataset,
					hash: self.hash(),
					size: [0, 1, 1 << 30, u64::MAX][self.rng.below(4) as usize],
					uri: self.text(),
					label: self.text(),
				};
				(by_dataset_owner, registry(call))
			},
			10 | 11 => {
				let version = self.dataset_version();
				let owner = Datasets::<Runtime>::get(version.dataset).map(|d| d.owner);
				let signer = self.signer_or(owner.as_ref());
				let call = if choice == 10 {
					Call::set_dataset_version_status { version, status: self.status() }
				} else {
					Call::remove_dataset_version { version }
				};
				(signer, registry(call))
			},
			12 => (by_dataset_owner, registry(Call::remove_dataset { dataset })),
			13 => {
				let provider = self.provider();
				(by_dataset_owner, registry(Call::approve_provider { dataset, provider }))
			},
			14 => {
				let approved: Vec<(u64, AccountId)> =
					ApprovedProviders::<Runtime>::iter_keys().collect();
				let (dataset, provider) = match self.rng.pick(&approved) {
					Some(pair) => pair,
					None => (dataset, self.account()),
				};
				let owner = Datasets::<Runtime>::get(dataset).map(|d| d.owner);
				let signer = self.signer_or(owner.as_ref());
				(signer, registry(Call::revoke_provider { dataset, provider }))
			},
			15 => {
				let item = self.item();
				let owner = Self::owner_of(&item);
				let signer = self.signer_or(owner.as_ref());
				let new_owner = if self.rng.chance(85) { Some(self.account()) } else { None };
				(signer, registry(Call::offer_ownership { item, new_owner }))
			},
			16 => {
				let offered: Vec<RegistryItem> = Models::<Runtime>::iter()
					.filter(|(_, m)| m.pending_owner.is_some())
					.map(|(id, _)| RegistryItem::Model(id))
					.chain(
						Datasets::<Runtime>::iter()
							.filter(|(_, d)| d.pending_owner.is_some())
							.map(|(id, _)| RegistryItem::Dataset(id)),
					)
					.collect();
				let item = match self.rng.pick(&offered) {
					Some(item) if self.rng.chance(85) => item,
					_ => self.item(),
				};
				let pending = match item {
					RegistryItem::Model(id) => {
						Models::<Runtime>::get(id).and_then(|m| m.pending_owner)
					},
					RegistryItem::Dataset(id) => {
						Datasets::<Runtime>::get(id).and_then(|d| d.pending_owner)
					},
				};
				(self.signer_or(pending.as_ref()), registry(Call::accept_ownership { item }))
			},
			17 => {
				let call = Call::register_benchmark {
					dataset_version: self.dataset_version(),
					metric: self.text(),
					higher_is_better: self.rng.chance(50),
				};
				(self.signer(), registry(call))
			},
			18 => {
				let benchmark = self.benchmark_id();
				let creator = Benchmarks::<Runtime>::get(benchmark).map(|b| b.creator);
				(self.signer_or(creator.as_ref()), registry(Call::remove_benchmark { benchmark }))
			},
			19 => {
				let score = FixedI64::from_inner(match self.rng.below(6) {
					0 => 0,
					1 => i64::MAX,
					2 => i64::MIN,
					_ => self.rng.next() as i64 / 1_000,
				});
				let call = Call::submit_evaluation {
					model_version: self.model_version(),
					benchmark: self.benchmark_id(),
					score,
					evidence_hash: self.hash(),
					evidence_uri: self.text(),
					max_fee: self
						.max_fee(<Runtime as pallet_model_registry::Config>::EvaluationFee::get()),
				};
				(self.signer(), registry(call))
			},
			20 => {
				let evaluation = self.evaluation_id();
				(self.signer(), registry(Call::challenge_evaluation { evaluation }))
			},
			21 => {
				let evaluation = self.evaluation_id();
				let upheld = self.rng.chance(50);
				self.sudo(registry(Call::resolve_challenge { evaluation, upheld }))
			},
			22 => {
				let evaluation = self.evaluation_id();
				(self.signer(), registry(Call::finalize_evaluation { evaluation }))
			},
			23 => {
				let evaluation = self.evaluation_id();
				let evaluator = Evaluations::<Runtime>::get(evaluation).map(|e| e.evaluator);
				(
					self.signer_or(evaluator.as_ref()),
					registry(Call::remove_evaluation { evaluation }),
				)
			},
			24 => {
				let item = self.item();
				let slash_deposit = self.rng.chance(50);
				self.sudo(registry(Call::take_down { item, slash_deposit }))
			},
			25 => {
				use pallet_model_registry::ItemStatus::TakenDown;
				let down: Vec<RegistryItem> = Models::<Runtime>::iter()
					.filter(|(_, m)| m.status == TakenDown)
					.map(|(id, _)| RegistryItem::Model(id))
					.chain(
						Datasets::<Runtime>::iter()
							.filter(|(_, d)| d.status == TakenDown)
							.map(|(id, _)| RegistryItem::Dataset(id)),
					)
					.collect();
				let item = match self.rng.pick(&down) {
					Some(item) if self.rng.chance(85) => item,
					_ => self.item(),
				};
				self.sudo(registry(Call::restore { item }))
			},
			_ => {
				let version = if self.rng.chance(60) {
					VersionRef::Model(self.model_version())
				} else {
					VersionRef::Dataset(self.dataset_version())
				};
				let call = Call::pay_usage {
					version,
					usage: IntendedUse {
						commercial: self.rng.chance(50),
						derivative: self.rng.chance(30),
					},
					max_fee: self.max_fee(UNIT),
				};
				(self.signer(), registry(call))
			},
		}
	}
}

// ---------------------------------------------------------------------------------------------
// The fuzzer
// ---------------------------------------------------------------------------------------------

/// The seed of CI's runs.
const DEFAULT_SEED: u64 = 0x00de_a1f0_2251_0001;

fn env_u64(name: &str, default: u64) -> u64 {
	match std::env::var(name) {
		Ok(value) => {
			let value = value.trim();
			let parsed = match value.strip_prefix("0x") {
				Some(hex) => u64::from_str_radix(hex, 16),
				None => value.parse(),
			};
			parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number"))
		},
		Err(_) => default,
	}
}

/// A failure: where to replay it from, and what broke.
struct Failure {
	seed: u64,
	block: u64,
	parent: BlockNumber,
	error: String,
	extrinsics: Vec<String>,
}

/// One run from genesis: `blocks` blocks from `seed`, until `deadline`.
fn fuzz_run(
	genesis: &Storage,
	seed: u64,
	blocks: u64,
	deadline: Instant,
	trace: u8,
	stats: &mut Stats,
	slowest: &mut Duration,
) -> Result<(), Failure> {
	let mut chain = Chain::new(genesis);
	let mut fuzzer = Fuzzer {
		rng: Rng(seed),
		left: 0,
		target: 0,
		commits: Vec::new(),
		pending_commit: None,
		fl_secrets: Vec::new(),
		pending_fl: None,
		block_log: Vec::new(),
		stats,
		trace,
	};
	for block in 1..=blocks {
		let started = Instant::now();
		// Stop before a block that could end past the deadline.
		if started + *slowest >= deadline {
			break;
		}
		if fuzzer.target <= chain.number {
			fuzzer.target = chain.number + fuzzer.advance();
		}
		fuzzer.left = fuzzer.block_size();
		fuzzer.block_log.clear();
		if trace > 0 {
			println!("  block {block} (after number {}, toward {})", chain.number, fuzzer.target);
		}
		if let Err(error) = chain.block(fuzzer.target, &mut fuzzer) {
			let extrinsics = fuzzer
				.block_log
				.iter()
				.map(|(signer, call, result)| {
					let mut call = format!("{call:?}");
					call.truncate(600);
					format!("{signer:?}: {call} -> {result}")
				})
				.collect();
			return Err(Failure { seed, block, parent: chain.number, error, extrinsics });
		}
		fuzzer.stats.blocks += 1;
		*slowest = (*slowest).max(started.elapsed());
		if trace > 0 {
			println!("  ({:.0?})", started.elapsed());
		}
		// Commitments of finished jobs are of no more use.
		if block % 32 == 0 {
			chain.ext.execute_with(|| {
				fuzzer.commits.retain(|c| Jobs::<Runtime>::contains_key(c.job));
				// Federated commitments of rounds that ended are of no more use either.
				fuzzer.fl_secrets.retain(|secret| {
					let (FlSecret::Update { task, .. } | FlSecret::Scores { task, .. }) = secret;
					pallet_federated::Rounds::<Runtime>::contains_key(task)
				});
				let excess = fuzzer.fl_secrets.len().saturating_sub(256);
				fuzzer.fl_secrets.drain(..excess);
			});
		}
	}
	Ok(())
}

#[test]
fn fuzz_the_runtime() {
	let started = Instant::now();
	let seconds = env_u64("DEAI_FUZZ_SECONDS", 60);
	let seed = env_u64("DEAI_FUZZ_SEED", DEFAULT_SEED);
	let blocks = env_u64("DEAI_FUZZ_BLOCKS", 150);
	let runs = env_u64("DEAI_FUZZ_RUNS", u64::MAX);
	let trace = env_u64("DEAI_FUZZ_TRACE", 0) as u8;
	let deadline = started + Duration::from_secs(seconds);
	println!(
		"fuzz: seed {seed:#x}, {seconds} s, {blocks} blocks a run, try_state: {}",
		cfg!(feature = "try-runtime")
	);
	let genesis = common::preset_storage(DEV_RUNTIME_PRESET);
	let mut stats = Stats::default();
	let mut slowest = Duration::ZERO;
	let mut failures = Vec::new();
	let mut run = 0;
	while run < runs && Instant::now() + slowest < deadline {
		let run_seed = if run == 0 { seed } else { splitmix(seed ^ run) };
		if trace > 0 {
			println!("run {run}: seed {run_seed:#x}");
		}
		let outcome =
			fuzz_run(&genesis, run_seed, blocks, deadline, trace, &mut stats, &mut slowest);
		if let Err(failure) = outcome {
			eprintln!(
				"FAILURE in run {run}, block {} (after number {}): {}\n  the block's extrinsics:\n    {}\n  \
				 replay: DEAI_FUZZ_SEED={:#x} DEAI_FUZZ_RUNS=1 DEAI_FUZZ_BLOCKS={} \
				 DEAI_FUZZ_SECONDS=3600 DEAI_FUZZ_TRACE=1 cargo test -p deai-runtime{} --test fuzz \
				 -- --nocapture",
				failure.block,
				failure.parent,
				failure.error,
				failure.extrinsics.join("\n    "),
				failure.seed,
				failure.block,
				if cfg!(feature = "try-runtime") { " --features try-runtime" } else { "" },
			);
			failures.push(failure);
		}
		run += 1;
	}
	let elapsed = started.elapsed().as_secs_f64();
	println!(
		"fuzz: {run} runs, {} blocks, {} extrinsics ({} included) in {elapsed:.1} s: {:.0} extrinsics/s",
		stats.blocks,
		stats.extrinsics,
		stats.included,
		stats.extrinsics as f64 / elapsed
	);
	if env_u64("DEAI_FUZZ_STATS", 0) > 0 {
		for (label, call) in &stats.calls {
			println!(
				"  {label}: {} tried, {} included, {} succeeded",
				call.tried, call.included, call.succeeded
			);
			let mut errors: Vec<_> = call.errors.iter().collect();
			errors.sort_by(|a, b| b.1.cmp(a.1));
			for (error, count) in errors.into_iter().take(4) {
				let mut error = error.clone();
				error.truncate(160);
				println!("      {count} × {error}");
			}
		}
		println!("events:");
		for (event, count) in &stats.events {
			println!("  {event}: {count}");
		}
	}
	let summary: Vec<String> = failures
		.iter()
		.map(|f| format!("seed {:#x} block {}: {}", f.seed, f.block, f.error))
		.collect();
	assert!(
		failures.is_empty(),
		"the fuzzer found {} failures:\n{}",
		failures.len(),
		summary.join("\n")
	);
}

// ---------------------------------------------------------------------------------------------
// Regression tests: the failures the fuzzer found, minimized
// ---------------------------------------------------------------------------------------------

/// Replays a block's fixed extrinsics.
struct Script(std::vec::IntoIter<(Ed25519Keyring, RuntimeCall)>);

impl Driver for Script {
	fn next(&mut self) -> Option<(Ed25519Keyring, RuntimeCall)> {
		self.0.next()
	}

	fn applied(
		&mut self,
		signer: Ed25519Keyring,
		call: &RuntimeCall,
		outcome: &Result<DispatchResult, TransactionValidityError>,
	) {
		println!("{signer:?}: {} -> {outcome:?}", label(call));
	}
}

/// Runs `blocks` from the fuzzer's genesis, checking the invariants after each: each is
/// `advance` numbers after the last (or less, see [`landing`]), with its extrinsics.
fn replay(blocks: Vec<(u32, Vec<(Ed25519Keyring, RuntimeCall)>)>) -> Result<(), String> {
	let mut chain = Chain::new(&common::preset_storage(DEV_RUNTIME_PRESET));
	for (advance, extrinsics) in blocks {
		chain.block(chain.number + advance, &mut Script(extrinsics.into_iter()))?;
	}
	Ok(())
}

#[test]
fn the_fuzzer_builds_empty_blocks_and_jumps() {
	let [reveal, review, day, dispute] = periods();
	let blocks = [1, 1, 2, reveal, review, day, dispute, 1]
		.into_iter()
		.map(|advance| (advance, Vec::new()))
		.collect();
	replay(blocks).expect("empty blocks keep the invariants");
}

/// Found by the fuzzer (before jumps skipped the scheduler's empty agendas, its seed
/// `0x7d162499a43e39a9` made the scheduler catch up over 600 skipped blocks, spending 80% of
/// each block's proof size): when the rest of a block leaves `on_idle` at least the weight of
/// pallet-contracts' migration check (`migrate`) but less than that and its no-op
/// (`migration_noop`, one read), `on_idle` charges the no-op anyway, with `WeightMeter::consume`,
/// which `debug_assert`s: a panic in debug builds, a block over its weight limit (by one read)
/// in release. In production a block gets there when its
/// mandatory hooks (the market's deadlines, the scheduler) use more than the quarter of a block
/// normal extrinsics leave, and normal extrinsics fill the rest. Upstream (pallet-contracts 51,
/// `Migration::migrate`); the runtime can only avoid it (e.g. reserve `on_idle` headroom).
#[test]
#[ignore = "upstream pallet-contracts: on_idle overspends a budget below one read (see the doc)"]
fn regression_contracts_on_idle_spends_no_more_than_it_is_given() {
	use frame_support::traits::OnIdle;
	use pallet_contracts::weights::WeightInfo;
	type Weights = <Runtime as pallet_contracts::Config>::WeightInfo;
	let mut chain = Chain::new(&common::preset_storage(DEV_RUNTIME_PRESET));
	chain.ext.execute_with(|| {
		let given = Weights::migrate().saturating_add(Weights::migration_noop() / 2);
		let used = <pallet_contracts::Pallet<Runtime> as OnIdle<BlockNumber>>::on_idle(1, given);
		assert!(used.all_lte(given), "on_idle used {used:?} of {given:?}");
	});
}

/// Found by the fuzzer (seed `0xee3c0cc8b76cda2b`, whose first block is block 100800): the
/// block in which a session ends (every `Period`, 6 hours) carries more mandatory weight than a
/// block may hold, 2.012 s and 10.6 MB of proof against 2 s and 10.49 MB, with no extrinsic.
/// pallet-session's `on_initialize` returns `max_block` when it rotates (a whole block, on
/// purpose: the rotation's cost is unknown), and the other hooks (the parachain system, the
/// market's deadlines, the scheduler, the message queue...) add theirs on top. Such a block takes
/// no extrinsic and runs no `on_idle` work (the registry's and rewards' clean-ups wait a
/// block). Upstream (pallet-session 50); the fuzzer's weight check leaves these blocks out.
#[test]
#[ignore = "upstream pallet-session: a rotation claims max_block, the other hooks add to it"]
fn regression_a_session_rotation_block_is_over_its_weight() {
	use frame_support::traits::EstimateNextSessionRotation;
	let period = <Runtime as pallet_session::Config>::NextSessionRotation::average_session_length();
	let mut chain = Chain::new(&common::preset_storage(DEV_RUNTIME_PRESET));
	chain
		.block(period, &mut Script(Vec::new().into_iter()))
		.expect("the block builds");
	chain.ext.execute_with(|| {
		assert_eq!(System::block_number(), period, "a fresh chain has nothing due before");
		let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		let used = System::block_weight().total();
		assert!(used.all_lte(max), "block {period} used {used:?} of {max:?}");
	});
}
