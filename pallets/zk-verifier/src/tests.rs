//! Every call's success (events, exact deposits) and error paths, and the verifier against the
//! committed blobs-classifier proof.

use crate::{mock::*, pallet::*, types::*};
use codec::{Encode, MaxEncodedLen};
use deai_primitives::{ModelVersionRef, ProofContext, ResultVerifier};
use deai_zk::{fixture, synthetic, values_hash, Curve, ProvenResult};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

const MODEL: ModelVersionRef = ModelVersionRef { model: 7, version: 0 };
const OTHER_MODEL: ModelVersionRef = ModelVersionRef { model: 8, version: 2 };

fn compressed(bytes: Vec<u8>) -> CompressedKey {
	bytes.try_into().unwrap()
}

fn held(reason: HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn last_event() -> Event<Test> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Zk(e) = r.event { Some(e) } else { None })
		.next_back()
		.unwrap()
}

/// Registers the fixture's key as ALICE and returns its id.
fn register_fixture_key() -> KeyId {
	let key = fixture::key();
	assert_ok!(Zk::register_key(RuntimeOrigin::signed(ALICE), compressed(key.clone())));
	deai_zk::key_id(&key)
}

/// The fixture's key bound to MODEL (owned by BOB) by BOB.
fn bound_profile() -> KeyId {
	publish(MODEL, BOB);
	let key = register_fixture_key();
	assert_ok!(Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, key, fixture::layout()));
	key
}

fn context<'a>(
	model: &'a ModelVersionRef,
	input: &'a [u8; 32],
	result: &'a [u8; 32],
) -> ProofContext<'a, AccountId> {
	ProofContext {
		job: 3,
		provider: &CHARLIE,
		model: Some(model),
		input_hash: input,
		result_hash: result,
	}
}

fn check(
	result: &ProvenResult,
) -> Result<frame_support::weights::Weight, sp_runtime::DispatchError> {
	let input = values_hash(&result.inputs);
	let output = values_hash(&result.outputs);
	Zk::verify(&context(&MODEL, &input, &output), &result.encode())
}

mod register_key {
	use super::*;

	#[test]
	fn holds_a_deposit_for_the_record_and_its_points() {
		new_test_ext().execute_with(|| {
			let key = register_fixture_key();
			let stored = KeyPoints::<Test>::get(key).unwrap();
			assert_eq!(stored.len() as u32, deai_zk::uncompressed_key_len(5));
			let deposit = 100 + (KeyInfo::<Test>::max_encoded_len() + stored.len()) as Balance;
			assert_eq!(held(HoldReason::KeyDeposit, ALICE), deposit);
			assert_eq!(Balances::free_balance(ALICE), FUNDS - deposit);
			assert_eq!(
				last_event(),
				Event::KeyRegistered { key, owner: ALICE, public_values: 5, deposit }
			);
			assert_eq!(
				Keys::<Test>::get(key).unwrap(),
				KeyInfo { owner: ALICE, deposit, public_values: 5, profiles: 0 }
			);
		});
	}

	#[test]
	fn refuses_a_duplicate_and_a_malformed_key() {
		new_test_ext().execute_with(|| {
			register_fixture_key();
			assert_noop!(
				Zk::register_key(RuntimeOrigin::signed(BOB), compressed(fixture::key())),
				Error::<Test>::KeyAlreadyRegistered
			);
			let mut broken = fixture::key();
			broken[60] ^= 1;
			assert_noop!(
				Zk::register_key(RuntimeOrigin::signed(BOB), compressed(broken)),
				Error::<Test>::MalformedKey
			);
			let mut truncated = fixture::key();
			truncated.pop();
			assert_noop!(
				Zk::register_key(RuntimeOrigin::signed(BOB), compressed(truncated)),
				Error::<Test>::MalformedKey
			);
		});
	}

