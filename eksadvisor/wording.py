"""Plain words for users: the one place that renders the engine's internal confidence labels and references.

The engine's texts carry the project's working vocabulary: confidence labels (``[CONFLICT]``, ``UNCONFIRMED``,
``DERIVED``), the "seed" (the EKS Best Practices Guide's networking chapter the project started from) and
sections of the team's ipamd model ("spec §4.8", "ipamd-model.md §3"). Those stay in the machine-readable
output (JSON/YAML, ``status`` in data/rules.yaml). What a person reads (the app, the Markdown/HTML/PDF reports,
the CLI's error line) goes through :func:`plain`, which names each confidence in plain words and each source as
a reader can find it: the AWS document's title and address, or the VPC CNI file and function.

Pure string work, no imports beyond ``re``: cheap on every path.
"""

from __future__ import annotations

import re

#: Confidence labels -> what they mean for a reader.
CONFIDENCE = {
    "CONFLICT": "AWS's sources disagree; we follow the VPC CNI code",
    "UNCONFIRMED": "not confirmed by AWS",
    "DERIVED": "derived from the VPC CNI source",
}

#: A finding's ``confidence`` field -> plain words.
CONFIDENCE_FIELD = {
    "cited": "AWS documents this",
    "documented": "AWS documents this",
    "derived": "derived from the VPC CNI source",
    "unconfirmed": "not confirmed by AWS",
    "conflict": "AWS's sources disagree; we follow the VPC CNI code",
}

#: The "seed": AWS's EKS Best Practices Guide, networking chapter.
BEST_PRACTICES = "EKS Best Practices Guide"
BEST_PRACTICES_URL = "https://docs.aws.amazon.com/eks/latest/best-practices/networking.html"

_IPAMD = "pkg/ipamd/ipamd.go"
_DATASTORE = "pkg/ipamd/datastore/data_store.go"
#: Sections of the team's ipamd model -> the VPC CNI source they are derived from
#: (aws/amazon-vpc-cni-k8s; the model's own citation index, §8).
MODEL_SECTIONS = {
    "2": f"the ipamd control loop, updateIPPoolIfRequired in {_IPAMD}",
    "3": f"ipamd's settled pool, isDatastorePoolTooLow and isDatastorePoolTooHigh in {_IPAMD}",
    "4.2": f"the max-pods gate in isDatastorePoolTooLow, {_IPAMD}",
    "4.7": f"the IP cooldown, UnassignPodIPAddress and getUnusedIP in {_DATASTORE}",
    "4.8": f"ENI release after scale-down, tryFreeENI in {_IPAMD} and getDeletableENI in {_DATASTORE}",
    "7.7": f"ENI growth, increaseDatastorePool and tryAllocateENI in {_IPAMD}",
}

_LABELS = "|".join(CONFIDENCE)
_SECTION = r"§\s?(\d+(?:\.\d+)?)(?:\([a-z]\))?(?:\s*-\s*\(?[a-z]\)?)?"


def _model_ref(match: re.Match[str]) -> str:
    section = match.group(1)
    where = MODEL_SECTIONS.get(section) or MODEL_SECTIONS.get(section.split(".")[0]) or f"ipamd in {_IPAMD}"
    return f"derived from the VPC CNI source: {where}"


def _labels_in_parens(match: re.Match[str]) -> str:
    words = [CONFIDENCE[w] for w in re.findall(_LABELS, match.group(0))]
    return "(" + "; ".join(words) + ")"


def confidence(value: str) -> str:
    """A ``confidence`` value ("cited", "derived", "unconfirmed", ...) in plain words (unknown values unchanged)."""
    return CONFIDENCE_FIELD.get(str(value).strip().lower(), str(value))


def plain(text: str) -> str:
    """``text`` with the internal confidence labels and references in plain words (idempotent)."""
    if not text:
        return text
    out = str(text)
    # "[CONFLICT] message" (rules with a status) -> "AWS's sources disagree; ...: message"
    out = re.sub(rf"^\[({_LABELS})\]\s*", lambda m: CONFIDENCE[m.group(1)][0].upper() + CONFIDENCE[m.group(1)][1:] + ": ", out)
    # "(CONFLICT, UNCONFIRMED)", "(CONFLICT/UNCONFIRMED)", "(UNCONFIRMED)"
    out = re.sub(rf"\((?:{_LABELS})(?:\s*[,/]\s*(?:{_LABELS}))*\)", _labels_in_parens, out)
    # "[UNCONFIRMED]" / "[DERIVED]" tags inside a text
    out = re.sub(rf"\[({_LABELS})\]", lambda m: f"({CONFIDENCE[m.group(1)]})", out)
    out = re.sub(r"\bDERIVED from\b", "derived from", out)
    out = re.sub(r"\ba CONFLICT between sources\b", "a point on which AWS's sources disagree", out)
    out = re.sub(rf"\b({_LABELS})\b", lambda m: CONFIDENCE[m.group(1)], out)
    # The seed: AWS's EKS Best Practices Guide (networking).
    out = re.sub(r"\[SEED\]\s*", "", out)
    out = re.sub(r"EKS best practices networking guide \(project seed\)", f"{BEST_PRACTICES}, Networking ({BEST_PRACTICES_URL})", out)
    out = re.sub(r"\(project seed\)", f"({BEST_PRACTICES_URL})", out)
    out = re.sub(r"\bseed '([^']+)' \([\w.]+\.txt\)", rf"{BEST_PRACTICES}, '\1' ({BEST_PRACTICES_URL})", out)
    out = re.sub(r"\b([Tt])he seed's\b", rf"\1he {BEST_PRACTICES}'s", out)
    out = re.sub(r"\bthe seed\b", f"the {BEST_PRACTICES}", out)
    out = re.sub(r"\bseed table\b", f"{BEST_PRACTICES} table", out)
    out = re.sub(r"\bseed:", f"{BEST_PRACTICES}:", out)
    # The team's ipamd model -> the VPC CNI source it is derived from.
    out = re.sub(rf"\b(?:spec|ipamd-model\.md)\s+{_SECTION}", _model_ref, out)
    out = re.sub(r"\bipamd-model\.md\b", "derived from the VPC CNI source (aws/amazon-vpc-cni-k8s, pkg/ipamd)", out)
    return out
