//! What the runtime API answers.

use crate::{pallet::*, runtime_api::Quote, types::*, BalanceOf};
use alloc::vec::Vec;
use deai_primitives::{DatasetVersionRef, IntendedUse, JobId, ModelRegistry, ModelVersionRef};
use frame_support::traits::Get;
use sp_runtime::traits::{CheckedAdd, CheckedMul, Zero};

impl<T: Config> Pallet<T> {
	/// Open jobs `provider` is eligible for, from `start`, at most `limit` (capped at 100).
	pub fn eligible_jobs(provider: &T::AccountId, start: JobId, limit: u32) -> Vec<JobId> {
		let Some(info) = Providers::<T>::get(provider) else { return Vec::new() };
		let end = NextJobId::<T>::get();
		let limit = limit.min(100) as usize;
		(start..end)
			.filter_map(|id| Jobs::<T>::get(id).map(|job| (id, job)))
			.filter(|(_, job)| job.status == JobStatus::Open)
			.filter(|(_, job)| Self::ensure_eligible(provider, &info, job).is_ok())
			.map(|(id, _)| id)
			.take(limit)
			.collect()
	}

	/// A job and its bids.
	pub fn job_with_bids(id: JobId) -> Option<(Job<T>, Vec<(T::AccountId, BalanceOf<T>)>)> {
		let job = Jobs::<T>::get(id)?;
		let bids = Bids::<T>::iter_prefix(id).map(|(who, (price, _))| (who, price)).collect();
		Some((job, bids))
	}

	/// What a job would cost today.
	pub fn quote(
		model: Option<ModelVersionRef>,
		datasets: Vec<DatasetVersionRef>,
		price: BalanceOf<T>,
		providers: u32,
	) -> Option<Quote<BalanceOf<T>>> {
		let mut usage_fees = BalanceOf::<T>::zero();
		if let Some(model) = model {
			T::Registry::ensure_model_usable(&model, IntendedUse::default()).ok()?;
			usage_fees = T::Registry::model_usage_fee(&model).ok()?;
		}
		for dataset in datasets {
			usage_fees = usage_fees.checked_add(&T::Registry::dataset_usage_fee(&dataset).ok()?)?;
		}
		let pay = price.checked_mul(&providers.into())?;
		let protocol_fee = T::ProtocolFee::get().mul_ceil(pay);
		let total = pay.checked_add(&protocol_fee)?.checked_add(&usage_fees)?;
		Some(Quote { providers: pay, protocol_fee, usage_fees, total })
	}
}
