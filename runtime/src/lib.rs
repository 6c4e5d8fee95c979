//! # DeAI Chain runtime
//!
//! The parachain runtime of DeAI Chain: a Cumulus parachain with Aura collators and async
//! backing, OpenGov, a treasury, smart contracts (pallet-contracts) and, at the indices reserved
//! below, the DeAI pallets (model registry, compute market, contributor rewards).
//!
//! Layout: `configs/` holds one module per group of pallets, `apis.rs` the runtime APIs,
//! `genesis_config_presets.rs` the `development` and `local_testnet` presets.

#![cfg_attr(not(feature = "std"), no_std)]
// The runtime macros recurse deeply.
#![recursion_limit = "512"]

// The WASM blob, built by `build.rs` (absent when `SKIP_WASM_BUILD` is set).
#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod constants;
pub mod genesis_config_presets;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use configs::governance::pallet_custom_origins;
pub use constants::{currency::*, time::*};
pub use sp_consensus_aura::sr25519::AuthorityId as AuraId;

/// A signature of a transaction (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// An account: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance, in plancks of DEAI (10^-12 DEAI).
pub type Balance = u128;
/// A transaction index of an account.
pub type Nonce = u32;
/// A hash.
pub type Hash = sp_core::H256;
/// A block number.
pub type BlockNumber = u32;
/// How transactions name accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// The block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// The block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// A block id.
pub type BlockId = generic::BlockId<Block>;

/// The checks and charges every signed transaction goes through. `StorageWeightReclaim` wraps
/// them to give back the proof-size weight a transaction did not use.
pub type TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::AuthorizeCall<Runtime>,
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	),
>;

/// An extrinsic as it arrives from outside.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// Storage migrations run at the next runtime upgrade, from the chain's previous release (the
/// runtime in `chain-specs/` at the commit named in `runtime/PREVIOUS_RELEASE`). Each runs only
/// from the storage version it migrates, so a migration stays listed until the release after
/// the one that ran it on every chain.
///
/// The registry's come first: the market's v2 asks the registry whether each open job's
/// requester is a party to its model and datasets, which reads the registry's records as its v2
/// leaves them.
pub type Migrations = (
	pallet_model_registry::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_model_registry::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_compute_market::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_compute_market::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_contributor_rewards::migrations::v1::MigrateV0ToV1<Runtime>,
);

/// Dispatches extrinsics to the pallets and runs their hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// The session keys of a collator: its Aura key.
	pub struct SessionKeys {
		/// The Aura block-authoring key.
		pub aura: Aura,
	}
}

/// The runtime's version. Bump `spec_version` with every runtime change that is deployed.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("deai-chain"),
	impl_name: Cow::Borrowed("deai-chain"),
	authoring_version: 1,
	spec_version: 14,
	impl_version: 0,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The para id DeAI Chain is registered under on its relay chain.
pub const PARACHAIN_ID: u32 = 2000;

#[frame_support::runtime]
mod runtime {
	/// The DeAI Chain runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// --- System support (0-9) ---------------------------------------------------------------
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = staging_parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;

	// --- Money (10-19) ----------------------------------------------------------------------
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;

	// --- Collators (20-29); this order matters: authorship notes the author before the
	// session changes, and the session rotates before Aura reads its authorities. ----------
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// --- XCM (30-39) ------------------------------------------------------------------------
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// --- Utilities (40-49) ------------------------------------------------------------------
	#[runtime::pallet_index(40)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(41)]
	pub type Multisig = pallet_multisig;
	#[runtime::pallet_index(42)]
	pub type Proxy = pallet_proxy;
	#[runtime::pallet_index(43)]
	pub type Preimage = pallet_preimage;
	#[runtime::pallet_index(44)]
	pub type Scheduler = pallet_scheduler;

	// --- Treasury and OpenGov (50-59) -------------------------------------------------------
	#[runtime::pallet_index(50)]
	pub type Treasury = pallet_treasury;
	#[runtime::pallet_index(51)]
	pub type ConvictionVoting = pallet_conviction_voting;
	#[runtime::pallet_index(52)]
	pub type Referenda = pallet_referenda;
	#[runtime::pallet_index(53)]
	pub type Origins = pallet_custom_origins;
	#[runtime::pallet_index(54)]
	pub type Whitelist = pallet_whitelist;
	#[runtime::pallet_index(55)]
	pub type Parameters = pallet_parameters;

	// --- DeAI (60-69) ------------------------------------------------------------------------
	#[runtime::pallet_index(60)]
	pub type ModelRegistry = pallet_model_registry;
	#[runtime::pallet_index(61)]
	pub type ComputeMarket = pallet_compute_market;
	#[runtime::pallet_index(62)]
	pub type ContributorRewards = pallet_contributor_rewards;
	#[runtime::pallet_index(63)]
	pub type ZkVerifier = pallet_zk_verifier;
	#[runtime::pallet_index(64)]
	pub type AiOracle = pallet_ai_oracle;
	#[runtime::pallet_index(65)]
	pub type Federated = pallet_federated;
	#[runtime::pallet_index(66)]
	pub type RelayRandomness = pallet_relay_randomness;

	// --- Smart contracts (70-79) ------------------------------------------------------------
	#[runtime::pallet_index(70)]
	pub type Contracts = pallet_contracts;
	/// The last 81 block hashes: pallet-contracts' deprecated `seal_random`, and the fallback
	/// of `RelayRandomness` on a dev chain (a collator can bias it).
	#[runtime::pallet_index(71)]
	pub type RandomnessCollectiveFlip = pallet_insecure_randomness_collective_flip;

	// --- Dev and local networks only --------------------------------------------------------
	#[runtime::pallet_index(255)]
	pub type Sudo = pallet_sudo;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
