//! The command line's values, parsed where they enter: amounts, percentages, accounts,
//! `ID:VERSION` references, contributors, matching modes and model formats. Each parser is a clap
//! value parser whose error names the text it could not read (clap adds the flag and the usage),
//! so the commands only ever see the chain's types.

use std::str::FromStr;

use clap::{Args, ValueEnum};
use deai_client::chain::{api, bounded, parse_balance};
use deai_client::keys::{self, KeySource};
use deai_client::subxt::utils::AccountId32;

use api::runtime_types::deai_primitives::royalties::RoyaltyPayee;
use api::runtime_types::deai_primitives::{DatasetVersionRef, ModelVersionRef, VersionRef};
use api::runtime_types::pallet_compute_market::types as market;
use api::runtime_types::pallet_model_registry::types as registry;
use api::runtime_types::sp_arithmetic::per_things::Perbill;

/// An account: an SS58 address, or a dev key's URI such as `//Alice`.
pub fn account(text: &str) -> Result<AccountId32, String> {
	if let Some(name) = text.strip_prefix("//") {
		return keys::load(&KeySource::Uri(format!("//{name}")))
			.map(|pair| pair.public_key().to_account_id())
			.map_err(|e| format!("`{text}`: {e:#}"));
	}
	text.parse().map_err(|_| format!("`{text}` is not an SS58 address"))
}

/// An amount of DEAI: `12`, `12.5`, or `12500000000000p` in planck.
pub fn amount(text: &str) -> Result<u128, String> {
	parse_balance(text)
		.ok_or_else(|| format!("`{text}` is not an amount (e.g. 12.5, or 1000p for planck)"))
}

/// A whole percentage, 0 to 100.
pub fn percent(text: &str) -> Result<Perbill, String> {
	let p: u32 = text.parse().map_err(|_| format!("`{text}` is not a whole percentage"))?;
	if p > 100 {
		return Err(format!("{p}% is more than 100%"));
	}
	Ok(Perbill(p * 10_000_000))
}

/// `ID:VERSION`.
fn id_and_version(text: &str) -> Result<(u64, u32), String> {
	let (id, version) =
		text.split_once(':').ok_or_else(|| format!("`{text}`: expected ID:VERSION"))?;
	let id = id.parse().map_err(|_| format!("`{text}`: `{id}` is not an id"))?;
	let version = version.parse().map_err(|_| format!("`{text}`: `{version}` is not a version"))?;
	Ok((id, version))
}

/// A model version, `MODEL:VERSION`.
pub fn model_version(text: &str) -> Result<ModelVersionRef, String> {
	id_and_version(text).map(|(model, version)| ModelVersionRef { model, version })
}

/// A dataset version, `DATASET:VERSION`.
pub fn dataset_version(text: &str) -> Result<DatasetVersionRef, String> {
	id_and_version(text).map(|(dataset, version)| DatasetVersionRef { dataset, version })
}

/// A model or dataset version: `MODEL:VERSION`, or `dataset:DATASET:VERSION`.
pub fn any_version(text: &str) -> Result<VersionRef, String> {
	match text.strip_prefix("dataset:") {
		Some(rest) => dataset_version(rest).map(VersionRef::Dataset),
		None => model_version(text.strip_prefix("model:").unwrap_or(text)).map(VersionRef::Model),
	}
}

/// A payee of a version's royalty pot: `owner`, `parent:MODEL:VERSION`, or an account.
pub fn royalty_payee(text: &str) -> Result<RoyaltyPayee<AccountId32>, String> {
	if text == "owner" {
		return Ok(RoyaltyPayee::Owner);
	}
	if let Some(parent) = text.strip_prefix("parent:") {
		return model_version(parent).map(RoyaltyPayee::Parent);
	}
	account(text).map(RoyaltyPayee::Account)
}

/// A contributor and its share, `ADDRESS=PERCENT`.
pub fn contributor(text: &str) -> Result<(AccountId32, Perbill), String> {
	let (who, share) = text
		.split_once('=')
		.ok_or_else(|| format!("`{text}`: expected ADDRESS=PERCENT"))?;
	Ok((account(who)?, percent(share)?))
}

/// How a job's providers are matched (`--matching`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matching {
	/// `fixed`: the first claimers at the job's price.
	Fixed,
	/// `auction`: the lowest bids.
	Auction,
	/// `direct:ADDRESS`: one named provider.
	Direct(AccountId32),
}

impl FromStr for Matching {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, String> {
		match text {
			"fixed" => Ok(Matching::Fixed),
			"auction" => Ok(Matching::Auction),
			other => match other.strip_prefix("direct:") {
				Some(who) => Ok(Matching::Direct(account(who)?)),
				None => Err(format!("`{text}`: expected fixed, auction or direct:ADDRESS")),
			},
		}
	}
}

