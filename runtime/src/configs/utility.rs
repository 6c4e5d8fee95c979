//! Account utilities: batches, multisigs, proxies, preimages and the scheduler.

use crate::{
	configs::RuntimeBlockWeights, deposit, AccountId, Balance, Balances, OriginCaller, Preimage,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, System,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	parameter_types,
	traits::{
		fungible::HoldConsideration, ConstU32, EqualPrivilegeOnly, InstanceFilter,
		LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::EnsureRoot;
use scale_info::TypeInfo;
use sp_runtime::{traits::BlakeTwo256, Perbill};

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A multisig operation stores its call hash, the approvals and the deposit's owner.
	pub const MultisigDepositBase: Balance = deposit(1, 88);
	/// Each further signatory adds an account id.
	pub const MultisigDepositFactor: Balance = deposit(0, 32);
}

impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = MultisigDepositBase;
	type DepositFactor = MultisigDepositFactor;
	type MaxSignatories = ConstU32<100>;
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = System;
}

/// What a proxy may do on behalf of its delegator.
#[derive(
	Copy,
	Clone,
	Eq,
	PartialEq,
	Ord,
	PartialOrd,
	Encode,
	Decode,
	DecodeWithMemTracking,
	Debug,
	MaxEncodedLen,
	TypeInfo,
	Default,
)]
pub enum ProxyType {
	/// Anything.
	#[default]
	Any,
	/// Anything but moving funds: no transfers, no XCM, treasury, contracts or sudo calls, and of
	/// the DeAI pallets only the calls [`deai_call_moves_no_funds`] lists.
	NonTransfer,
	/// Governance: referenda, voting, the treasury.
	Governance,
	/// Only to reject announcements of other proxies.
	CancelProxy,
}

impl InstanceFilter<RuntimeCall> for ProxyType {
	fn filter(&self, call: &RuntimeCall) -> bool {
		match self {
			ProxyType::Any => true,
			ProxyType::NonTransfer => match call {
				RuntimeCall::ModelRegistry(..)
				| RuntimeCall::ComputeMarket(..)
				| RuntimeCall::ContributorRewards(..) => deai_call_moves_no_funds(call),
				// Sudo dispatches its call as root, past this filter.
				RuntimeCall::Balances(..)
				| RuntimeCall::PolkadotXcm(..)
				| RuntimeCall::Treasury(..)
				| RuntimeCall::Contracts(..)
				| RuntimeCall::Sudo(..) => false,
				_ => true,
			},
			ProxyType::Governance => matches!(
				call,
				RuntimeCall::Referenda(..)
					| RuntimeCall::ConvictionVoting(..)
					| RuntimeCall::Treasury(..)
					| RuntimeCall::Whitelist(..)
					| RuntimeCall::Utility(..)
			),
			ProxyType::CancelProxy => matches!(
				call,
				RuntimeCall::Proxy(pallet_proxy::Call::reject_announcement { .. })
					| RuntimeCall::Utility(..)
					| RuntimeCall::Multisig(..)
			),
		}
	}

	fn is_superset(&self, o: &Self) -> bool {
		match (self, o) {
			(x, y) if x == y => true,
			(ProxyType::Any, _) => true,
			(_, ProxyType::Any) => false,
			(ProxyType::NonTransfer, _) => true,
			_ => false,
		}
	}
}

