use crate::{mock::*, Latest, NotedRandomness};
use frame_support::traits::Randomness;

#[test]
fn the_fallback_serves_until_a_relay_value_is_noted() {
	new_test_ext().execute_with(|| {
		System::set_block_number(10);
		let (seed, known_from) = RelayRandomness::random(b"subject");
		assert_eq!(seed, TestFallback::random(b"subject").0);
		// Public from the parent block on (not the fallback's own answer).
		assert_eq!(known_from, 9);
		assert_ne!(known_from, FALLBACK_BLOCK);
	});
}

#[test]
fn a_noted_value_gives_each_subject_its_own_seed_public_from_the_block_before_it_was_noted() {
	new_test_ext().execute_with(|| {
		System::set_block_number(5);
		RelayRandomness::note([7; 32], 1_000);
		assert_eq!(
			Latest::<Test>::get(),
			Some(NotedRandomness { value: [7; 32], relay_block: 1_000, noted_at: 5 })
		);
		let (a, known_from) = RelayRandomness::random(b"a");
		let (b, _) = RelayRandomness::random(b"b");
		// On the relay chain while block 4 was built.
		assert_eq!(known_from, 4);
		assert_ne!(a, b);
		assert_ne!(a, TestFallback::random(b"a").0);
		// The same subject and value: the same seed (every node agrees).
		assert_eq!(RelayRandomness::random(b"a").0, a);
		// Another block on the same relay parent: the same value, public since block 5.
		System::set_block_number(6);
		RelayRandomness::note([7; 32], 1_000);
		assert_eq!(RelayRandomness::random(b"a"), (a, 4));
		// A new relay parent: a new seed.
		RelayRandomness::note([8; 32], 1_001);
		assert_ne!(RelayRandomness::random(b"a").0, a);
		assert_eq!(RelayRandomness::random(b"a").1, 5);
	});
}
