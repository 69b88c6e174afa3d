"""What every node model checks first: whole-number inputs, the instance type, the aws-node warm settings.

Shared by the Linux node (ipamd, :mod:`eksadvisor.model.linux`), the Windows node (the VPC resource
controller, :mod:`eksadvisor.model.winipam`), the cluster totals and the warm-pool advice, so none of
them imports another's private helpers.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from eksadvisor.catalog import Catalog, InstanceType, load_catalog
from eksadvisor.errors import InputError

IPS_PER_PREFIX = 16
COOLDOWN_SECONDS = 30  # IP_COOLDOWN_PERIOD default, data_store.go getCooldownPeriod

# manifest defaults (config/master/aws-k8s-cni.yaml, charts/aws-vpc-cni/values.yaml)
MANIFEST_DEFAULTS = {"WARM_ENI_TARGET": 1, "WARM_IP_TARGET": 0, "MINIMUM_IP_TARGET": 0, "WARM_PREFIX_TARGET": 1}


def ceil_div(a: int, b: int) -> int:
    """Integer ceiling division (the code's ``datastore.DivCeil``)."""
    return -(-a // b)


def whole_number(value: Any, field: str, minimum: int = 0) -> int:
    """A whole number >= minimum, or InputError naming the field (bools and floats are not numbers here)."""
    if isinstance(value, bool):
        raise InputError(f"{field}: must be a whole number, not {value!r}.", field=field)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            value = int(text)
    if not isinstance(value, int):
        raise InputError(f"{field}: must be a whole number, not {value!r}.", field=field)
    if value < minimum:
        raise InputError(f"{field}: must be at least {minimum}, got {value}.", field=field)
    return value


def resolve_instance_type(
    instance_type: str | InstanceType, catalog: Catalog | None
) -> tuple[InstanceType, Catalog | None]:
    """The catalog entry for a name (loading the shipped catalog if none is given), or the entry as given."""
    if isinstance(instance_type, InstanceType):
        return instance_type, catalog
    if not isinstance(instance_type, str) or not instance_type.strip():
        raise InputError("instance_type: must be an EC2 instance type name such as m5.large.", field="instance_type")
    catalog = catalog or load_catalog()
    return catalog.get(instance_type, "instance_type"), catalog


# Empty defaults are `default_factory=lambda: []` (or `{}`), not `list`/`dict`: pydantic inspects a factory's
# signature, which for a builtin means parsing its text signature (~6 ms of CLI start-up over all models).


class WarmSettings(BaseModel):
    """The aws-node warm-pool settings; defaults are the shipped manifest's (not the code's: WPT code default is 0)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # field name = the env var in lower case; defaults from MANIFEST_DEFAULTS (one home)
    warm_eni_target: int = MANIFEST_DEFAULTS["WARM_ENI_TARGET"]
    warm_ip_target: int = MANIFEST_DEFAULTS["WARM_IP_TARGET"]
    minimum_ip_target: int = MANIFEST_DEFAULTS["MINIMUM_IP_TARGET"]
    warm_prefix_target: int = MANIFEST_DEFAULTS["WARM_PREFIX_TARGET"]

    def __init__(
        self,
        warm_eni_target: int = MANIFEST_DEFAULTS["WARM_ENI_TARGET"],
        warm_ip_target: int = MANIFEST_DEFAULTS["WARM_IP_TARGET"],
        minimum_ip_target: int = MANIFEST_DEFAULTS["MINIMUM_IP_TARGET"],
        warm_prefix_target: int = MANIFEST_DEFAULTS["WARM_PREFIX_TARGET"],
        **extra: Any,
    ) -> None:
        super().__init__(
            warm_eni_target=warm_eni_target,
            warm_ip_target=warm_ip_target,
            minimum_ip_target=minimum_ip_target,
            warm_prefix_target=warm_prefix_target,
            **extra,
        )

    @field_validator("warm_eni_target", "warm_ip_target", "minimum_ip_target", "warm_prefix_target", mode="before")
    @classmethod
    def _non_negative(cls, value: Any, info: Any) -> int:
        # ipamd silently maps negative values to its code default; here that is a typo to report.
        return whole_number(value, info.field_name)

    @property
    def ip_targets_defined(self) -> bool:
        """``warmIPTargetsDefined``: WARM_IP_TARGET or MINIMUM_IP_TARGET set (non-zero)."""
        return self.warm_ip_target != 0 or self.minimum_ip_target != 0

    def env(self, include_defaults: bool = False) -> dict[str, str]:
        """aws-node env vars (strings, as the add-on expects) that differ from the manifest defaults.

        WARM_IP_TARGET / MINIMUM_IP_TARGET are only listed when set; ``include_defaults`` lists all four.
        """
        values = {
            "WARM_ENI_TARGET": self.warm_eni_target,
            "WARM_IP_TARGET": self.warm_ip_target,
            "MINIMUM_IP_TARGET": self.minimum_ip_target,
            "WARM_PREFIX_TARGET": self.warm_prefix_target,
        }
        return {k: str(v) for k, v in sorted(values.items()) if include_defaults or v != MANIFEST_DEFAULTS[k]}

    def label(self) -> str:
        parts = [f"WARM_ENI_TARGET={self.warm_eni_target}"]
        if self.warm_ip_target:
            parts.append(f"WARM_IP_TARGET={self.warm_ip_target}")
        if self.minimum_ip_target:
            parts.append(f"MINIMUM_IP_TARGET={self.minimum_ip_target}")
        parts.append(f"WARM_PREFIX_TARGET={self.warm_prefix_target}")
        return " ".join(parts)
