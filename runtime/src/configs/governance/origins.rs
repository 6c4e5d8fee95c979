//! DeAI Chain's custom governance origins: each one is what a referendum on its track
//! dispatches with, and each is accepted only by the calls its role is meant for.

pub use pallet_custom_origins::*;

#[frame_support::pallet]
pub mod pallet_custom_origins {
	use crate::{Balance, UNIT};
	use frame_support::pallet_prelude::*;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins of the non-root governance tracks.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Dispatches a call that the whitelisting body approved, with root.
		WhitelistedCaller,
		/// Cancels an ongoing referendum (deposits are refunded).
		ReferendumCanceller,
		/// Kills an ongoing referendum (deposits are slashed).
		ReferendumKiller,
		/// Spends up to `TREASURER_SPEND_LIMIT` from the treasury and rejects proposals.
		Treasurer,
		/// Spends up to `SMALL_SPEND_LIMIT` from the treasury.
		SmallSpender,
		/// Changes DeAI protocol parameters (fees, bonds, reward pots, category weights) through
		/// pallet-parameters.
		DeaiParameters,
		/// Holds the DeAI arbitration roles: resolves compute-market disputes, judges challenged
		/// evaluations, takes down or restores registry content.
		MarketArbiter,
	}

	/// The most a `Treasurer` referendum may spend.
	pub const TREASURER_SPEND_LIMIT: Balance = 1_000_000 * UNIT;
	/// The most a `SmallSpender` referendum may spend.
	pub const SMALL_SPEND_LIMIT: Balance = 10_000 * UNIT;

	/// Implements `EnsureOrigin` for one unit variant of [`Origin`].
	macro_rules! ensure_origin {
		($( $(#[$attr:meta])* $name:ident ),* $(,)?) => { $(
			$(#[$attr])*
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					match o.caller().try_into() {
						Ok(Origin::$name) => return Ok(()),
						_ => (),
					}
					Err(o)
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		)* };
	}

	ensure_origin!(
		/// Ensures the `WhitelistedCaller` origin.
		WhitelistedCaller,
		/// Ensures the `ReferendumCanceller` origin.
		ReferendumCanceller,
		/// Ensures the `ReferendumKiller` origin.
		ReferendumKiller,
		/// Ensures the `DeaiParameters` origin.
		DeaiParameters,
		/// Ensures the `MarketArbiter` origin.
		MarketArbiter,
		/// Ensures the `Treasurer` origin (without a spend limit).
		Treasurer,
	);

	/// Ensures a treasury spender origin; succeeds with the most it may spend.
	pub struct Spender;
	impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for Spender
	where
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
	{
		type Success = Balance;
		fn try_origin(o: O) -> Result<Self::Success, O> {
			let limit = match o.caller().try_into() {
				Ok(Origin::Treasurer) => Some(TREASURER_SPEND_LIMIT),
				Ok(Origin::SmallSpender) => Some(SMALL_SPEND_LIMIT),
				_ => None,
			};
			limit.ok_or(o)
		}
		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::Treasurer))
		}
	}
}
