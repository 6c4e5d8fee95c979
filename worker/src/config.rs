//! The worker's configuration: a TOML file, overridable by flags. Values are parsed into their
//! types as the file is read ([`Amount`], [`Percent`], [`Device`], accounts), so a bad one is
//! named with its line before the worker starts.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{bail, Context};
use deai_client::chain::{api, format_balance, parse_balance, UNIT};
use serde::Deserialize;

use api::runtime_types::pallet_compute_market::types::DeviceClass;

/// `worker.toml`. Every key but `key`/`key_file` and `store_url` has a default
/// ([`Config::default`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
	/// The node's RPC URL.
	pub rpc_url: String,
	/// The provider's secret URI or phrase (prefer `key_file`).
	pub key: Option<String>,
	/// A file holding it.
	pub key_file: Option<PathBuf>,
	/// Job state, results and the artifact cache live here.
	pub work_dir: PathBuf,
	/// Where verified models and inputs are cached (default `<work_dir>/cache`).
	pub cache_dir: Option<PathBuf>,
	/// The cache's size cap, in MiB: past it, the least recently used files no running job
	/// holds are removed (a job's input goes when its work ends).
	pub cache_max_mib: u64,
	/// The content store results are uploaded to (`http://host:port`); required.
	pub store_url: String,
	/// A file holding the store's upload token, when it needs one.
	pub store_token_file: Option<PathBuf>,
	/// The endpoint advertised on chain when registering (default: `store_url`).
	pub endpoint: Option<String>,
	/// The bond put up when the worker registers the provider, in DEAI.
	pub bond: Amount,
	/// The largest model or input fetched, in bytes.
	pub max_content_bytes: u64,
	/// The largest job input run (it is parsed in memory), in bytes.
	pub max_input_bytes: u64,
	/// The largest result document a job's inference may write, in bytes (then code 4).
	pub max_result_bytes: u64,
	/// The heap one job's inference may use, in MiB (it runs in a child process; past this it
	/// is stopped and the job reported failed, code 4).
	pub inference_memory_mib: u64,
	/// How long one job's fetching, inference and upload may take, in seconds; then it is
	/// reported failed (code 5) rather than left to miss its deadline.
	pub job_timeout_secs: u64,
	/// `file://` model and input URIs are read only from under this directory (unset: refused).
	/// URIs come from requesters and model owners: never point this at anything private.
	pub file_uri_root: Option<PathBuf>,
	/// The price policy.
	pub price: PricePolicy,
	/// The verifiers whose `Verifier` jobs this provider takes (SS58 addresses); jobs naming
	/// any other verifier are passed over. Empty (the default): no `Verifier` jobs. A verifier's
	/// rejection only opens a dispute, but it holds the provider's pay until the dispute resolver
	/// rules or the dispute period ends: trust only verifiers you know.
	pub trusted_verifiers: Vec<deai_client::subxt::utils::AccountId32>,
	/// Overrides of what is detected from the machine.
	pub capabilities: CapabilityOverrides,
	/// How many open jobs are looked at per block.
	pub scan_limit: u32,
	/// How far back (in job ids) open jobs are looked for.
	pub scan_window: u64,
	/// Federated training: the task this worker takes part in, if any.
	pub federated: Option<FederatedConfig>,
}

/// `[federated]`: take part in a federated-training task.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederatedConfig {
	/// The task.
	pub task: u64,
	/// `participant` (trains on `data`) or `evaluator` (scores updates).
	pub role: FederatedRole,
	/// The stake locked in the task, in DEAI.
	pub stake: Amount,
	/// A participant's local data (`{"features": [[...]], "labels": [...]}`): it never leaves
	/// this machine; only updates do.
	pub data: Option<PathBuf>,
	/// Local training: passes over the data per round.
	#[serde(default = "default_epochs")]
	pub epochs: u32,
	/// Local training: the gradient descent step.
	#[serde(default = "default_learning_rate")]
	pub learning_rate: f64,
}

fn default_epochs() -> u32 {
	50
}

fn default_learning_rate() -> f64 {
	0.3
}

/// A member's role in a federated task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FederatedRole {
	/// Trains and submits updates.
	Participant,
	/// Scores updates and computes the aggregate.
	Evaluator,
}

impl Default for Config {
	fn default() -> Self {
		Self {
			rpc_url: "ws://127.0.0.1:9944".into(),
			key: None,
			key_file: None,
			work_dir: PathBuf::from("deai-worker-data"),
			cache_dir: None,
			cache_max_mib: 4096,
			store_url: String::new(),
			store_token_file: None,
			endpoint: None,
			bond: Amount(100 * UNIT),
			max_content_bytes: 256 * 1024 * 1024,
			max_input_bytes: 32 * 1024 * 1024,
			max_result_bytes: 32 * 1024 * 1024,
			inference_memory_mib: 2048,
			job_timeout_secs: 600,
			file_uri_root: None,
			price: PricePolicy::default(),
			trusted_verifiers: Vec::new(),
			capabilities: CapabilityOverrides::default(),
			scan_limit: 32,
			scan_window: 512,
			federated: None,
		}
	}
}

