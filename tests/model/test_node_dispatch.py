"""One Linux/Windows dispatch (eksadvisor.model.node): the OS picks the node model, nothing else does."""

from __future__ import annotations

import pytest

from eksadvisor.errors import InputError
from eksadvisor.model.ipam import NodeGroupLoad, WarmSettings, cluster_usage, ip_usage, node_usage, node_usage_for
from eksadvisor.model.node import ip_usage_for
from eksadvisor.model.winipam import windows_ip_usage, windows_node_usage


def test_windows_goes_to_the_resource_controller_model():
    assert node_usage_for("windows", "c5.large", 6) == windows_node_usage("c5.large", 6)
    assert node_usage_for("windows", "m5.4xlarge", 4, windows_warm_ip_target=2, windows_minimum_ip_target=0) == \
        windows_node_usage("m5.4xlarge", 4, warm_ip_target=2, minimum_ip_target=0)


def test_linux_goes_to_the_ipamd_model():
    kw = {"prefix_delegation": True, "warm": WarmSettings(warm_prefix_target=2), "max_pods": 110, "sgp": True}
    assert node_usage_for("linux", "m5.large", 20, **kw) == node_usage("m5.large", 20, **kw)


def test_linux_only_options_do_not_reach_a_windows_node():
    plain = windows_node_usage("c5.large", 6)
    assert node_usage_for("windows", "c5.large", 6, prefix_delegation=True, custom_networking=True, sgp=True,
                          max_eni=1, max_pods=3, warm=WarmSettings(warm_eni_target=0)) == plain


def test_windows_targets_do_not_reach_a_linux_node():
    assert node_usage_for("linux", "m5.large", 20, windows_warm_ip_target=9) == node_usage("m5.large", 20)


def test_unknown_os_is_an_input_error():
    with pytest.raises(InputError):
        node_usage_for("macos", "m5.large", 1)


def test_ip_usage_for_both():
    assert ip_usage_for("windows", "c5.large", 5, nodes=3) == windows_ip_usage("c5.large", 5, nodes=3)
    assert ip_usage_for("linux", "m5.large", 20, nodes=3) == ip_usage("m5.large", 20, nodes=3)


def test_cluster_usage_costs_a_windows_group_with_the_windows_model():
    win = NodeGroupLoad(name="win", instance_type="c5.large", desired_nodes=2, max_nodes=2, pods_per_node=6,
                        os="windows", prefix_delegation=True)
    group = cluster_usage([win], ["a", "b"]).groups[0]
    assert group.per_node == windows_node_usage("c5.large", 6)
