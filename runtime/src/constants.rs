//! Units, time and consensus constants of the DeAI Chain runtime.

/// The token: DEAI, with 12 decimals.
pub mod currency {
	use crate::Balance;

	/// The token's symbol.
	pub const TOKEN_SYMBOL: &str = "DEAI";
	/// The token's decimals.
	pub const TOKEN_DECIMALS: u8 = 12;

	/// One DEAI.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A hundredth of a DEAI.
	pub const CENTS: Balance = UNIT / 100;
	/// A thousandth of a DEAI.
	pub const MILLIUNIT: Balance = UNIT / 1_000;
	/// A millionth of a DEAI.
	pub const MICROUNIT: Balance = UNIT / 1_000_000;

	/// The minimum balance an account must keep to exist.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLIUNIT;

	/// The deposit for `items` storage items taking `bytes` bytes: what everything a user stores
	/// on chain pays, and gets back when it is removed.
	pub const fn deposit(items: u32, bytes: u32) -> Balance {
		items as Balance * 20 * CENTS + (bytes as Balance) * 10 * MICROUNIT
	}
}

/// Block time and the periods derived from it.
pub mod time {
	use crate::BlockNumber;

	/// The target block time: one block every 6 seconds (async backing, one core).
	pub const MILLISECS_PER_BLOCK: u64 = 6000;
	/// Aura slot duration. It cannot change once the chain is running.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

	/// Blocks in a minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// Blocks in an hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks in a day.
	pub const DAYS: BlockNumber = HOURS * 24;

	frame_support::parameter_types! {
		/// Whether the chain runs the short periods of a test chain: governance, sessions,
		/// unbonding, reviews and disputes take a few blocks instead of hours or days, so that
		/// the end-to-end suite sees a referendum decided or a bond released within a minute.
		/// False (the default) on every real chain. It is a raw storage value (at
		/// `twox_128(":FastPeriods:")`) that only root can write, with `System::set_storage`:
		/// the e2e suite sets it on its `--dev` chain, with sudo, before anything else happens.
		/// One node build therefore serves production, zombienet and the e2e tests.
		///
		/// On a live chain, writing it is a root act like `set_code`, and as grave: every window
		/// shrinks at once (running referenda would time out or end, bonds unlock within
		/// blocks), so no referendum should ever do it. Root bypasses call filters, so no filter
		/// could stop it; what guards it is the root track's own thresholds.
		pub storage FastPeriods: bool = false;
	}

	/// Picks the production period, or the short one of a test chain ([`FastPeriods`]).
	pub fn prod_or_fast(prod: BlockNumber, fast: BlockNumber) -> BlockNumber {
		period(FastPeriods::get(), prod, fast)
	}

	/// The production period, or (`fast`) the test chain's; `const` for the referendum tracks,
	/// which are built at compile time in both versions.
	pub const fn period(fast: bool, prod: BlockNumber, test: BlockNumber) -> BlockNumber {
		if fast {
			test
		} else {
			prod
		}
	}
}

/// Parachain consensus (async backing) parameters.
pub mod consensus {
	/// How many parachain blocks may be built on top of one relay parent before one is included.
	pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 3;
	/// How many parachain blocks the relay chain processes per relay block.
	pub const BLOCK_PROCESSING_VELOCITY: u32 = 1;
	/// The relay chain's slot duration, in milliseconds.
	pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;
	/// How far behind the best relay block our relay parent is.
	pub const RELAY_PARENT_OFFSET: u32 = 0;
}
