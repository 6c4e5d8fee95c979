//! The runtime as a whole: pallet configuration, genesis presets, and a transfer executed
//! through `Executive` exactly as a block author would.

mod common;

use codec::Encode;
use common::preset_ext;
use deai_runtime::{
	configs::governance::tracks::TracksInfo, genesis_config_presets::*, AccountId, Balance,
	Balances, Executive, Header, ParachainInfo, Runtime, RuntimeCall, RuntimeEvent, Session,
	Signature, System, TxExtension, UncheckedExtrinsic, PARACHAIN_ID, UNIT,
};
use frame_support::traits::IntegrityTest;
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Era, SignedPayload},
	traits::Header as _,
	MultiAddress,
};

#[test]
fn every_pallet_passes_its_integrity_test() {
	preset_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		<deai_runtime::AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

#[test]
fn referendum_tracks_are_sorted_and_named() {
	use pallet_referenda::TracksInfo as _;
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
			DEV_ENDOWMENT * endowed.len() as Balance + TREASURY_ENDOWMENT + REWARDS_POT_ENDOWMENT
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

/// A signed extrinsic from `signer`, built as a wallet would build it.
fn signed_extrinsic(signer: Sr25519Keyring, nonce: u32, call: RuntimeCall) -> UncheckedExtrinsic {
	let tx_ext: TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim::new((
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
	));
	let payload = SignedPayload::new(call.clone(), tx_ext.clone()).expect("valid payload");
	let signature: Signature = payload.using_encoded(|bytes| signer.sign(bytes)).into();
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(signer.to_account_id()),
		signature,
		tx_ext,
	)
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
		let applied = Executive::apply_extrinsic(signed_extrinsic(Sr25519Keyring::Alice, 0, call))
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

		// A nonce from the future is not valid yet.
		let stale =
			Executive::apply_extrinsic(signed_extrinsic(Sr25519Keyring::Alice, 5, transfer(UNIT)));
		assert!(matches!(
			stale,
			Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
				sp_runtime::transaction_validity::InvalidTransaction::Future
			))
		));

		// More than Alice has: included (the fee is paid) but the transfer itself fails.
		let applied = Executive::apply_extrinsic(signed_extrinsic(
			Sr25519Keyring::Alice,
			0,
			transfer(DEV_ENDOWMENT * 2),
		))
		.expect("valid extrinsic");
		assert!(applied.is_err());
		assert_eq!(Balances::free_balance(&bob), DEV_ENDOWMENT);
	});
}
