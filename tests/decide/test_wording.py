"""eksadvisor.wording.plain: internal confidence labels and references in plain words for users (issue 14 item 8)."""

from __future__ import annotations

import re

import pytest

from eksadvisor.wording import BEST_PRACTICES_URL, plain
from tests.conftest import EXAMPLES

# What a user must not read: the project's working words (the JSON keeps them; people get plain words).
INTERNAL = re.compile(r"\b(SEED|DERIVED|UNCONFIRMED|CONFLICT)\b|\bseed's\b|project seed|spec §|ipamd-model\.md|docs/[\w-]+\.md")


@pytest.mark.parametrize(("raw", "want"), [
    ("[CONFLICT] The seed's tuning table gives WARM_PREFIX_TARGET a default of 1.",
     "AWS's sources disagree; we follow the VPC CNI code: The EKS Best Practices Guide's tuning table gives "
     "WARM_PREFIX_TARGET a default of 1."),
    ("[UNCONFIRMED] macvlan on EKS.", "Not confirmed by AWS: macvlan on EKS."),
    ("v4.1.4-eksbuild.3 manifest and upstream v4.2.3 (CONFLICT/UNCONFIRMED); x",
     "v4.1.4-eksbuild.3 manifest and upstream v4.2.3 (AWS's sources disagree; we follow the VPC CNI code; "
     "not confirmed by AWS); x"),
    ("Windows nodes (UNCONFIRMED): this plan", "Windows nodes (not confirmed by AWS): this plan"),
    ("(DERIVED from the EKS troubleshooting note on 172.17.0.0/16).",
     "(derived from the EKS troubleshooting note on 172.17.0.0/16)."),
    ("[SEED] EKS best practices networking guide (project seed), sections Subnet Planning",
     f"EKS Best Practices Guide, Networking ({BEST_PRACTICES_URL}), sections Subnet Planning"),
    ("after scale-down ipamd can hold more (spec §4.8).",
     "after scale-down ipamd can hold more (derived from the VPC CNI source: ENI release after scale-down, "
     "tryFreeENI in pkg/ipamd/ipamd.go and getDeletableENI in pkg/ipamd/datastore/data_store.go)."),
    ("holds the settled ipamd state of a fresh node (ipamd-model.md §3); ",
     "holds the settled ipamd state of a fresh node (derived from the VPC CNI source: ipamd's settled pool, "
     "isDatastorePoolTooLow and isDatastorePoolTooHigh in pkg/ipamd/ipamd.go); "),
    ("Plain text stays as it is.", "Plain text stays as it is."),
])
def test_plain_words(raw, want):
    assert plain(raw) == want
    assert plain(want) == want  # idempotent: rendering twice changes nothing


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_no_internal_words_left_in_what_users_read(example):
    from eksadvisor.decide.advisor import advise

    rec = advise(example)
    texts = [t for w in rec.warnings for t in (w.message, w.remediation, w.source)]
    texts += [t for s in rec.trace for t in (s.reason, s.source)] + [a.reason for a in rec.alternatives]
    texts += [n for d in rec.max_pods_detail.values() for n in d.get("notes", [])]
    left = [plain(t) for t in texts if INTERNAL.search(plain(t))]
    assert not left, left
