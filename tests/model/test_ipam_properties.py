"""Invariants of the ipamd model, and a check of its closed form against a step-by-step simulation.

The simulation below replays the control loop of ipamd-model.md §2 literally (isDatastorePoolTooLow /
TooHigh, increaseDatastorePool with GetAllocatableENIs and hasRoomForEni, decreaseDatastorePool,
shouldRemoveExtraENIs + getDeletableENI), one pod at a time on a fresh node, ticking until the loop
takes no action. Pod placement is either tightly packed (gives the spec's formula values) or random
(Go map order), which must stay inside the model's range.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eksadvisor.catalog import InstanceType, load_catalog
from eksadvisor.model.ipam import WarmSettings, node_usage

PFX = 16


def _itype(E: int, L: int, trunk: bool = True) -> InstanceType:
    return InstanceType(
        instance_type=f"x{E}.l{L}", hypervisor="nitro", bare_metal=False, max_enis=E, ipv4_per_eni=L,
        default_network_card_index=0, network_cards=1, trunking_compatible=trunk, branch_enis=9 if trunk else 0,
        vcpus=2, vcpus_estimated=False,
    )


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


class Sim:
    """One node's ipamd datastore (card 0). ENI = {"primary": bool, "slots": [pods per slot]}."""

    def __init__(self, *, S, E, custom, sgp, pd, W, WIT, MIT, WPT, max_pods, rng=None):
        self.S, self.E, self.custom, self.sgp, self.pd = S, E, custom, sgp, pd
        self.W, self.WIT, self.MIT, self.WPT, self.max_pods = W, WIT, MIT, WPT, max_pods
        self.per = PFX if pd else 1
        self.rng = rng
        self.enis = [{"primary": True, "slots": []}]
        self.A = 0

    # --- stats
    def pool(self):
        return [e for e in self.enis if not (self.custom and e["primary"])]

    def k(self):
        return sum(len(e["slots"]) for e in self.pool())

    def T(self):
        return self.k() * self.per

    def free_pfx(self):
        return sum(1 for e in self.pool() for s in e["slots"] if s == 0)

    def ipt(self):
        return self.WIT != 0 or self.MIT != 0

    def target_state(self):
        T, A = self.T(), self.A
        avail = T - A
        short = max(self.WIT - avail, 0)
        short = max(short, self.MIT - T)
        over = max(avail - self.WIT, 0)
        over = max(min(over, T - self.MIT), 0)
        if self.pd:
            short = _ceil(short, PFX)
            k = self.k()
            need_w = _ceil(A + self.WIT, PFX)
            need_m = _ceil(self.MIT, PFX)
            over = max(min(self.free_pfx(), k - need_w, k - need_m), 0)
        return short, over

    def too_low(self):
        T = self.T()
        if self.max_pods <= T:
            return False
        avail = T - self.A
        if self.ipt():
            return self.target_state()[0] > 0
        if self.pd:
            return avail < PFX * self.WPT or (self.WPT == 0 and avail == 0)
        return avail < self.S * self.W or (self.W == 0 and avail == 0)

    def too_high(self):
        if self.ipt():
            return self.target_state()[1] > 0
        if self.pd:
            return self.free_pfx() > self.WPT
        return False

    def room(self):
        trunk = 1 if self.sgp else 0
        return len(self.enis) < self.E - trunk

    # --- actions
    def increase(self):
        if self.pd:
            wanted = max(1, self.target_state()[0]) if self.ipt() else max(1, self.WPT - self.free_pfx())
        else:
            wanted = self.target_state()[0] if self.ipt() else self.S
        for e in self.pool():
            if len(e["slots"]) < self.S:
                e["slots"] += [0] * min(self.S - len(e["slots"]), wanted)
                return True
        if self.room():
            if self.pd:
                n = min(wanted, self.S)
            else:
                n = min(self.target_state()[0], self.S) if self.ipt() else self.S
            self.enis.append({"primary": False, "slots": [0] * n, "new": True})
            return True
        return False

    def decrease(self):
        if self.ipt():
            count = self.target_state()[1]
        else:
            count = max(self.free_pfx() - self.WPT, 0)
        released = 0
        for e in reversed(self.pool()):
            i = len(e["slots"]) - 1
            while i >= 0 and released < count:
                if e["slots"][i] == 0:
                    del e["slots"][i]
                    released += 1
                i -= 1
        return released > 0

    def should_remove(self):
        avail = self.T() - self.A
        if self.ipt():
            return True
        if self.pd:
            return avail >= (self.WPT + 1) * PFX * self.S or any(
                not e["primary"] and sum(e["slots"]) == 0 for e in self.enis)
        return avail >= (self.W + 1) * self.S

    def try_free_eni(self):
        for e in self.enis:
            if e["primary"] or sum(e["slots"]) > 0 or e.get("new"):  # minENILifeTime: not in its first tick
                continue
            others = [o for o in self.pool() if o is not e]
            free_addr = sum(len(o["slots"]) * self.per - sum(o["slots"]) for o in others)
            addrs = sum(len(o["slots"]) * self.per for o in others)
            free_p = sum(1 for o in others for s in o["slots"] if s == 0)
            if self.WIT > 0 and free_addr < (_ceil(self.WIT, PFX) * PFX if self.pd else self.WIT):
                continue
            if self.MIT > 0 and addrs < (_ceil(self.MIT, PFX) * PFX if self.pd else self.MIT):
                continue
            if self.pd and self.WPT > 0 and free_p < self.WPT:
                continue
            self.enis.remove(e)
            return True
        return False

    def tick(self):
        for e in self.enis:
            e.pop("new", None)
        acted = False
        if self.too_low():
            acted = self.increase()
        elif self.too_high():
            acted = self.decrease()
        if self.should_remove():
            acted = self.try_free_eni() or acted
        return acted

    def snapshot(self):
        return (self.k(), len(self.enis), self.A, tuple(tuple(e["slots"]) for e in self.enis))

    def settle(self):
        """Tick until no action; on a cycle return every state of it (the oscillation)."""
        seen = {}
        states = []
        for _ in range(10_000):
            snap = self.snapshot()
            if snap in seen:
                cycle = states[seen[snap]:]
                return cycle
            seen[snap] = len(states)
            states.append(snap)
            if not self.tick():
                return [self.snapshot()]
        raise AssertionError("no convergence")

    def place(self):
        free = [(ei, si) for ei, e in enumerate(self.enis) if not (self.custom and e["primary"])
                for si, s in enumerate(e["slots"]) if s < self.per]
        if not free:
            return False
        if self.rng is None:
            ei, si = free[0]
        else:
            enis = sorted({ei for ei, _ in free})
            ei = self.rng.choice(enis)
            si = self.rng.choice([s for e2, s in free if e2 == ei])
        self.enis[ei]["slots"][si] += 1
        self.A += 1
        return True