	#[test]
	fn charges_by_the_key_length() {
		assert_eq!(public_values_of_len(deai_zk::compressed_key_len(5) as usize), 5);
		assert_eq!(public_values_of_len(deai_zk::compressed_key_len(0) as usize), 0);
		assert_eq!(public_values_of_len(deai_zk::compressed_key_len(32) as usize), 32);
		assert_eq!(public_values_of_len(3), deai_zk::MAX_PUBLIC_VALUES);
		assert_eq!(public_values_of_len(deai_zk::compressed_key_len(5) as usize + 1), 32);
	}

	#[test]
	fn a_poor_account_cannot_register() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Zk::register_key(RuntimeOrigin::signed(42), compressed(fixture::key())),
				sp_runtime::TokenError::FundsUnavailable
			);
		});
	}
}

mod remove_key {
	use super::*;

	#[test]
	fn releases_the_deposit() {
		new_test_ext().execute_with(|| {
			let key = register_fixture_key();
			assert_ok!(Zk::remove_key(RuntimeOrigin::signed(ALICE), key));
			assert_eq!(held(HoldReason::KeyDeposit, ALICE), 0);
			assert_eq!(Balances::free_balance(ALICE), FUNDS);
			assert_eq!(last_event(), Event::KeyRemoved { key, owner: ALICE });
			assert!(!KeyPoints::<Test>::contains_key(key));
		});
	}

	#[test]
	fn only_the_owner_removes_an_unused_key() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				Zk::remove_key(RuntimeOrigin::signed(ALICE), [9; 32]),
				Error::<Test>::KeyNotFound
			);
			let key = bound_profile();
			assert_noop!(
				Zk::remove_key(RuntimeOrigin::signed(BOB), key),
				Error::<Test>::NotKeyOwner
			);
			assert_noop!(
				Zk::remove_key(RuntimeOrigin::signed(ALICE), key),
				Error::<Test>::KeyInUse
			);
			assert_ok!(Zk::unbind_profile(RuntimeOrigin::signed(BOB), MODEL));
			assert_ok!(Zk::remove_key(RuntimeOrigin::signed(ALICE), key));
		});
	}
}

mod bind_profile {
	use super::*;

	#[test]
	fn binds_a_key_to_a_version_with_a_deposit() {
		new_test_ext().execute_with(|| {
			let key = bound_profile();
			let deposit = 100 + ZkProfile::<Test>::max_encoded_len() as Balance;
			assert_eq!(held(HoldReason::ProfileDeposit, BOB), deposit);
			assert_eq!(
				last_event(),
				Event::ProfileBound {
					version: MODEL,
					key,
					layout: fixture::layout(),
					owner: BOB,
					deposit
				}
			);
			assert_eq!(Keys::<Test>::get(key).unwrap().profiles, 1);
		});
	}

