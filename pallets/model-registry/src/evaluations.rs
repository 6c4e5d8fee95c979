//! Benchmarks and evaluations: benchmarks (a dataset version and a metric), bonded evaluations
//! of model versions on them, challenges decided by the evaluation judge, and finalisation,
//! which credits the evaluator the fee it paid as contribution points.

use crate::{pallet::*, types::*, BalanceOf};
use deai_primitives::{
	BenchmarkId, ContentHash, ContributionCategory, ContributionSink, DatasetVersionRef, Earner,
	EvaluationId, ModelVersionRef,
};
use frame_support::{
	defensive, ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get,
	},
};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	DispatchResult, FixedI64,
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_benchmark(
		creator: T::AccountId,
		dataset_version: DatasetVersionRef,
		metric: BoundedText<T::MaxMetricLen>,
		higher_is_better: bool,
	) -> DispatchResult {
		let data = DatasetVersions::<T>::get(dataset_version.dataset, dataset_version.version)
			.ok_or(Error::<T>::DatasetVersionNotFound)?;
		ensure!(data.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		let dataset =
			Datasets::<T>::get(dataset_version.dataset).ok_or(Error::<T>::DatasetNotFound)?;
		ensure!(dataset.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		let benchmark = NextBenchmarkId::<T>::get();
		let next = Self::next_id(benchmark)?;
		let mut info = BenchmarkInfo::<T> {
			creator: creator.clone(),
			dataset_version,
			metric,
			higher_is_better,
			deposit: Zero::zero(),
			evaluations: 0,
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &creator, info.deposit)?;
		DatasetVersions::<T>::try_mutate(
			dataset_version.dataset,
			dataset_version.version,
			|d| -> DispatchResult {
				let d = d.as_mut().ok_or(Error::<T>::DatasetVersionNotFound)?;
				Self::increment(&mut d.dependents)
			},
		)?;
		Benchmarks::<T>::insert(benchmark, info);
		NextBenchmarkId::<T>::put(next);
		Self::deposit_event(Event::BenchmarkRegistered { benchmark, dataset_version });
		Ok(())
	}

	pub(crate) fn do_remove_benchmark(who: T::AccountId, benchmark: BenchmarkId) -> DispatchResult {
		let info = Benchmarks::<T>::get(benchmark).ok_or(Error::<T>::BenchmarkNotFound)?;
		ensure!(info.creator == who, Error::<T>::NotBenchmarkCreator);
		ensure!(info.evaluations.is_zero(), Error::<T>::BenchmarkInUse);
		let data = info.dataset_version;
		DatasetVersions::<T>::mutate(data.dataset, data.version, |d| match d {
			Some(d) => Self::decrement(&mut d.dependents),
			None => {
				defensive!("a benchmark's dataset version was removed before it");
			},
		});
		Benchmarks::<T>::remove(benchmark);
		Self::release(HoldReason::StorageDeposit, &info.creator, info.deposit);
		Self::deposit_event(Event::BenchmarkRemoved { benchmark });
		Ok(())
	}

	pub(crate) fn do_submit_evaluation(
		evaluator: T::AccountId,
		model_version: ModelVersionRef,
		benchmark: BenchmarkId,
		score: FixedI64,
		evidence_hash: ContentHash,
		evidence_uri: BoundedText<T::MaxUriLen>,
		max_fee: BalanceOf<T>,
	) -> DispatchResult {
		let fee = T::EvaluationFee::get();
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMaximum);
		let version = ModelVersions::<T>::get(model_version.model, model_version.version)
			.ok_or(Error::<T>::ModelVersionNotFound)?;
		ensure!(version.status != VersionStatus::Yanked, Error::<T>::VersionYanked);
		let model = Models::<T>::get(model_version.model).ok_or(Error::<T>::ModelNotFound)?;
		ensure!(model.status == ItemStatus::Active, Error::<T>::ItemTakenDown);
		let mut bench = Benchmarks::<T>::get(benchmark).ok_or(Error::<T>::BenchmarkNotFound)?;
		let evaluation = NextEvaluationId::<T>::get();
		let next = Self::next_id(evaluation)?;
		Self::increment(&mut bench.evaluations)?;

		let now = frame_system::Pallet::<T>::block_number();
		let mut info = EvaluationInfo::<T> {
			evaluator: evaluator.clone(),
			model_version,
			benchmark,
			score,
			evidence_hash,
			evidence_uri,
			bond: T::EvaluationBond::get(),
			deposit: Zero::zero(),
			fee,
			status: EvaluationStatus::Pending {
				challenge_deadline: now.saturating_add(T::ChallengePeriod::get()),
			},
			submitted_at: now,
		};
		info.deposit = Self::deposit_for(&info);
		Self::hold(HoldReason::StorageDeposit, &evaluator, info.deposit)?;
		Self::hold(HoldReason::EvaluationBond, &evaluator, info.bond)?;
		// The fee is what makes evaluation points cost more than they pay (H-4): points equal
		// it, and a point pays less than a unit.
		T::Currency::transfer(&evaluator, &T::FeeDestination::get(), fee, Preservation::Preserve)?;
		Benchmarks::<T>::insert(benchmark, bench);
		Evaluations::<T>::insert(evaluation, info);
		EvaluationsOf::<T>::insert(model_version, evaluation, ());
		NextEvaluationId::<T>::put(next);
		Self::deposit_event(Event::EvaluationSubmitted {
			evaluation,
			model_version,
			benchmark,
			evaluator,
			score,
		});
		Ok(())
	}

	pub(crate) fn do_challenge_evaluation(
		challenger: T::AccountId,
		evaluation: EvaluationId,
	) -> DispatchResult {
		Evaluations::<T>::try_mutate(evaluation, |e| -> DispatchResult {
			let e = e.as_mut().ok_or(Error::<T>::EvaluationNotFound)?;
			ensure!(e.evaluator != challenger, Error::<T>::CannotChallengeOwnEvaluation);
			let now = frame_system::Pallet::<T>::block_number();
			match e.status {
				EvaluationStatus::Pending { challenge_deadline } if now <= challenge_deadline => {},
				_ => return Err(Error::<T>::ChallengePeriodOver.into()),
			}
			let bond = T::ChallengeBond::get();
			Self::hold(HoldReason::ChallengeBond, &challenger, bond)?;
			e.status = EvaluationStatus::Challenged {
				challenger: challenger.clone(),
				bond,
				judgement_deadline: now.saturating_add(T::JudgementPeriod::get()),
			};
			Ok(())
		})?;
		Self::deposit_event(Event::EvaluationChallenged { evaluation, challenger });
		Ok(())
	}

	pub(crate) fn do_resolve_challenge(evaluation: EvaluationId, upheld: bool) -> DispatchResult {
		let mut info = Evaluations::<T>::get(evaluation).ok_or(Error::<T>::EvaluationNotFound)?;
		let EvaluationStatus::Challenged { challenger, bond: challenge_bond, .. } =
			info.status.clone()
		else {
			return Err(Error::<T>::NotChallenged.into());
		};
		let (loser, loser_reason, loser_bond, winner, winner_reason, winner_bond) = if upheld {
			(
				challenger,
				HoldReason::ChallengeBond,
				challenge_bond,
				info.evaluator.clone(),
				HoldReason::EvaluationBond,
				info.bond,
			)
		} else {
			(
				info.evaluator.clone(),
				HoldReason::EvaluationBond,
				info.bond,
				challenger,
				HoldReason::ChallengeBond,
				challenge_bond,
			)
		};
		Self::release(winner_reason, &winner, winner_bond);
		let to_winner = T::ChallengeWinnerShare::get().mul_floor(loser_bond);
		if !to_winner.is_zero() {
			T::Currency::transfer_on_hold(
				&loser_reason.into(),
				&loser,
				&winner,
				to_winner,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)?;
		}
		let slashed = Self::slash_hold(loser_reason, &loser, loser_bond.saturating_sub(to_winner))
			.saturating_add(to_winner);
		info.bond = Zero::zero();
		info.status = if upheld { EvaluationStatus::Accepted } else { EvaluationStatus::Rejected };
		if upheld {
			T::ContributionSink::record(
				&Earner::Account(info.evaluator.clone()),
				ContributionCategory::Evaluation,
				info.fee.saturated_into(),
			);
		}
		Evaluations::<T>::insert(evaluation, info);
		Self::deposit_event(Event::ChallengeResolved { evaluation, upheld, slashed, to_winner });
		Ok(())
	}

	pub(crate) fn do_finalize_evaluation(evaluation: EvaluationId) -> DispatchResult {
		Evaluations::<T>::try_mutate(evaluation, |e| -> DispatchResult {
			let e = e.as_mut().ok_or(Error::<T>::EvaluationNotFound)?;
			let now = frame_system::Pallet::<T>::block_number();
			match &e.status {
				EvaluationStatus::Pending { challenge_deadline } => {
					ensure!(now > *challenge_deadline, Error::<T>::ChallengePeriodNotOver)
				},
				EvaluationStatus::Challenged { challenger, bond, judgement_deadline } => {
					ensure!(now > *judgement_deadline, Error::<T>::AwaitingJudgement);
					// Nobody ruled in time: the evaluation stands, as if unchallenged, and the
					// challenger's bond comes back (no bond is locked for good).
					Self::release(HoldReason::ChallengeBond, challenger, *bond);
					Self::deposit_event(Event::ChallengeTimedOut { evaluation });
				},
				EvaluationStatus::Accepted | EvaluationStatus::Rejected => {
					return Err(Error::<T>::AlreadyFinal.into())
				},
			}
			Self::release(HoldReason::EvaluationBond, &e.evaluator, e.bond);
			e.bond = Zero::zero();
			e.status = EvaluationStatus::Accepted;
			T::ContributionSink::record(
				&Earner::Account(e.evaluator.clone()),
				ContributionCategory::Evaluation,
				e.fee.saturated_into(),
			);
			Ok(())
		})?;
		Self::deposit_event(Event::EvaluationAccepted { evaluation });
		Ok(())
	}

	pub(crate) fn do_remove_evaluation(
		who: T::AccountId,
		evaluation: EvaluationId,
	) -> DispatchResult {
		let info = Evaluations::<T>::get(evaluation).ok_or(Error::<T>::EvaluationNotFound)?;
		ensure!(info.evaluator == who, Error::<T>::NotEvaluator);
		ensure!(
			matches!(info.status, EvaluationStatus::Accepted | EvaluationStatus::Rejected),
			Error::<T>::EvaluationNotFinal
		);
		Benchmarks::<T>::mutate(info.benchmark, |b| match b {
			Some(b) => Self::decrement(&mut b.evaluations),
			None => {
				defensive!("a benchmark was removed before its evaluation");
			},
		});
		EvaluationsOf::<T>::remove(info.model_version, evaluation);
		Evaluations::<T>::remove(evaluation);
		Self::release(HoldReason::StorageDeposit, &info.evaluator, info.deposit);
		Self::deposit_event(Event::EvaluationRemoved { evaluation });
		Ok(())
	}
}