def simulate(S, E, custom, sgp, pd, W, WIT, MIT, WPT, max_pods, pods, rng=None):
    sim = Sim(S=S, E=E, custom=custom, sgp=sgp, pd=pd, W=W, WIT=WIT, MIT=MIT, WPT=WPT, max_pods=max_pods, rng=rng)
    sched = min(pods, max_pods)
    cycle = sim.settle()
    for _ in range(sched):
        if len(cycle) > 1:  # oscillating: the pod gets an address in the cycle's fullest state
            best = max(cycle, key=lambda s: s[0])
            while sim.snapshot() != best:
                sim.tick()
        if not sim.place():
            break
        cycle = sim.settle()
    ks = [c[0] for c in cycle]
    pool_enis = [len(list(c[3])) for c in cycle]
    return {"k": (min(ks), max(ks)), "enis": (min(pool_enis), max(pool_enis)), "placed": sim.A}


params = st.fixed_dictionaries({
    "E": st.integers(1, 6), "L": st.integers(2, 12), "custom": st.booleans(), "sgp": st.booleans(),
    "pd": st.booleans(), "W": st.integers(0, 3), "WIT": st.integers(0, 20), "MIT": st.integers(0, 40),
    "WPT": st.integers(0, 3), "max_pods": st.integers(1, 250), "pods": st.integers(0, 200),
})