/// The DeAI calls a `NonTransfer` proxy may make (review H-7): those that, whatever their
/// arguments, pay nothing from the proxied account, put none of its funds at stake (escrow, bonds),
/// change no one's share of what its models and datasets earn, and hand no other account lasting
/// rights over its items. Storage deposits are allowed: they stay held on the account and come
/// back when it removes the item. A positive list: every other call, including any these pallets
/// add later, is refused.
///
/// Refused, among others: `ModelRegistry::pay_usage` (pays a usage fee into the version's
/// royalty pot), every market call in a job's life (`post_job` escrows a budget that pays
/// providers; `place_bid`, `accept_job`, `claim_job` and the result calls put the provider's bond
/// at stake; `select_bids`, `accept_result`, `attest_result` and `report_failure` settle or refund;
/// `dispute_result` holds a bond the provider may win), `register_provider` and `top_up_bond` (a
/// slashable bond), `submit_evaluation` and `challenge_evaluation` (a bond the other side may
/// win), changes of contributors or a version's `upstream_share` (they fix who shares a new
/// version's royalty pot), and `set_maintainers`, `approve_provider`, `offer_ownership` and
/// `accept_ownership`.
pub fn deai_call_moves_no_funds(call: &RuntimeCall) -> bool {
	use pallet_compute_market::Call as Market;
	use pallet_contributor_rewards::Call as Rewards;
	use pallet_model_registry::Call as Registry;
	match call {
		RuntimeCall::ModelRegistry(call) => match call {
			// The storage deposits stay held on the proxied account until it removes the item.
			Registry::register_model { .. }
			| Registry::register_dataset { .. }
			| Registry::publish_dataset_version { .. }
			| Registry::register_benchmark { .. } => true,
			// Descriptions, tags, licences, fees and access, but not the contributors.
			Registry::update_model { contributors: None, .. }
			| Registry::update_dataset { contributors: None, .. } => true,
			Registry::publish_model_version { upstream_share, .. } => upstream_share.is_zero(),
			// Statuses and removals: deposits go back to whoever holds them.
			Registry::set_model_version_status { .. }
			| Registry::remove_model_version { .. }
			| Registry::remove_model { .. }
			| Registry::set_dataset_version_status { .. }
			| Registry::remove_dataset_version { .. }
			| Registry::remove_dataset { .. }
			| Registry::revoke_provider { .. }
			| Registry::remove_benchmark { .. }
			| Registry::finalize_evaluation { .. }
			| Registry::remove_evaluation { .. } => true,
			// Anyone may trigger a royalty claim: the royalty account pays the payee named.
			Registry::claim_royalties { .. } => true,
			_ => false,
		},
		// A provider's record, its pause and its leaving (the bond comes back to it); cancelling an
		// open job and removing a receipt (budget and deposits come back to the requester).
		RuntimeCall::ComputeMarket(call) => matches!(
			call,
			Market::update_provider { .. }
				| Market::submit_attestation { .. }
				| Market::set_paused { .. }
				| Market::start_unbonding { .. }
				| Market::withdraw_bond { .. }
				| Market::cancel_job { .. }
				| Market::remove_receipt { .. }
		),
		// Anyone may trigger a claim: the pot pays the contributor named.
		RuntimeCall::ContributorRewards(call) => matches!(call, Rewards::claim { .. }),
		_ => false,
	}
}

parameter_types! {
	/// A proxy list: its owner and deposit.
	pub const ProxyDepositBase: Balance = deposit(1, 40);
	/// Each proxy: account id, type and delay.
	pub const ProxyDepositFactor: Balance = deposit(0, 33);
	/// An announcement list.
	pub const AnnouncementDepositBase: Balance = deposit(1, 48);
	/// Each announcement: the proxy, the call hash and the block.
	pub const AnnouncementDepositFactor: Balance = deposit(0, 68);
}

impl pallet_proxy::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type ProxyType = ProxyType;
	type ProxyDepositBase = ProxyDepositBase;
	type ProxyDepositFactor = ProxyDepositFactor;
	type MaxProxies = ConstU32<32>;
	type WeightInfo = pallet_proxy::weights::SubstrateWeight<Runtime>;
	type MaxPending = ConstU32<32>;
	type CallHasher = BlakeTwo256;
	type AnnouncementDepositBase = AnnouncementDepositBase;
	type AnnouncementDepositFactor = AnnouncementDepositFactor;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const PreimageBaseDeposit: Balance = deposit(2, 64);
	pub const PreimageByteDeposit: Balance = deposit(0, 1);
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls may use up to 80% of a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Referenda schedule their enactment themselves; anything else needs root.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}
