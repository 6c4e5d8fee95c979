//! Signing keys: a secret URI (`//Alice`, a BIP-39 phrase with optional `//hard/soft///password`
//! derivations) given directly or in a key file.

use std::path::Path;
use std::str::FromStr;

use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

/// Where a key comes from.
#[derive(Clone, Debug)]
pub enum KeySource {
	/// A secret URI or phrase.
	Uri(String),
	/// A file holding one.
	File(std::path::PathBuf),
}

/// Loads an sr25519 key pair.
pub fn load(source: &KeySource) -> anyhow::Result<Keypair> {
	let text = match source {
		KeySource::Uri(uri) => uri.clone(),
		KeySource::File(path) => read_key_file(path)?,
	};
	let uri =
		SecretUri::from_str(text.trim()).map_err(|e| anyhow::anyhow!("invalid secret URI: {e}"))?;
	Keypair::from_uri(&uri).map_err(|e| anyhow::anyhow!("invalid key: {e}"))
}

fn read_key_file(path: &Path) -> anyhow::Result<String> {
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		if let Ok(meta) = std::fs::metadata(path) {
			if meta.permissions().mode() & 0o077 != 0 {
				tracing::warn!(
					"key file {} is readable by other users (chmod 600 it)",
					path.display()
				);
			}
		}
	}
	std::fs::read_to_string(path)
		.map_err(|e| anyhow::anyhow!("reading key file {}: {e}", path.display()))
}

/// The SS58 address (generic prefix 42) of a key pair.
pub fn address(keypair: &Keypair) -> String {
	keypair.public_key().to_account_id().to_string()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_uri_gives_alice() {
		let alice = load(&KeySource::Uri("//Alice".into())).unwrap();
		assert_eq!(address(&alice), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
	}

	#[test]
	fn bad_uri_is_an_error() {
		assert!(load(&KeySource::Uri("not a phrase".into())).is_err());
	}
}