impl Matching {
	/// The chain's matching mode, at `price` for a fixed-price job.
	pub fn mode(self, price: u128) -> market::MatchingMode<AccountId32, u128> {
		match self {
			Matching::Fixed => market::MatchingMode::FixedPrice { price },
			Matching::Auction => market::MatchingMode::Auction,
			Matching::Direct(provider) => market::MatchingMode::Direct { provider },
		}
	}
}

/// A model artifact's format (`--format`: `onnx`, `safetensors`, `gguf` or `other`). The variants
/// carry no doc comments: clap would print them as a long list under the flag's help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
	Onnx,
	Safetensors,
	Gguf,
	Other,
}

impl From<Format> for registry::ModelFormat {
	fn from(format: Format) -> Self {
		match format {
			Format::Onnx => registry::ModelFormat::Onnx,
			Format::Safetensors => registry::ModelFormat::Safetensors,
			Format::Gguf => registry::ModelFormat::Gguf,
			Format::Other => registry::ModelFormat::Other,
		}
	}
}

/// A model's or dataset's licence.
#[derive(Args)]
pub struct LicenceArgs {
	/// SPDX-style licence identifier.
	#[arg(long, default_value = "Apache-2.0")]
	licence: String,
	/// The licence allows commercial use.
	#[arg(long)]
	commercial: bool,
	/// The licence allows derivative works (fine-tuning, training).
	#[arg(long)]
	derivatives: bool,
	/// Users must credit the authors.
	#[arg(long)]
	attribution: bool,
}

impl LicenceArgs {
	/// The registry's licence.
	pub fn licence(&self) -> registry::Licence {
		registry::Licence {
			spdx: bounded(&self.licence),
			commercial_use: self.commercial,
			derivatives: self.derivatives,
			attribution: self.attribution,
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_references_and_names_the_bad_part() {
		let v = model_version("3:1").unwrap();
		assert_eq!((v.model, v.version), (3, 1));
		let d = dataset_version("4:2").unwrap();
		assert_eq!((d.dataset, d.version), (4, 2));
		assert_eq!(model_version("3").unwrap_err(), "`3`: expected ID:VERSION");
		assert_eq!(model_version("a:1").unwrap_err(), "`a:1`: `a` is not an id");
		assert_eq!(dataset_version("1:-1").unwrap_err(), "`1:-1`: `-1` is not a version");
	}

	#[test]
	fn parses_amounts_and_percentages() {
		assert_eq!(amount("2.5").unwrap(), 2_500_000_000_000);
		assert_eq!(amount("7p").unwrap(), 7);
		assert_eq!(
			amount("two").unwrap_err(),
			"`two` is not an amount (e.g. 12.5, or 1000p for planck)"
		);
		assert_eq!(percent("60").unwrap().0, 600_000_000);
		assert_eq!(percent("100").unwrap().0, 1_000_000_000);
		assert_eq!(percent("101").unwrap_err(), "101% is more than 100%");
		assert_eq!(percent("half").unwrap_err(), "`half` is not a whole percentage");
	}

	#[test]
	fn parses_accounts_and_contributors() {
		let alice = account("//Alice").unwrap();
		assert_eq!(account(&alice.to_string()).unwrap(), alice);
		assert_eq!(
			account("not-an-address").unwrap_err(),
			"`not-an-address` is not an SS58 address"
		);
		let (who, share) = contributor(&format!("{alice}=40")).unwrap();
		assert_eq!((who, share.0), (alice, 400_000_000));
		assert_eq!(contributor("//Alice").unwrap_err(), "`//Alice`: expected ADDRESS=PERCENT");
		assert!(contributor("//Alice=140").is_err());
	}

	#[test]
	fn parses_matching_modes() {
		assert_eq!("fixed".parse(), Ok(Matching::Fixed));
		assert_eq!("auction".parse(), Ok(Matching::Auction));
		let bob = account("//Bob").unwrap();
		assert_eq!(format!("direct:{bob}").parse(), Ok(Matching::Direct(bob)));
		assert_eq!(
			"lowest".parse::<Matching>(),
			Err("`lowest`: expected fixed, auction or direct:ADDRESS".into())
		);
		assert!("direct:nobody".parse::<Matching>().is_err());
		assert!(matches!(Matching::Fixed.mode(5), market::MatchingMode::FixedPrice { price: 5 }));
		assert!(matches!(
			Matching::Direct(bob).mode(5),
			market::MatchingMode::Direct { provider } if provider == bob
		));
	}
}