def _model(p):
    return node_usage(
        _itype(p["E"], p["L"]), p["pods"], prefix_delegation=p["pd"], custom_networking=p["custom"], sgp=p["sgp"],
        warm=WarmSettings(warm_eni_target=p["W"], warm_ip_target=p["WIT"], minimum_ip_target=p["MIT"],
                          warm_prefix_target=p["WPT"]),
        max_pods=p["max_pods"],
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params)
def test_closed_form_matches_step_simulation_tightly_packed(p):
    """The closed form equals the literal §2 loop (tight packing) for every mode, cap and gate."""
    if p["pd"]:
        assume(p["pods"] <= 120)
    if p["custom"] and p["E"] - 1 - (1 if p["sgp"] else 0) < 1:
        assume(False)  # no pod ENI possible: node init fails (checked separately)
    u = _model(p)
    sim = simulate(p["L"] - 1, p["E"], p["custom"], p["sgp"], p["pd"], p["W"], p["WIT"], p["MIT"], p["WPT"],
                   p["max_pods"], p["pods"])
    k_model = (u.range.prefixes.min, u.range.prefixes.max) if u.mode == "prefix" else (
        u.range.secondary_ips.min, u.range.secondary_ips.max)
    if u.range.deterministic or "oscillation" in u.flag_ids:
        assert sim["k"] == k_model, (p, sim, k_model)
    else:  # WPT >= 2: tight packing is the lower end of the model's range
        assert sim["k"][0] == k_model[0] and sim["k"][1] == sim["k"][0], (p, sim, k_model)
    # pod ENIs (datastore ENIs include the custom-networking primary)
    base = 1 if p["custom"] else 0
    trunk = u.trunk_enis
    assert (sim["enis"][0], sim["enis"][1]) == (u.range.enis.min - trunk, u.range.enis.max - trunk) or not (
        u.range.deterministic or "oscillation" in u.flag_ids), (p, sim, u.range.enis)
    if u.range.deterministic:
        assert sim["placed"] == u.pods_with_ip, (p, sim, u.pods_with_ip)
    assert base <= u.enis


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(E=st.integers(1, 6), L=st.integers(2, 12), custom=st.booleans(), WPT=st.integers(2, 4),
       max_pods=st.integers(16, 250), pods=st.integers(1, 120), seed=st.integers(0, 2**16))
def test_random_placement_stays_inside_the_range(E, L, custom, WPT, max_pods, pods, seed):
    """WARM_PREFIX_TARGET >= 2 with pods placed at random: the held prefixes stay inside [min, max]."""
    assume(not custom or E >= 2)
    p = dict(E=E, L=L, custom=custom, sgp=False, pd=True, W=1, WIT=0, MIT=0, WPT=WPT, max_pods=max_pods, pods=pods)
    u = _model(p)
    sim = simulate(L - 1, E, custom, False, True, 1, 0, 0, WPT, max_pods, pods, rng=random.Random(seed))
    assert u.range.prefixes.min <= sim["k"][0] <= sim["k"][1] <= u.range.prefixes.max, (p, sim, u.range.prefixes)


# ------------------------------------------------------------------------------ plain invariants

real_types = st.sampled_from(["m5.large", "m5.xlarge", "m5.4xlarge", "t3.medium", "t3.small", "c5.18xlarge", "p3dn.24xlarge", "m4.large", "t2.micro"])
warm = st.builds(WarmSettings, warm_eni_target=st.integers(0, 3), warm_ip_target=st.integers(0, 40),
                 minimum_ip_target=st.integers(0, 60), warm_prefix_target=st.integers(0, 4))


@settings(max_examples=300, deadline=None)
@given(t=real_types, w=warm, pd=st.booleans(), custom=st.booleans(), sgp=st.booleans(),
       max_eni=st.one_of(st.none(), st.integers(1, 16)), pods=st.integers(0, 300), extra=st.integers(1, 40))