/// Which jobs are worth taking, and the bids.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PricePolicy {
	/// The least a job must pay this provider, in DEAI.
	pub min_price: Amount,
	/// Auction bids are the job's price cap less this many percent (never below `min_price`).
	pub auction_discount_percent: Percent,
}

impl Default for PricePolicy {
	fn default() -> Self {
		Self { min_price: Amount(UNIT / 10), auction_discount_percent: Percent(0) }
	}
}

/// Capabilities the machine cannot tell (or that the operator wants to state).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityOverrides {
	/// `server`, `desktop`, `mobile` or `edge`.
	pub device: Option<Device>,
	/// Accelerator model (`cpu` when none).
	pub accelerator: Option<String>,
	/// Accelerator memory, MiB.
	pub vram_mib: Option<u32>,
	/// System memory, MiB (detected from /proc/meminfo).
	pub ram_mib: Option<u32>,
	/// CPU cores (detected).
	pub cpu_cores: Option<u16>,
	/// Region code (ISO 3166-1 numeric).
	pub region: Option<u16>,
	/// Jobs run at once (default: the CPU cores).
	pub max_concurrent_jobs: Option<u32>,
}

/// An amount of DEAI, written as the `deai` command line takes it: `"12"`, `"12.5"`, or
/// `"12500000000000p"` in planck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Amount(pub u128);

impl FromStr for Amount {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, String> {
		parse_balance(text).map(Amount).ok_or_else(|| {
			format!("`{text}` is not an amount (e.g. \"12.5\", or \"1000p\" for planck)")
		})
	}
}

impl TryFrom<String> for Amount {
	type Error = String;

	fn try_from(text: String) -> Result<Self, String> {
		text.parse()
	}
}

impl std::fmt::Display for Amount {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(&format_balance(self.0))
	}
}

/// A whole percentage, 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u8")]
pub struct Percent(u8);

impl Percent {
	/// The percentage.
	pub fn get(self) -> u8 {
		self.0
	}
}

impl TryFrom<u8> for Percent {
	type Error = String;

	fn try_from(p: u8) -> Result<Self, String> {
		if p > 100 {
			return Err(format!("{p}% is more than 100%"));
		}
		Ok(Percent(p))
	}
}

/// The class of machine a provider registers as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
	/// A server (the default).
	#[default]
	Server,
	/// A desktop.
	Desktop,
	/// A phone or tablet.
	Mobile,
	/// An edge device.
	Edge,
}

impl From<Device> for DeviceClass {
	fn from(device: Device) -> Self {
		match device {
			Device::Server => DeviceClass::Server,
			Device::Desktop => DeviceClass::Desktop,
			Device::Mobile => DeviceClass::Mobile,
			Device::Edge => DeviceClass::Edge,
		}
	}
}

/// The least heap an inference child is given: its own start-up and a small model need this.
pub const MIN_INFERENCE_MEMORY_MIB: u64 = 16;

impl Config {
	/// Reads a TOML file (then apply any flags and [`Config::check`] it).
	pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
		let text =
			std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
		toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
	}

	/// Rejects settings that cannot work.
	pub fn check(&self) -> anyhow::Result<()> {
		if self.key.is_none() && self.key_file.is_none() {
			bail!("set `key` or `key_file`");
		}
		if self.store_url.is_empty() {
			bail!("set `store_url` (the content store results are uploaded to)");
		}
		if self.inference_memory_mib < MIN_INFERENCE_MEMORY_MIB {
			bail!("`inference_memory_mib` must be at least {MIN_INFERENCE_MEMORY_MIB}");
		}
		if self.job_timeout_secs == 0 {
			bail!("`job_timeout_secs` must be at least 1");
		}
		if let Some(fl) = &self.federated {
			if fl.role == FederatedRole::Participant && fl.data.is_none() {
				bail!("[federated]: a participant needs `data` (its local training rows)");
			}
			if fl.epochs == 0 || !(fl.learning_rate > 0.0 && fl.learning_rate.is_finite()) {
				bail!("[federated]: `epochs` and `learning_rate` must be positive");
			}
		}
		Ok(())
	}

	/// What the worker may fetch.
	pub fn fetch_limits(&self) -> deai_client::content::FetchLimits {
		deai_client::content::FetchLimits {
			max_bytes: self.max_content_bytes,
			file_root: self.file_uri_root.clone(),
		}
	}

	/// The cache directory.
	pub fn cache_dir(&self) -> PathBuf {
		self.cache_dir.clone().unwrap_or_else(|| self.work_dir.join("cache"))
	}
}

