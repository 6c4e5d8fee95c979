//! Genesis presets: `development` (the `--dev` chain) and `local_testnet` (a relay-chain
//! testnet). Both are typed `RuntimeGenesisConfig`s: a field the runtime lacks does not compile.

use crate::{
	AccountId, AuraId, Balance, BalancesConfig, CollatorSelectionConfig, ContributorRewards,
	ModelRegistry, ParachainInfoConfig, PolkadotXcmConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, SudoConfig, Treasury, EXISTENTIAL_DEPOSIT, PARACHAIN_ID, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;

/// What each endowed development account starts with.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// What the treasury starts with on development and local networks.
pub const TREASURY_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// What the contributor-rewards pot starts with on development and local networks.
pub const REWARDS_POT_ENDOWMENT: Balance = 1_000_000 * UNIT;
/// What the account of the registry's royalty pots starts with: the existential deposit it
/// always keeps (see `pallet_model_registry::Pallet::royalty_account`).
pub const ROYALTY_ACCOUNT_ENDOWMENT: Balance = EXISTENTIAL_DEPOSIT;
/// The bond a collator candidate (beyond the invulnerables) must lock.
pub const CANDIDACY_BOND: Balance = 16 * UNIT;

/// The accounts endowed on development and local networks: Alice to Ferdie.
pub fn endowed_accounts() -> Vec<AccountId> {
	use Sr25519Keyring::*;
	[Alice, Bob, Charlie, Dave, Eve, Ferdie]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// The invulnerable collators of development and local networks, with their Aura keys.
pub fn invulnerables() -> Vec<(AccountId, AuraId)> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob]
		.into_iter()
		.map(|k| (k.to_account_id(), k.public().into()))
		.collect()
}

/// A network's genesis configuration.
fn testnet_genesis(
	invulnerables: Vec<(AccountId, AuraId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	para_id: u32,
) -> serde_json::Value {
	let mut balances: Vec<(AccountId, Balance)> =
		endowed_accounts.into_iter().map(|a| (a, DEV_ENDOWMENT)).collect();
	balances.push((Treasury::account_id(), TREASURY_ENDOWMENT));
	balances.push((ContributorRewards::pot_account(), REWARDS_POT_ENDOWMENT));
	balances.push((ModelRegistry::royalty_account(), ROYALTY_ACCOUNT_ENDOWMENT));

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		parachain_info: ParachainInfoConfig { parachain_id: para_id.into() },
		collator_selection: CollatorSelectionConfig {
			invulnerables: invulnerables.iter().map(|(acc, _)| acc.clone()).collect(),
			candidacy_bond: CANDIDACY_BOND,
			desired_candidates: 0,
		},
		session: SessionConfig {
			keys: invulnerables
				.into_iter()
				.map(|(acc, aura)| (acc.clone(), acc, SessionKeys { aura }))
				.collect(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		sudo: SudoConfig { key: Some(root) },
	})
}

fn development_genesis() -> serde_json::Value {
	testnet_genesis(
		invulnerables(),
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID,
	)
}

fn local_testnet_genesis() -> serde_json::Value {
	testnet_genesis(
		invulnerables(),
		endowed_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		PARACHAIN_ID,
	)
}

/// The JSON of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}

// The treasury endowment must keep the pot account alive.
const _: () = assert!(TREASURY_ENDOWMENT > EXISTENTIAL_DEPOSIT);
