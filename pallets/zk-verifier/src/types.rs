//! The records: registered keys and ZK profiles.

use crate::{BalanceOf, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deai_zk::{compressed_key_len, uncompressed_key_len, MAX_PUBLIC_VALUES};
use frame_support::{
	traits::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

pub use deai_zk::ValueLayout;

/// A verifying key's id: the blake2-256 hash of its compressed bytes.
pub type KeyId = [u8; 32];

/// The longest compressed key (`MAX_PUBLIC_VALUES` public values): 1,928 bytes.
pub type MaxCompressedKeyLen = ConstU32<{ compressed_key_len(MAX_PUBLIC_VALUES) }>;

/// The longest uncompressed key: 3,848 bytes.
pub type MaxStoredKeyLen = ConstU32<{ uncompressed_key_len(MAX_PUBLIC_VALUES) }>;

/// A key as `register_key` takes it.
pub type CompressedKey = BoundedVec<u8, MaxCompressedKeyLen>;

/// A key as the pallet stores it (validated, uncompressed).
pub type StoredKey = BoundedVec<u8, MaxStoredKeyLen>;

/// The number of public values a compressed key of `len` bytes has (what its registration is
/// charged for; a length that is no key's is charged as the longest).
pub fn public_values_of_len(len: usize) -> u32 {
	let fixed = compressed_key_len(0) as usize - 48;
	match len.checked_sub(fixed) {
		Some(bases) if bases % 48 == 0 && bases >= 48 => {
			((bases / 48 - 1) as u32).min(MAX_PUBLIC_VALUES)
		},
		_ => MAX_PUBLIC_VALUES,
	}
}

/// A registered key.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct KeyInfo<T: Config> {
	/// Who registered it and holds its deposit.
	pub owner: T::AccountId,
	/// The deposit held.
	pub deposit: BalanceOf<T>,
	/// How many public values its proofs state.
	pub public_values: u32,
	/// How many profiles use it (it cannot be removed while any does).
	pub profiles: u32,
}

/// A model version's ZK profile.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ZkProfile<T: Config> {
	/// The verifying key.
	pub key: KeyId,
	/// How the statement's values are read.
	pub layout: ValueLayout,
	/// Who bound it and holds its deposit.
	pub owner: T::AccountId,
	/// The deposit held.
	pub deposit: BalanceOf<T>,
}
