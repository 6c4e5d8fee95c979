//! Runtime API queries.

use super::*;

#[test]
fn lineage_flags_a_recalled_ancestor_in_descendants() {
	new_test_ext().execute_with(|| {
		let id = model(ALICE);
		let a = publish(ALICE, id, 1, vec![], Perbill::zero());
		let b = publish(ALICE, id, 2, vec![a], Perbill::zero());
		let c = publish(ALICE, id, 3, vec![b], Perbill::zero());
		let lineage = Registry::lineage(c, 4).unwrap();
		assert_eq!(lineage.ancestors.iter().map(|n| n.version).collect::<Vec<_>>(), vec![c, b, a]);
		assert!(!lineage.recalled_ancestor);
		assert_ok!(Registry::set_model_version_status(
			RuntimeOrigin::signed(ALICE),
			a,
			VersionStatus::Yanked
		));
		assert!(Registry::lineage(c, 4).unwrap().recalled_ancestor);
		assert!(!Registry::lineage(c, 1).unwrap().recalled_ancestor, "depth-bounded");
		let from_a = Registry::lineage(a, 4).unwrap();
		assert_eq!(
			from_a.descendants.iter().map(|n| (n.version, n.distance)).collect::<Vec<_>>(),
			vec![(b, 1), (c, 2)]
		);
		assert_eq!(Registry::version_by_hash(hash(2), &ALICE), Some(VersionRef::Model(b)));
		assert_eq!(Registry::version_by_hash(hash(2), &BOB), None);
		assert_eq!(Registry::version_by_hash(hash(200), &ALICE), None);
		assert_eq!(Registry::versions_by_hash(hash(2)), vec![(ALICE, VersionRef::Model(b))]);
		let (info, versions) = Registry::model_with_versions(id).unwrap();
		assert_eq!(info.live_versions, 3);
		assert_eq!(versions.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![0, 1, 2]);
	});
}
