//! Storage migrations, one module per storage version, each a [`VersionedMigration`] that runs
//! only from the version before it (so a runtime may keep it listed after it has run) and checks
//! itself under `try-runtime` (`pre_upgrade` records what `post_upgrade` then verifies).
//!
//! The runtime lists the migrations to run in its `Migrations`.
//!
//! [`VersionedMigration`]: frame_support::migrations::VersionedMigration

pub mod v1;
pub mod v2;
