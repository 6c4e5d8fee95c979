//! Which open jobs the worker takes, and how: pure functions of the operator's policy and what
//! the chain shows, tested without a chain. The agent reads the chain and acts on the answer.

use deai_client::chain::{api, format_balance, text};
use deai_client::content::FetchLimits;
use deai_client::subxt::utils::AccountId32;

use api::runtime_types::deai_primitives::ModelVersionRef;
use api::runtime_types::pallet_compute_market::types::{
	Job, JobKind, MatchingMode, VerificationMode,
};
use api::runtime_types::pallet_model_registry::types::{ModelFormat, ModelVersionInfo};

use crate::book::Phase;
use crate::config::Config;

/// The operator's terms.
#[derive(Clone, Debug)]
pub struct Policy {
	/// The least a job must pay.
	pub min_price: u128,
	/// Auction bids are the price cap less this many percent (never below `min_price`).
	pub auction_discount_percent: u8,
	/// The largest model fetched.
	pub max_content_bytes: u64,
	/// What may be fetched.
	pub limits: FetchLimits,
	/// The verifiers whose `Verifier` jobs are taken.
	pub trusted_verifiers: Vec<AccountId32>,
}

impl Policy {
	/// The policy `config` states.
	pub fn of(config: &Config) -> Self {
		Self {
			min_price: config.price.min_price.0,
			auction_discount_percent: config.price.auction_discount_percent.get(),
			max_content_bytes: config.max_content_bytes,
			limits: config.fetch_limits(),
			trusted_verifiers: config.trusted_verifiers.clone(),
		}
	}
}

/// An open job, as the policy reads it.
#[derive(Clone, Debug)]
pub struct Offer {
	/// An inference job (the only kind this worker runs).
	pub inference: bool,
	/// The model version it runs.
	pub model: Option<ModelVersionRef>,
	/// Where its input is.
	pub input_uri: String,
	/// How its result is verified.
	pub verification: VerificationMode<AccountId32>,
	/// How its providers are matched.
	pub matching: MatchingMode<AccountId32, u128>,
	/// The most one provider may be paid.
	pub price_cap: u128,
}

impl Offer {
	/// What the policy reads of `job`, whose input is at `input_uri`.
	pub fn of(job: &Job, input_uri: String) -> Self {
		Self {
			inference: matches!(job.spec.kind, JobKind::Inference),
			model: job.spec.model,
			input_uri,
			verification: job.spec.verification.clone(),
			matching: job.spec.matching.clone(),
			price_cap: job.price_cap,
		}
	}
}

/// The model version a job names, as the policy reads it.
#[derive(Clone, Debug)]
pub struct Model {
	/// Its artifact is ONNX.
	pub onnx: bool,
	/// Its artifact's size.
	pub size_bytes: u64,
	/// Where its artifact is.
	pub uri: String,
}

impl Model {
	/// What the policy reads of `version`.
	pub fn of(version: &ModelVersionInfo) -> Self {
		Self {
			onnx: matches!(version.format, ModelFormat::Onnx),
			size_bytes: version.artifact.size_bytes,
			uri: text(&version.artifact.uri),
		}
	}
}

/// How the worker takes a job, at what price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
	/// Claims a fixed-price job.
	Claim(u128),
	/// Accepts a direct offer.
	Accept(u128),
	/// Bids in an auction.
	Bid(u128),
}

impl Take {
	/// The book's phase once the transaction is in.
	pub fn phase(self) -> Phase {
		match self {
			Take::Claim(_) | Take::Accept(_) => Phase::Taken { transient_failures: 0 },
			Take::Bid(_) => Phase::Bid,
		}
	}
}

/// The checks that need only the job: its kind, its verification, that it names a model.
/// Returns the model to look up, or why the job is passed over.
pub fn screen(policy: &Policy, offer: &Offer) -> Result<ModelVersionRef, String> {
	if !offer.inference {
		return Err("not an inference job".into());
	}
	accepts_verification(&policy.trusted_verifiers, &offer.verification)?;
	offer.model.ok_or_else(|| "no model".into())
}