/// What this machine offers, as the chain records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
	/// Device class.
	pub device: Device,
	/// Accelerator.
	pub accelerator: String,
	/// VRAM MiB.
	pub vram_mib: u32,
	/// RAM MiB.
	pub ram_mib: u32,
	/// Cores.
	pub cpu_cores: u16,
	/// Region.
	pub region: u16,
	/// Concurrency.
	pub max_concurrent_jobs: u32,
}

/// Detects the machine's capabilities and applies the overrides.
pub fn detect(overrides: &CapabilityOverrides) -> Detected {
	let cores = std::thread::available_parallelism()
		.map(|n| n.get())
		.unwrap_or(1)
		.min(u16::MAX as usize) as u16;
	let ram_mib = std::fs::read_to_string("/proc/meminfo")
		.ok()
		.and_then(|text| {
			text.lines()
				.find(|l| l.starts_with("MemTotal:"))
				.and_then(|l| l.split_whitespace().nth(1))
				.and_then(|kib| kib.parse::<u64>().ok())
		})
		.map(|kib| (kib / 1024).min(u32::MAX as u64) as u32)
		.unwrap_or(0);
	Detected {
		device: overrides.device.unwrap_or_default(),
		accelerator: overrides.accelerator.clone().unwrap_or_else(|| "cpu".into()),
		vram_mib: overrides.vram_mib.unwrap_or(0),
		ram_mib: overrides.ram_mib.unwrap_or(ram_mib),
		cpu_cores: overrides.cpu_cores.unwrap_or(cores),
		region: overrides.region.unwrap_or(0),
		max_concurrent_jobs: overrides.max_concurrent_jobs.unwrap_or(cores as u32).max(1),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_a_minimal_config_with_defaults() {
		let config: Config = toml::from_str(
			r#"
			key = "//Charlie"
			store_url = "http://127.0.0.1:8700"
			[price]
			min_price = "2.5"
			"#,
		)
		.unwrap();
		config.check().unwrap();
		assert_eq!(config.rpc_url, "ws://127.0.0.1:9944");
		assert_eq!(config.bond, Amount(100 * UNIT));
		assert_eq!(config.price.min_price, Amount(2_500_000_000_000));
		assert_eq!(config.price.auction_discount_percent.get(), 0);
		assert_eq!(config.cache_dir(), PathBuf::from("deai-worker-data/cache"));
		assert_eq!(config.scan_limit, 32);
		assert_eq!(PricePolicy::default().min_price.to_string(), "0.1 DEAI");
	}

	#[test]
	fn the_example_config_is_valid() {
		let config: Config = toml::from_str(include_str!("../worker.example.toml")).unwrap();
		config.check().unwrap();
		assert_eq!(config.job_timeout_secs, 600);
		assert_eq!(config.inference_memory_mib, 2048);
		assert_eq!(config.cache_max_mib, 4096);
		assert_eq!(config.capabilities.device, Some(Device::Server));
		assert!(config.file_uri_root.is_none(), "file:// is off unless the operator names a root");
	}

	#[test]
	fn rejects_unknown_keys_and_names_bad_values() {
		let parse = |text: &str| toml::from_str::<Config>(text).unwrap_err().to_string();
		assert!(parse("key = \"//A\"\nstore_url = \"x\"\nbogus = 1").contains("bogus"));
		let error = parse("key = \"//A\"\nstore_url = \"x\"\nbond = \"lots\"");
		assert!(error.contains("`lots` is not an amount"), "{error}");
		let error = parse("[price]\nmin_price = \"0.1.2\"");
		assert!(error.contains("`0.1.2` is not an amount"), "{error}");
		let error = parse("[price]\nauction_discount_percent = 120");
		assert!(error.contains("120% is more than 100%"), "{error}");
		let error = parse("[capabilities]\ndevice = \"toaster\"");
		assert!(error.contains("toaster"), "{error}");
		let config: Config = toml::from_str("store_url = \"x\"").unwrap();
		assert!(config.check().is_err(), "a key is required");
		let config: Config = toml::from_str("key = \"//A\"").unwrap();
		assert!(config.check().is_err(), "a store is required");
	}

	#[test]
	fn detects_cores_and_memory() {
		let detected = detect(&CapabilityOverrides { region: Some(276), ..Default::default() });
		assert!(detected.cpu_cores >= 1);
		assert!(detected.ram_mib > 0);
		assert_eq!(detected.region, 276);
		assert_eq!(detected.device, Device::Server);
		assert_eq!(detected.max_concurrent_jobs, detected.cpu_cores as u32);
	}
}
