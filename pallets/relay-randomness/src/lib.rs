//! # Relay randomness
//!
//! Randomness for DeAI Chain's draws (the market's redundant sets, federated training's
//! participants, evaluators and evaluation rows) from the relay chain: the BABE VRF output of
//! each parachain block's relay parent (`CURRENT_BLOCK_RANDOMNESS`, which collators put in the
//! relay state proof of every block), noted by the runtime when parachain-system has verified
//! the proof (`OnSystemEvent::on_relay_state_proof`), through [`Pallet::note`].
//!
//! ## Why not the collators' randomness
//! `pallet-insecure-randomness-collective-flip` mixes the last 81 block hashes: a collator picks
//! the extrinsics of its block, so it can try orderings until a draw suits it. The relay
//! parent's VRF output is fixed by a relay-chain validator's key before the parachain block is
//! built; a collator can only choose among the few relay parents it may build on.
//!
//! ## Without a relay chain
//! A dev chain (`deai-node --dev`) builds blocks on a mocked relay chain whose proof carries no
//! block randomness: until a value is noted, [`Pallet`]'s `Randomness` is `T::Fallback`'s (the
//! collective flip in the runtime, which a collator can bias). A relay block without a VRF
//! output (a secondary plain slot) leaves the last noted value in place, never a zero seed.
//!
//! ## How much of it is known in advance
//! A value noted in block `n` is on chain from block `n` on, and on the relay chain while block
//! `n - 1` was built: `Randomness::random` returns `n - 1` as the block from which it was public
//! (blocks on the same relay parent keep the first noting block). A draw in block `n + 1`'s
//! `on_initialize` uses it, so whoever acts in block `n - 1` or later may know that draw.
//! Pallets whose draws matter count only what was decided before that block (federated
//! training's members must have joined earlier).

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::traits::Randomness;
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_runtime::traits::{Hash, One, Saturating};

/// A relay chain's randomness as noted on this chain.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct NotedRandomness<BlockNumber> {
	/// The relay parent's BABE randomness (VRF output).
	pub value: [u8; 32],
	/// The relay parent's block number.
	pub relay_block: u32,
	/// This chain's block that noted it (from which it was public).
	pub noted_at: BlockNumber,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Randomness used until a relay chain's is noted (chains without one).
		type Fallback: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// Weights of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// The last relay randomness noted: one per block on a relay chain, never on a dev chain.
	#[pallet::storage]
	pub type Latest<T: Config> = StorageValue<_, NotedRandomness<BlockNumberFor<T>>>;
}

impl<T: Config> Pallet<T> {
	/// Notes `value`, the randomness of relay block `relay_block` (the parent of this block),
	/// read from the verified relay state proof. Weighs [`WeightInfo::note`].
	pub fn note(value: [u8; 32], relay_block: u32) {
		Latest::<T>::mutate(|latest| match latest {
			// Blocks built on the same relay parent see the same value: it is public since the
			// first of them.
			Some(noted) if noted.value == value => {},
			_ => {
				let noted_at = frame_system::Pallet::<T>::block_number();
				*latest = Some(NotedRandomness { value, relay_block, noted_at });
			},
		});
	}
}

impl<T: Config> Randomness<T::Hash, BlockNumberFor<T>> for Pallet<T> {
	/// The relay randomness last noted, hashed with `subject` (each subject gets its own
	/// seed from one value), and the first block in which it was public (whoever acted in that
	/// block or later could know it): the block before the one that noted it, since the relay
	/// block was on the relay chain while that block was built.
	///
	/// Until a value is noted, `T::Fallback`'s seed, public from the parent block on: the
	/// collective flip mixes the parent's hash, which no extrinsic of the parent could know
	/// (its collator could). Its own answer (81 blocks back, the oldest block mixed in) says
	/// what influenced it, not when it was known.
	fn random(subject: &[u8]) -> (T::Hash, BlockNumberFor<T>) {
		match Latest::<T>::get() {
			Some(noted) => (
				T::Hashing::hash_of(&(b"deai/relay-randomness", subject, noted.value)),
				noted.noted_at.saturating_sub(One::one()),
			),
			None => (
				T::Fallback::random(subject).0,
				frame_system::Pallet::<T>::block_number().saturating_sub(One::one()),
			),
		}
	}
}