	#[test]
	fn refuses_strangers_unknown_versions_and_keys_and_bad_layouts() {
		new_test_ext().execute_with(|| {
			let key = register_fixture_key();
			let layout = fixture::layout();
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, key, layout),
				Error::<Test>::VersionNotFound
			);
			publish(MODEL, BOB);
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(CHARLIE), MODEL, key, layout),
				Error::<Test>::NotModelOwner
			);
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, [9; 32], layout),
				Error::<Test>::KeyNotFound
			);
			let no_outputs = ValueLayout { inputs: 5, outputs: 0, scale_bits: 16 };
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, key, no_outputs),
				Error::<Test>::InvalidLayout
			);
			let wider = ValueLayout { inputs: 5, outputs: 1, scale_bits: 16 };
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, key, wider),
				Error::<Test>::KeyLayoutMismatch
			);
		});
	}

	#[test]
	fn replaces_a_profile_no_job_relied_on() {
		new_test_ext().execute_with(|| {
			let first = bound_profile();
			let other = synthetic::key::<Curve>(5);
			assert_ok!(Zk::register_key(RuntimeOrigin::signed(CHARLIE), compressed(other.clone())));
			let second = deai_zk::key_id(&other);
			assert_ok!(Zk::bind_profile(
				RuntimeOrigin::signed(BOB),
				MODEL,
				second,
				fixture::layout()
			));
			assert_eq!(Keys::<Test>::get(first).unwrap().profiles, 0);
			assert_eq!(Keys::<Test>::get(second).unwrap().profiles, 1);
			let deposit = 100 + ZkProfile::<Test>::max_encoded_len() as Balance;
			assert_eq!(held(HoldReason::ProfileDeposit, BOB), deposit);
			// Rebinding the same key keeps one use.
			assert_ok!(Zk::bind_profile(
				RuntimeOrigin::signed(BOB),
				MODEL,
				second,
				fixture::layout()
			));
			assert_eq!(Keys::<Test>::get(second).unwrap().profiles, 1);
		});
	}

	/// The attack: a model owner who is also a requester posts a `Proof` job, waits for a
	/// provider to start proving, then swaps the key so the honest proof fails and the provider
	/// misses its deadline. While a job is open on the version, its profile cannot change.
	#[test]
	fn a_profile_cannot_be_swapped_or_unbound_while_a_job_uses_the_version() {
		new_test_ext().execute_with(|| {
			let key = bound_profile();
			assert_ok!(<Zk as ResultVerifier<AccountId>>::ensure_verifiable(Some(&MODEL)));
			open_job(MODEL);
			let other = synthetic::key::<Curve>(5);
			assert_ok!(Zk::register_key(RuntimeOrigin::signed(BOB), compressed(other.clone())));
			let other = deai_zk::key_id(&other);
			assert_noop!(
				Zk::bind_profile(RuntimeOrigin::signed(BOB), MODEL, other, fixture::layout()),
				Error::<Test>::ProfileInUse
			);
			assert_noop!(
				Zk::unbind_profile(RuntimeOrigin::signed(BOB), MODEL),
				Error::<Test>::ProfileInUse
			);
			// Once the job ended, the owner may change it.
			end_job(MODEL);
			assert_ok!(Zk::bind_profile(
				RuntimeOrigin::signed(BOB),
				MODEL,
				other,
				fixture::layout()
			));
			assert_eq!(Keys::<Test>::get(key).unwrap().profiles, 0);
		});
	}
}

mod unbind_profile {
	use super::*;

	#[test]
	fn the_model_owner_unbinds_and_the_binder_gets_the_deposit() {
		new_test_ext().execute_with(|| {
			bound_profile();
			// The model changed hands: the new owner may unbind, the deposit goes back to BOB.
			publish(MODEL, CHARLIE);
			assert_noop!(
				Zk::unbind_profile(RuntimeOrigin::signed(ALICE), MODEL),
				Error::<Test>::NotProfileOwner
			);
			assert_ok!(Zk::unbind_profile(RuntimeOrigin::signed(CHARLIE), MODEL));
			assert_eq!(held(HoldReason::ProfileDeposit, BOB), 0);
			assert_eq!(Balances::free_balance(BOB), FUNDS);
			assert_eq!(last_event(), Event::ProfileUnbound { version: MODEL, owner: BOB });
			assert_noop!(
				Zk::unbind_profile(RuntimeOrigin::signed(BOB), MODEL),
				Error::<Test>::NoProfile
			);
		});
	}

	#[test]
	fn anyone_clears_the_profile_of_a_version_that_is_gone() {
		new_test_ext().execute_with(|| {
			let key = bound_profile();
			unpublish(MODEL);
			assert_ok!(Zk::unbind_profile(RuntimeOrigin::signed(CHARLIE), MODEL));
			assert_eq!(last_event(), Event::ProfileUnbound { version: MODEL, owner: BOB });
			assert_ok!(Zk::remove_key(RuntimeOrigin::signed(ALICE), key));
			assert_eq!(Balances::free_balance(ALICE), FUNDS);
			assert_eq!(Balances::free_balance(BOB), FUNDS);
		});
	}
}

mod verifier {
	use super::*;

