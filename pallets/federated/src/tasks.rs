//! Tasks: creating, ending and closing them; members joining, withdrawing and leaving; the pot.

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf};
use codec::{Decode, Encode, MaxEncodedLen};
use deai_primitives::{
	ContributedVersion, IntendedUse, ModelPublisher, ModelRegistry, ProviderDirectory,
};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	traits::{
		fungible::MutateHold,
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get,
	},
	BoundedVec,
};
use sp_runtime::{
	traits::{AccountIdConversion, CheckedAdd, CheckedMul, Saturating, Zero},
	DispatchResult, Perbill, Percent,
};

/// How training uses the base model and evaluation uses its dataset: a derivative work.
pub(crate) const TRAINING_USE: IntendedUse = IntendedUse { commercial: false, derivative: true };

impl<T: Config> Pallet<T> {
	/// The pot: the account escrows, stakes and earnings are kept in.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The account task `id`'s model is published by (and its version's deposit held on): one
	/// per task, so that no task can take a content hash another task will publish (the
	/// registry allows a publisher one version per hash). Keyless: derived from a hash, as
	/// pure proxies and multisigs are (a sub-account of the pallet's id would be truncated to
	/// the pot's account where accounts are short).
	pub fn publishing_account(id: TaskId) -> T::AccountId {
		let entropy =
			(T::PalletId::get(), *b"publisher", id).using_encoded(sp_io::hashing::blake2_256);
		T::AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::new(&entropy))
			.expect("infinite length input; no invalid inputs for type; qed")
	}

	/// What the owner holds to publish the trained model: the most a version's deposit can
	/// be, and the existential deposit that keeps the task's publishing account (which holds
	/// it) alive.
	pub fn publication_deposit() -> BalanceOf<T> {
		T::Publisher::max_deposit().saturating_add(T::Currency::minimum_balance())
	}

	/// The storage deposit of a task: its record, a full ledger, a full round and its entry in
	/// the phase-end queue.
	pub fn task_deposit() -> BalanceOf<T> {
		deai_primitives::deposits::for_bytes(
			T::DepositBase::get(),
			T::DepositPerByte::get(),
			TrainingTask::<T>::max_encoded_len()
				+ LedgerOf::<T>::max_encoded_len()
				+ Round::<T>::max_encoded_len()
				+ 48,
		)
	}

	/// Pays `amount` from `who` into the pot. The first payment into an empty pot also pays its
	/// existential deposit, which stays there for good: the pot must never be reaped with
	/// liabilities in it.
	pub(crate) fn pay_in(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let pot = Self::pot();
		let ed = T::Currency::minimum_balance();
		let balance = T::Currency::balance(&pot);
		let opening = ed.saturating_sub(balance);
		let total = amount.checked_add(&opening).ok_or(Error::<T>::Overflow)?;
		T::Currency::transfer(who, &pot, total, Preservation::Preserve)?;
		Ok(())
	}

	/// Pays `amount` out of the pot to `to`. The books justify every payment; a payment that
	/// cannot be made (below the receiver's existential deposit) fails the call.
	pub(crate) fn pay_out(to: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::transfer(&Self::pot(), to, amount, Preservation::Preserve)?;
		Ok(())
	}

	/// [`Self::pay_out`] in a hook, where nothing can fail: a payment that cannot be made is a
	/// defect (the treasury and owners exist).
	pub(crate) fn pay_out_in_hook(to: &T::AccountId, amount: BalanceOf<T>) {
		if Self::pay_out(to, amount).is_err() {
			frame_support::defensive!("a payment out of the pot failed");
		}
	}

	fn ensure_valid_spec(spec: &TaskSpec<T>) -> DispatchResult {
		ensure!(
			spec.rounds > 0 && spec.rounds <= T::MaxRounds::get(),
			Error::<T>::RoundsOutOfRange
		);
		ensure!(
			spec.participants > 0 && spec.participants <= T::MaxRoundParticipants::get(),
			Error::<T>::ParticipantsOutOfRange
		);
		ensure!(
			spec.evaluators >= 3
				&& spec.evaluators % 2 == 1
				&& spec.evaluators <= T::MaxRoundEvaluators::get(),
			Error::<T>::EvaluatorsOutOfRange
		);
		ensure!(spec.min_stake >= T::MinStake::get(), Error::<T>::StakeTooLow);
		ensure!(
			spec.phase_blocks >= T::MinPhaseBlocks::get()
				&& spec.phase_blocks <= T::MaxPhaseBlocks::get(),
			Error::<T>::PhaseOutOfRange
		);
		ensure!(spec.round_pot >= T::MinRoundPot::get(), Error::<T>::RoundPotTooSmall);
		ensure!(spec.eval_rows > 0, Error::<T>::NoEvalRows);
		if let Aggregation::TrimmedMean { trim } = spec.aggregation {
			ensure!(trim < Percent::from_percent(50), Error::<T>::TrimTooLarge);
		}
		ensure!(
			spec.score_tolerance >= 0 && spec.poison_threshold >= 0,
			Error::<T>::NegativeTolerance
		);
		if let Some(dp) = spec.dp {
			ensure!(dp.clip_norm_milli > 0, Error::<T>::InvalidDpSetting);
		}
		Ok(())
	}

	pub(crate) fn do_create_task(owner: T::AccountId, spec: TaskSpec<T>) -> DispatchResult {
		Self::ensure_valid_spec(&spec)?;
		// Training on the base and scoring on the dataset pay them no usage fee: the owner of
		// the task (and of the trained model) is their user, paying its participants instead.
		T::Registry::ensure_model_usable(&spec.base, TRAINING_USE)?;
		T::Registry::ensure_dataset_usable(&spec.eval_dataset, TRAINING_USE, None)?;
		T::Publisher::ensure_may_publish(spec.target_model, &owner)?;
		let escrow = spec
			.round_pot
			.checked_mul(&BalanceOf::<T>::from(spec.rounds))
			.ok_or(Error::<T>::Overflow)?;

		let id = NextTaskId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let deposit = Self::task_deposit();
		let publication_deposit = Self::publication_deposit();
		deai_primitives::deposits::hold::<T::Currency, _>(
			&HoldReason::StorageDeposit.into(),
			&owner,
			deposit,
		)?;
		deai_primitives::deposits::hold::<T::Currency, _>(
			&HoldReason::PublicationDeposit.into(),
			&owner,
			publication_deposit,
		)?;
		Self::pay_in(&owner, escrow)?;
		// The base and the evaluation data stay while the task trains and scores.
		T::Registry::pin_model(&spec.base)?;
		T::Registry::pin_dataset(&spec.eval_dataset)?;

		let now = frame_system::Pallet::<T>::block_number();
		let first_draw = now.saturating_add(spec.phase_blocks);
		let base = spec.base;
		let (rounds, round_pot) = (spec.rounds, spec.round_pot);
		Tasks::<T>::insert(
			id,
			TrainingTask {
				owner: owner.clone(),
				spec,
				status: TaskStatus::Enrolling { retry_at: first_draw, waits: 0 },
				round: 0,
				last_round: rounds - 1,
				global: None,
				books: Books { escrowed: escrow, left: escrow, ..Default::default() },
				deposit,
				publication_deposit,
				published: None,
			},
		);
		Self::schedule(first_draw, id);
		NextTaskId::<T>::put(next);
		Self::deposit_event(Event::TaskCreated { task: id, owner, base, rounds, round_pot });
		Ok(())
	}

	pub(crate) fn do_end_task(owner: T::AccountId, id: TaskId) -> DispatchResultWithPostInfo {
		let mut task = Tasks::<T>::get(id).ok_or(Error::<T>::TaskNotFound)?;
		ensure!(task.owner == owner, Error::<T>::NotOwner);
		match task.status {
			TaskStatus::Closed => Err(Error::<T>::TaskClosed.into()),
			TaskStatus::Running { .. } => {
				ensure!(task.last_round > task.round, Error::<T>::AlreadyEnding);
				let last_round = task.round;
				task.last_round = last_round;
				Tasks::<T>::insert(id, task);
				Self::deposit_event(Event::TaskEnding { task: id, last_round });
				Ok(Some(T::WeightInfo::end_task()).into())
			},
			TaskStatus::Enrolling { retry_at, .. } => {
				// No round in progress: nothing more is owed to anyone.
				Self::unschedule(retry_at, id);
				task.last_round = task.round;
				Self::deposit_event(Event::TaskEnding { task: id, last_round: task.round });
				Self::close(id, task);
				Ok(().into())
			},
		}
	}

	pub(crate) fn do_join(
		who: T::AccountId,
		id: TaskId,
		role: Role,
		stake: BalanceOf<T>,
	) -> DispatchResult {
		let task = Tasks::<T>::get(id).ok_or(Error::<T>::TaskNotFound)?;
		ensure!(task.status != TaskStatus::Closed, Error::<T>::TaskClosed);
		ensure!(who != task.owner, Error::<T>::OwnerMayNotJoin);
		ensure!(stake >= task.spec.min_stake, Error::<T>::StakeTooLow);
		ensure!(T::Providers::takes_work(&who, role.job_kind()), Error::<T>::NotAProvider);
		if role == Role::Evaluator {
			T::Registry::ensure_dataset_usable(&task.spec.eval_dataset, TRAINING_USE, Some(&who))?;
		}
		let now = frame_system::Pallet::<T>::block_number();
		let mut ledger = Ledgers::<T>::get(id);
		match ledger.iter_mut().find(|m| m.who == who) {
			// A participant that left comes back: its score is still there.
			Some(former) if former.stake.is_zero() && former.earned.is_zero() => {
				former.role = role;
				former.stake = stake;
				former.joined_at = now;
			},
			Some(_) => return Err(Error::<T>::AlreadyMember.into()),
			None => ledger
				.try_push(Member {
					who: who.clone(),
					role,
					stake,
					earned: Zero::zero(),
					score: 0,
					drawn: false,
					joined_at: now,
				})
				.map_err(|_| Error::<T>::TaskFull)?,
		}
		Self::pay_in(&who, stake)?;
		Ledgers::<T>::insert(id, ledger);
		Self::deposit_event(Event::Joined { task: id, who, role, stake });
		Ok(())
	}

	pub(crate) fn do_withdraw(who: T::AccountId, id: TaskId) -> DispatchResult {
		ensure!(Tasks::<T>::contains_key(id), Error::<T>::TaskNotFound);
		let amount = Ledgers::<T>::try_mutate(id, |ledger| {
			let member = ledger.iter_mut().find(|m| m.who == who).ok_or(Error::<T>::NotMember)?;
			ensure!(!member.earned.is_zero(), Error::<T>::NothingToWithdraw);
			Ok::<_, Error<T>>(core::mem::take(&mut member.earned))
		})?;
		Self::pay_out(&who, amount)?;
		Self::deposit_event(Event::Withdrawn { task: id, who, amount });
		Ok(())
	}

	pub(crate) fn do_leave(who: T::AccountId, id: TaskId) -> DispatchResult {
		let task = Tasks::<T>::get(id).ok_or(Error::<T>::TaskNotFound)?;
		let mut ledger = Ledgers::<T>::get(id);
		let position = ledger
			.iter()
			.position(|m| m.who == who && !(m.stake.is_zero() && m.earned.is_zero()))
			.ok_or(Error::<T>::NotMember)?;
		ensure!(!ledger[position].drawn, Error::<T>::DrawnThisRound);
		let member = ledger[position].clone();
		if member.score > 0 && task.status != TaskStatus::Closed {
			// Its contributions still earn it its share of the trained model's royalties.
			ledger[position].stake = Zero::zero();
			ledger[position].earned = Zero::zero();
		} else {
			ledger.remove(position);
		}
		Self::pay_out(&who, member.stake.saturating_add(member.earned))?;
		Self::deposit_event(Event::Left {
			task: id,
			who,
			stake: member.stake,
			earned: member.earned,
		});
		if ledger.is_empty() && task.status == TaskStatus::Closed {
			Self::remove_task(id, &task);
		} else {
			Ledgers::<T>::insert(id, ledger);
		}
		Ok(())
	}

	/// Removes a closed task nobody is a member of any more, releasing its deposit.
	fn remove_task(id: TaskId, task: &TrainingTask<T>) {
		Ledgers::<T>::remove(id);
		Tasks::<T>::remove(id);
		if !deai_primitives::deposits::release::<T::Currency, _>(
			&HoldReason::StorageDeposit.into(),
			&task.owner,
			task.deposit,
		) {
			frame_support::defensive!("a task's deposit was not held");
		}
	}

	/// Closes a task after its last round (or when ended or given up while waiting for
	/// members): refunds the escrow of rounds never played, releases the base and the
	/// evaluation data, publishes the trained model with its participants as contributors, and
	/// removes the task if nobody is a member. Returns whether the model was published (for the
	/// hook's weight).
	pub(crate) fn close(id: TaskId, mut task: TrainingTask<T>) -> bool {
		task.status = TaskStatus::Closed;
		Rounds::<T>::remove(id);
		let refunded = core::mem::take(&mut task.books.left);
		task.books.refunded = task.books.refunded.saturating_add(refunded);
		Self::pay_out_in_hook(&task.owner, refunded);
		let due = core::mem::take(&mut task.books.treasury_due);
		task.books.to_treasury = task.books.to_treasury.saturating_add(due);
		Self::pay_out_in_hook(&T::FeeDestination::get(), due);
		T::Registry::unpin_model(&task.spec.base, None);
		T::Registry::unpin_dataset(&task.spec.eval_dataset, None);
		let publication_deposit = core::mem::take(&mut task.publication_deposit);
		Self::deposit_event(Event::TaskClosed { task: id, model: task.global.clone(), refunded });

		let mut ledger = Ledgers::<T>::get(id);
		let mut published = false;
		if let Some(model) = task.global.clone() {
			let contributors = Self::contributors(&ledger);
			let version = ContributedVersion {
				model: task.spec.target_model,
				hash: model.hash,
				size: model.size,
				uri: model.uri.into_inner(),
				label: alloc::format!("fl-task-{id}").into_bytes(),
				parent: task.spec.base,
				contributors: contributors.clone().into_inner(),
			};
			// Published for the owner by the task's own account: the owner, who sees the
			// aggregate's hash before the close, cannot publish it first under its own name and
			// leave the participants out, and no other task can take the hash first. The
			// owner's publication deposit pays the version's deposit and keeps that account
			// alive; the rest comes back. Everything is undone if the registry refuses.
			let publisher = Self::publishing_account(id);
			let owner = task.owner.clone();
			let outcome = frame_support::storage::with_storage_layer(|| {
				T::Currency::transfer_on_hold(
					&HoldReason::PublicationDeposit.into(),
					&owner,
					&publisher,
					publication_deposit,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
				let (version, deposit) = T::Publisher::publish(&owner, &publisher, version)?;
				// A deposit above what the owner held (the deposit's price raised by an upgrade
				// since the task was created) would be taken from the account's existential
				// deposit.
				let kept = deposit.saturating_add(T::Currency::minimum_balance());
				ensure!(kept <= publication_deposit, Error::<T>::PublicationDepositTooSmall);
				let unused = publication_deposit.saturating_sub(kept);
				if !unused.is_zero() {
					T::Currency::transfer(&publisher, &owner, unused, Preservation::Protect)?;
				}
				Ok::<_, sp_runtime::DispatchError>(version)
			});
			match outcome {
				Ok(version) => {
					task.published = Some(version);
					published = true;
					Self::deposit_event(Event::ModelPublished { task: id, version, contributors });
				},
				Err(error) => Self::deposit_event(Event::PublishFailed { task: id, error }),
			}
		}
		if !published {
			Self::release_publication_deposit(&task.owner, publication_deposit);
		}
		// Participants that left are only kept for their scores, counted now.
		ledger.retain(|m| !(m.stake.is_zero() && m.earned.is_zero()));
		for member in ledger.iter_mut() {
			member.drawn = false;
		}
		if ledger.is_empty() {
			Self::remove_task(id, &task);
		} else {
			Ledgers::<T>::insert(id, ledger);
			Tasks::<T>::insert(id, task);
		}
		published
	}

	fn release_publication_deposit(owner: &T::AccountId, amount: BalanceOf<T>) {
		if !deai_primitives::deposits::release::<T::Currency, _>(
			&HoldReason::PublicationDeposit.into(),
			owner,
			amount,
		) {
			frame_support::defensive!("a task's publication deposit was not held");
		}
	}

	/// The trained model's contributors: the participants with a positive cumulative score,
	/// the best first (as many as a version may name), sharing `ContributorsShare` of its
	/// royalties in proportion to their scores.
	pub(crate) fn contributors(
		ledger: &LedgerOf<T>,
	) -> BoundedVec<(T::AccountId, Perbill), T::MaxMembers> {
		let mut scored: alloc::vec::Vec<&Member<T>> = ledger
			.iter()
			// Only participants score (also those that left, or came back as evaluators).
			.filter(|m| m.score > 0)
			.collect();
		// The best first; ties by join order (the ledger's order, stable sort).
		scored.sort_by_key(|m| core::cmp::Reverse(m.score));
		scored.truncate(T::Publisher::max_contributors() as usize);
		let total: u128 = scored.iter().map(|m| m.score).sum();
		let share = T::ContributorsShare::get();
		let mut out = BoundedVec::new();
		for member in scored {
			let part = Perbill::from_rational(member.score, total) * share;
			if !part.is_zero() {
				// At most `MaxMembers` participants.
				let _ = out.try_push((member.who.clone(), part));
			}
		}
		out
	}

	/// What the pot owes: every task's escrow left and treasury due, and every member's stake
	/// and earnings.
	pub fn liabilities() -> BalanceOf<T> {
		let mut owed = BalanceOf::<T>::zero();
		for (id, task) in Tasks::<T>::iter() {
			owed = owed.saturating_add(task.books.left).saturating_add(task.books.treasury_due);
			for member in Ledgers::<T>::get(id) {
				owed = owed.saturating_add(member.stake).saturating_add(member.earned);
			}
		}
		owed
	}

	/// What the pot can pay while staying alive.
	pub fn pot_reducible() -> BalanceOf<T> {
		T::Currency::reducible_balance(&Self::pot(), Preservation::Preserve, Fortitude::Polite)
	}
}
