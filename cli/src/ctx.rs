//! What every command runs with: the global flags, resolved once (node, signer, content store,
//! output, how long to wait for a transaction).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::anyhow;
use deai_client::chain::{Chain, Sender, Wait};
use deai_client::content;
use deai_client::keys::{self, KeySource};
use deai_client::store;
use deai_client::subxt::utils::AccountId32;

use crate::output::Out;

/// The global flags, resolved.
pub struct Ctx {
	/// How to print.
	pub out: Out,
	/// The node's RPC URL.
	pub url: String,
	/// The signer's key, when given.
	pub key: Option<KeySource>,
	/// The content store's URL.
	pub store: String,
	/// The file of the upload token, when the store needs one.
	pub store_token_file: Option<PathBuf>,
	/// Inclusion or finality.
	pub wait: Wait,
}

impl Ctx {
	/// Connects to the node (a few attempts).
	pub async fn chain(&self) -> anyhow::Result<Chain> {
		Chain::connect_with_backoff(&self.url, Duration::from_secs(4), Some(3)).await
	}

	/// The signer (an error when the command signs and no key was given).
	pub fn sender(&self) -> anyhow::Result<Sender> {
		let source = self
			.key
			.as_ref()
			.ok_or_else(|| anyhow!("this command signs: give --key or --key-file"))?;
		Ok(Sender::new(keys::load(source)?))
	}

	/// `who`, or the signer's account.
	pub fn account(&self, who: Option<AccountId32>) -> anyhow::Result<AccountId32> {
		match who {
			Some(account) => Ok(account),
			None => Ok(self.sender()?.account),
		}
	}

	/// Hashes and uploads a file (or only hashes it when `uri` is given); returns hash, size, URI.
	pub async fn put(
		&self,
		file: &Path,
		uri: Option<String>,
	) -> anyhow::Result<(content::ContentHash, u64, String)> {
		let (hash, size) = content::hash_file(file, &self.out.bytes_bar("hashing")).await?;
		let uri = match uri {
			Some(uri) => uri,
			None => {
				let token = self.store_token_file.as_deref().map(store::read_token).transpose()?;
				store::upload(
					&self.store,
					token.as_deref(),
					file,
					&hash,
					&self.out.bytes_bar("uploading"),
				)
				.await?
				.uri
			},
		};
		Ok((hash, size, uri))
	}

	/// The content store's URL of `hash`.
	pub fn store_uri(&self, hash: &content::ContentHash) -> String {
		format!("{}/content/{}", self.store.trim_end_matches('/'), content::hex_hash(hash))
	}
}