/// Whether and how `me` takes a job that [`screen`] let through, given its model version
/// (`None`: not found).
pub fn decide(
	policy: &Policy,
	me: &AccountId32,
	offer: &Offer,
	model: Option<&Model>,
) -> Result<Take, String> {
	let model = model.ok_or("model version not found")?;
	if !model.onnx {
		return Err("the model is not ONNX".into());
	}
	if model.size_bytes > policy.max_content_bytes {
		return Err(format!("the model is larger than {} bytes", policy.max_content_bytes));
	}
	// An oracle question's inline input is read from the chain.
	let inline_input = offer.input_uri.as_bytes() == deai_abi::oracle::INLINE_INPUT_URI;
	let input = (!inline_input).then_some(&offer.input_uri);
	for uri in [Some(&model.uri), input].into_iter().flatten() {
		if !policy.limits.supports(uri) {
			return Err(format!("cannot fetch `{uri}`"));
		}
	}
	let min = policy.min_price;
	match &offer.matching {
		MatchingMode::FixedPrice { price } if *price >= min => Ok(Take::Claim(*price)),
		MatchingMode::FixedPrice { price } => {
			Err(format!("price {} below the minimum", format_balance(*price)))
		},
		MatchingMode::Direct { provider } if provider == me && offer.price_cap >= min => {
			Ok(Take::Accept(offer.price_cap))
		},
		MatchingMode::Direct { provider } if provider == me => {
			Err(format!("direct offer of {} below the minimum", format_balance(offer.price_cap)))
		},
		MatchingMode::Direct { .. } => Err("addressed to another provider".into()),
		MatchingMode::Auction => auction_bid(offer.price_cap, policy.auction_discount_percent, min)
			.map(Take::Bid)
			.ok_or_else(|| {
				format!("price cap {} below the minimum", format_balance(offer.price_cap))
			}),
	}
}

/// The bid on an auction with `price_cap`: the cap less `discount_percent`, raised to
/// `min_price`; `None` when even that is above the cap.
pub fn auction_bid(price_cap: u128, discount_percent: u8, min_price: u128) -> Option<u128> {
	let discount = u128::from(discount_percent.min(100));
	let bid = (price_cap / 100).saturating_mul(100 - discount).max(min_price);
	(bid <= price_cap).then_some(bid)
}