	#[test]
	fn the_committed_proof_verifies_and_is_charged_its_values() {
		new_test_ext().execute_with(|| {
			bound_profile();
			assert_eq!(check(&fixture::result()), Ok(<() as crate::WeightInfo>::verify_proof(5)));
			assert!(<Zk as ResultVerifier<AccountId>>::max_verify_weight()
				.all_gte(<() as crate::WeightInfo>::verify_proof(5)));
		});
	}

	#[test]
	fn a_job_without_a_profile_cannot_be_proven() {
		new_test_ext().execute_with(|| {
			assert_noop!(
				<Zk as ResultVerifier<AccountId>>::ensure_verifiable(None),
				Error::<Test>::NoProfile
			);
			assert_noop!(
				<Zk as ResultVerifier<AccountId>>::ensure_verifiable(Some(&MODEL)),
				Error::<Test>::NoProfile
			);
			assert_eq!(check(&fixture::result()), Err(Error::<Test>::NoProfile.into()));
		});
	}

	#[test]
	fn values_must_be_the_jobs_and_the_results() {
		new_test_ext().execute_with(|| {
			bound_profile();
			let result = fixture::result();
			let input = values_hash(&result.inputs);
			let output = values_hash(&result.outputs);
			let proof = result.encode();
			assert_eq!(
				Zk::verify(&context(&MODEL, &[0; 32], &output), &proof),
				Err(Error::<Test>::InputMismatch.into())
			);
			assert_eq!(
				Zk::verify(&context(&MODEL, &input, &[0; 32]), &proof),
				Err(Error::<Test>::ResultMismatch.into())
			);
			assert_eq!(
				Zk::verify(&context(&MODEL, &input, &output), b"garbage"),
				Err(Error::<Test>::MalformedProof.into())
			);
			let mut trailing = proof.clone();
			trailing.push(0);
			assert_eq!(
				Zk::verify(&context(&MODEL, &input, &output), &trailing),
				Err(Error::<Test>::MalformedProof.into())
			);
			let mut fewer = result.clone();
			fewer.inputs.pop();
			assert_eq!(check(&fewer), Err(Error::<Test>::WrongNumberOfValues.into()));
		});
	}

	#[test]
	fn a_false_label_or_a_broken_proof_is_rejected() {
		new_test_ext().execute_with(|| {
			bound_profile();
			// Another label, its hash recomputed: the statement is false.
			let mut lie = fixture::result();
			lie.outputs[0] = (lie.outputs[0] + 1) % 3;
			assert_eq!(check(&lie), Err(Error::<Test>::ProofRejected.into()));
			// Another input row with the same label.
			let mut other_input = fixture::result();
			other_input.inputs[0] += 1;
			assert_eq!(check(&other_input), Err(Error::<Test>::ProofRejected.into()));
			let mut broken = fixture::result();
			broken.proof[10] ^= 0x40;
			assert!(matches!(
				check(&broken),
				Err(e) if e == Error::<Test>::ProofRejected.into() || e == Error::<Test>::MalformedProof.into()
			));
		});
	}

	#[test]
	fn a_proof_checked_against_another_models_key_is_rejected() {
		new_test_ext().execute_with(|| {
			bound_profile();
			// OTHER_MODEL's profile has a key of the same shape that is not the blobs circuit's.
			publish(OTHER_MODEL, CHARLIE);
			let other = synthetic::key::<Curve>(5);
			assert_ok!(Zk::register_key(RuntimeOrigin::signed(CHARLIE), compressed(other.clone())));
			assert_ok!(Zk::bind_profile(
				RuntimeOrigin::signed(CHARLIE),
				OTHER_MODEL,
				deai_zk::key_id(&other),
				fixture::layout()
			));
			let result = fixture::result();
			let input = values_hash(&result.inputs);
			let output = values_hash(&result.outputs);
			assert_eq!(
				Zk::verify(&context(&OTHER_MODEL, &input, &output), &result.encode()),
				Err(Error::<Test>::ProofRejected.into())
			);
		});
	}
}