def test_counts_never_fall_as_pods_rise(t, w, pd, custom, sgp, max_eni, pods, extra):
    cat = load_catalog()
    kw = dict(prefix_delegation=pd, custom_networking=custom, warm=w, sgp=sgp, max_eni=max_eni, catalog=cat)
    a, b = node_usage(t, pods, **kw), node_usage(t, pods + extra, **kw)
    for key in ("enis", "secondary_ips", "prefixes", "node_subnet_addresses", "pod_subnet_addresses", "subnet_addresses", "pods_with_ip"):
        assert getattr(b, key) >= getattr(a, key), (key, getattr(a, key), getattr(b, key))
        assert getattr(b.range, key if key != "pods_with_ip" else "enis").max >= getattr(a.range, key if key != "pods_with_ip" else "enis").max


@settings(max_examples=300, deadline=None)
@given(t=real_types, w=warm, pd=st.booleans(), custom=st.booleans(), sgp=st.booleans(),
       max_eni=st.one_of(st.none(), st.integers(1, 16)), pods=st.integers(0, 800), max_pods=st.one_of(st.none(), st.integers(1, 800)))
def test_structural_invariants(t, w, pd, custom, sgp, max_eni, pods, max_pods):
    cat = load_catalog()
    it = cat.get(t)
    u = node_usage(t, pods, prefix_delegation=pd, custom_networking=custom, warm=w, sgp=sgp, max_eni=max_eni,
                   max_pods=max_pods, catalog=cat)
    # ENIs never exceed the cap: ipamd's own ENIs stay within MAX_ENI/instance limit less the trunk slot
    managed = u.enis - u.trunk_enis
    # (the trunk slot is held back only on trunking-compatible types: ipamd.go hasRoomForEni, maxpods.trunk_slot_reserved)
    from eksadvisor.model.maxpods import trunk_slot_reserved

    assert managed <= max(1, u.eni_cap - (1 if trunk_slot_reserved(it, sgp) else 0)) or (not custom and managed == 1)
    assert u.enis <= it.max_enis
    assert u.pod_enis <= u.pod_eni_cap or (u.pod_enis == 1 and not custom)
    # subnet addresses = ENIs + secondary IPs, or ENIs + 16 x prefixes
    if u.mode == "prefix":
        assert u.secondary_ips == 0
        assert u.subnet_addresses == u.enis + 16 * u.prefixes
    else:
        assert u.prefixes == 0
        assert u.subnet_addresses == u.enis + u.secondary_ips
    assert u.subnet_addresses == u.node_subnet_addresses + u.pod_subnet_addresses
    # custom networking costs exactly 1 node-subnet address per node; otherwise the pod subnet is unused
    if custom:
        assert u.node_subnet_addresses == 1
    else:
        assert u.pod_subnet_addresses == 0
    # free and placed pods add up; ranges are ordered and contain the main figures
    assert u.free_ips == u.pod_addresses - u.pods_with_ip >= 0
    assert u.pods_with_ip + u.unplaced_pods == pods
    for key in ("enis", "secondary_ips", "prefixes", "subnet_addresses", "node_subnet_addresses", "pod_subnet_addresses"):
        r = getattr(u.range, key)
        assert r.min <= getattr(u, key) <= r.max
    # the kubelet gate: growth stops within one step (at most one ENI of S IPs) past max-pods
    if u.mode == "secondary_ip":
        assert u.range.pod_addresses.max < u.max_pods + it.ipv4_per_eni - 1


@settings(max_examples=200, deadline=None)
@given(t=real_types, w=warm, pd=st.booleans(), sgp=st.booleans(), pods=st.integers(0, 300))
def test_custom_networking_costs_one_node_address(t, w, pd, sgp, pods):
    u = node_usage(t, pods, prefix_delegation=pd, custom_networking=True, warm=w, sgp=sgp)
    assert u.node_subnet_addresses == 1
    assert u.range.node_subnet_addresses.min == u.range.node_subnet_addresses.max == 1