/// Whether a provider works under a job's verification mode: `Verifier` jobs only from the
/// operator's `trusted` verifiers (a verifier is the requester's choice, and its rejection holds
/// the provider's pay until the dispute resolver rules or the dispute period ends).
pub fn accepts_verification(
	trusted: &[AccountId32],
	verification: &VerificationMode<AccountId32>,
) -> Result<(), String> {
	match verification {
		VerificationMode::Verifier { verifier } if !trusted.contains(verifier) => {
			Err(format!("verifier {verifier} is not in trusted_verifiers"))
		},
		_ => Ok(()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use deai_client::chain::UNIT;

	const ME: AccountId32 = AccountId32([1; 32]);
	const OTHER: AccountId32 = AccountId32([2; 32]);

	fn policy() -> Policy {
		Policy {
			min_price: 5 * UNIT,
			auction_discount_percent: 10,
			max_content_bytes: 1000,
			limits: FetchLimits::http_only(1000),
			trusted_verifiers: vec![OTHER],
		}
	}

	fn offer(matching: MatchingMode<AccountId32, u128>) -> Offer {
		Offer {
			inference: true,
			model: Some(ModelVersionRef { model: 3, version: 1 }),
			input_uri: "http://store/content/input".into(),
			verification: VerificationMode::RequesterApproval,
			matching,
			price_cap: 20 * UNIT,
		}
	}

	fn model() -> Model {
		Model { onnx: true, size_bytes: 1000, uri: "http://store/content/model".into() }
	}

	fn fixed(units: u128) -> MatchingMode<AccountId32, u128> {
		MatchingMode::FixedPrice { price: units * UNIT }
	}

	#[test]
	fn screens_the_kind_the_verifier_and_the_model() {
		let p = policy();
		assert_eq!(screen(&p, &offer(fixed(10))), Ok(ModelVersionRef { model: 3, version: 1 }));
		let mut o = offer(fixed(10));
		o.inference = false;
		assert_eq!(screen(&p, &o), Err("not an inference job".into()));
		let mut o = offer(fixed(10));
		o.verification = VerificationMode::Verifier { verifier: ME };
		assert_eq!(screen(&p, &o), Err(format!("verifier {ME} is not in trusted_verifiers")));
		o.verification = VerificationMode::Verifier { verifier: OTHER };
		assert!(screen(&p, &o).is_ok(), "a trusted verifier");
		let mut o = offer(fixed(10));
		o.model = None;
		assert_eq!(screen(&p, &o), Err("no model".into()));
	}

	#[test]
	fn passes_over_models_it_cannot_run_or_fetch() {
		let (p, o) = (policy(), offer(fixed(10)));
		assert_eq!(decide(&p, &ME, &o, None), Err("model version not found".into()));
		let not_onnx = Model { onnx: false, ..model() };
		assert_eq!(decide(&p, &ME, &o, Some(&not_onnx)), Err("the model is not ONNX".into()));
		let large = Model { size_bytes: 1001, ..model() };
		assert_eq!(
			decide(&p, &ME, &o, Some(&large)),
			Err("the model is larger than 1000 bytes".into())
		);
		let local = Model { uri: "file:///models/m.onnx".into(), ..model() };
		assert_eq!(
			decide(&p, &ME, &o, Some(&local)),
			Err("cannot fetch `file:///models/m.onnx`".into())
		);
		let mut o = offer(fixed(10));
		o.input_uri = "ipfs://input".into();
		assert_eq!(decide(&p, &ME, &o, Some(&model())), Err("cannot fetch `ipfs://input`".into()));
	}

	#[test]
	fn claims_fixed_price_jobs_at_or_above_the_minimum() {
		let p = policy();
		assert_eq!(decide(&p, &ME, &offer(fixed(5)), Some(&model())), Ok(Take::Claim(5 * UNIT)));
		assert_eq!(
			decide(&p, &ME, &offer(fixed(4)), Some(&model())),
			Err("price 4 DEAI below the minimum".into())
		);
	}

	#[test]
	fn accepts_direct_offers_to_itself_only() {
		let p = policy();
		let to_me = offer(MatchingMode::Direct { provider: ME });
		assert_eq!(decide(&p, &ME, &to_me, Some(&model())), Ok(Take::Accept(20 * UNIT)));
		let cheap = Offer { price_cap: UNIT, ..to_me };
		assert_eq!(
			decide(&p, &ME, &cheap, Some(&model())),
			Err("direct offer of 1 DEAI below the minimum".into())
		);
		let to_other = offer(MatchingMode::Direct { provider: OTHER });
		assert_eq!(
			decide(&p, &ME, &to_other, Some(&model())),
			Err("addressed to another provider".into())
		);
	}

	#[test]
	fn bids_the_discounted_cap_never_below_the_minimum() {
		let p = policy();
		let auction = offer(MatchingMode::Auction);
		assert_eq!(decide(&p, &ME, &auction, Some(&model())), Ok(Take::Bid(18 * UNIT)));
		let low = Offer { price_cap: 5 * UNIT, ..auction.clone() };
		assert_eq!(decide(&p, &ME, &low, Some(&model())), Ok(Take::Bid(5 * UNIT)), "raised");
		let too_low = Offer { price_cap: 4 * UNIT, ..auction };
		assert_eq!(
			decide(&p, &ME, &too_low, Some(&model())),
			Err("price cap 4 DEAI below the minimum".into())
		);
		assert_eq!(auction_bid(1000, 0, 1), Some(1000));
		assert_eq!(auction_bid(1000, 100, 1), Some(1));
		assert_eq!(auction_bid(1000, 100, 0), Some(0));
		assert_eq!(auction_bid(0, 0, 1), None);
	}

	#[test]
	fn a_take_lands_in_its_phase() {
		assert_eq!(Take::Claim(1).phase(), Phase::Taken { transient_failures: 0 });
		assert_eq!(Take::Accept(1).phase(), Phase::Taken { transient_failures: 0 });
		assert_eq!(Take::Bid(1).phase(), Phase::Bid);
	}

	#[test]
	fn verifier_jobs_only_from_trusted_verifiers() {
		let trusted = AccountId32([1; 32]);
		let other = AccountId32([2; 32]);
		let job = |verifier: &AccountId32| VerificationMode::Verifier { verifier: *verifier };
		assert_eq!(accepts_verification(&[trusted], &job(&trusted)), Ok(()));
		assert_eq!(
			accepts_verification(&[trusted], &job(&other)),
			Err(format!("verifier {other} is not in trusted_verifiers"))
		);
		assert!(accepts_verification(&[], &job(&trusted)).is_err(), "empty list: no Verifier jobs");
		assert_eq!(accepts_verification(&[], &VerificationMode::RequesterApproval), Ok(()));
		assert_eq!(
			accepts_verification(&[], &VerificationMode::Redundant { providers: 2, quorum: 2 }),
			Ok(())
		);
	}
}
