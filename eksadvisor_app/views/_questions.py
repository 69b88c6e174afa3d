"""The questionnaire widgets: one topic at a time, defaults shown, the answers validated as they change.

What to ask, in which order and when comes from the engine (``eksadvisor.decide.questionnaire`` reads
data/questionnaire.yaml). The widgets only build the plain answers dict kept in session state: a value
equal to the question's default is left out, so the dict (and the shareable URL) holds what the user
chose. The engine validates the dict; its InputError names the field and the message is shown under that
field's widget. Nothing here knows a domain rule.
"""

from __future__ import annotations

import copy
import re
from itertools import pairwise
from typing import Any

import pandas as pd
import streamlit as st

from eksadvisor.answers import validate_answers
from eksadvisor.decide import questionnaire as qmod
from eksadvisor_app.views._common import Fields, catalog, set_answers

TOPIC = "q_topic"  # the title of the topic on screen: the one source of truth for it (a plain key, kept across pages)
TOPIC_BAR = "q_topic_bar"  # the topic bar's widget key: a mirror of TOPIC, written before the bar is drawn
DONE = "q_done"  # the user reached the end once (or loaded answers): show the recommendation
GEN = "q_gen"  # widget generation: part of every widget key
_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


def _key(name: str) -> str:
    return f"q{st.session_state.get(GEN, 0)}_{name}"


def reset(done: bool = False) -> None:
    """Start a new generation of widgets (after an upload or a start-over), so they show the new answers.

    Deleting widget keys is not enough: the browser sends the old widget values with the next rerun. New keys
    make new widgets, initialised from the answers.
    """
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
    st.session_state.pop(TOPIC, None)  # back to the first topic
    st.session_state[DONE] = done


def _go(title: str) -> None:
    """Back/Next: a button callback, so it runs before the script and the page is drawn on the new topic."""
    st.session_state[TOPIC] = title


def _picked() -> None:
    """The topic bar's callback: a click on a topic becomes the current topic."""
    if st.session_state.get(TOPIC_BAR):
        st.session_state[TOPIC] = st.session_state[TOPIC_BAR]


# ----------------------------------------------------------------------- paths in the plain answers dict

def _parts(path: str) -> list[str | int]:
    out: list[str | int] = []
    for part in path.split("."):
        m = _INDEX.match(part)
        if m:
            out += [m.group(1), int(m.group(2))]
        else:
            out.append(part)
    return out


def get_value(data: Any, path: str, default: Any) -> Any:
    node = data
    for part in _parts(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
    return node


def set_value(data: dict[str, Any], path: str, value: Any, default: Any) -> None:
    """Set ``path`` to ``value``; a value equal to the default is removed instead (and emptied parents with it)."""
    parts = _parts(path)
    node: Any = data
    trail = []
    for part, nxt in pairwise(parts):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            child = node[part]
        else:
            child = node.setdefault(part, [] if isinstance(nxt, int) else {})
        trail.append((node, part))
        node = child
    last = parts[-1]
    if value == default:
        if isinstance(node, dict):
            node.pop(last, None)
        for parent, key in reversed(trail):  # drop emptied mappings, never list items (their index matters)
            if isinstance(parent, dict) and parent[key] == {}:
                del parent[key]
            else:
                break
    else:
        node[last] = value


# ---------------------------------------------------------------------------------------- widgets

def _fmt_default(q: Any) -> str:
    d = q.default
    if isinstance(d, bool):
        return "yes" if d else "no"
    if d in ([], None, ""):
        return "none"
    if isinstance(d, list):
        return ", ".join(map(str, d))
    return str(d)


def _split(text: str) -> list[str]:
    return [t.strip() for t in str(text).replace("\n", ",").split(",") if t.strip()]


def _widget(q: Any, path: str, value: Any) -> Any:
    """One widget for one question; returns the value in the answers' own types."""
    key = _key(path)
    label = q.text
    v = q.validation
    if q.type == "bool":
        return st.toggle(label, value=bool(value), key=key, help=q.help)
    if q.type == "int":
        # No min_value/max_value: Streamlit's own bounds only flag a value with a small "!" and keep the old one,
        # silently. The engine checks the range and its sentence lands under the field (the caption states it).
        return int(st.number_input(label, value=int(value), step=1, key=key, help=q.help))
    if q.type == "float":
        return float(st.number_input(label, value=float(value), step=0.5, key=key, help=q.help))
    if q.type == "choice":
        choices = list(v.get("choices") or [value])
        if value not in choices:
            choices.append(value)
        return st.segmented_control(label, choices, default=value, key=key, help=q.help, required=True)
    if q.type == "string_list" and path.endswith("instance_types"):
        names = sorted(t.instance_type for t in catalog())
        unknown = [t for t in value if t not in names]
        # select_all=False: Streamlit's "Select N matches" entry is the first in the list while typing, so Enter
        # after a typed name selected every match; now Enter picks the first matching type.
        return st.multiselect(label, names + unknown, default=list(value), key=key, help=q.help, select_all=False,
                              filter_mode="contains")
    if q.type in ("cidr_list", "string_list"):
        return _split(st.text_input(label, value=", ".join(map(str, value)), key=key, help=q.help,
                                    placeholder="comma-separated"))
    if q.type == "az_count_or_list":
        text = st.text_input(label, value=", ".join(value) if isinstance(value, list) else str(value), key=key,
                             help=q.help, placeholder="3, or us-east-1a, us-east-1b")
        items = _split(text)
        return int(items[0]) if len(items) == 1 and items[0].isdigit() else (items[0] if len(items) == 1 else items)
    if q.type == "list":
        columns = list(q.item_fields)
        frame = pd.DataFrame(value or [], columns=columns).astype(object)
        edited = st.data_editor(frame, num_rows="dynamic", key=key, width="stretch")
        st.caption(label)
        rows = []
        for row in edited.to_dict("records"):
            clean = {k: val for k, val in row.items() if val is not None and not (isinstance(val, float) and pd.isna(val)) and val != ""}
            if clean:
                rows.append({k: int(val) if k.endswith("_ips") and str(val).isdigit() else val for k, val in clean.items()})
        return rows
    return st.text_input(label, value=str(value), key=key, help=q.help)  # string, cidr


def _ask(q: Any, path: str, answers: dict[str, Any], fields: Fields) -> None:
    value = get_value(answers, path, copy.deepcopy(q.default))
    new = _widget(q, path, value)
    fields.slot(path)
    v = q.validation
    allowed = f" · from {v['min']} to {v['max']}" if "min" in v and "max" in v else ""
    st.caption(f"Default: {_fmt_default(q)}{allowed}")
    set_value(answers, path, new, q.default)


# ----------------------------------------------------------------------------------- the questionnaire

def _topic_bar(titles: list[str]) -> int:
    """The topic bar and progress; the index of the topic on screen."""
    if st.session_state.get(TOPIC) not in titles:
        st.session_state[TOPIC] = titles[0]
    step = titles.index(st.session_state[TOPIC])
    st.subheader("Questions")
    # The bar shows TOPIC by writing its widget state (no default=), which Streamlit sends to the browser with
    # this run. Popping the key and passing a new default instead (as before) left the browser on the old
    # selection, sent back with the next interaction: an edit on the new topic jumped back and was lost.
    st.session_state[TOPIC_BAR] = titles[step]
    st.segmented_control("Topic", titles, key=TOPIC_BAR, required=True, label_visibility="collapsed", on_change=_picked)
    st.progress((step + 1) / len(titles), text=f"Topic {step + 1} of {len(titles)}: {titles[step]}")
    return step


def _node_group_questions(group_qs: list[Any], working: dict[str, Any], fields: Fields) -> None:
    """The per-node-group questions, one column per group (at most three columns)."""
    existing = len(working.get("node_groups") or []) or 1
    count = st.number_input("How many node groups?", min_value=1, max_value=10, value=existing, key=_key("groups"))
    if "node_groups" in working:
        del working["node_groups"][int(count):]
    cols = st.columns(min(int(count), 3))
    for i in range(int(count)):
        with cols[i % len(cols)]:
            st.markdown(f"**Node group {i + 1}**")
            for q in group_qs:
                _ask(q, q.id.replace("node_groups[]", f"node_groups[{i}]"), working, fields)
    groups = working.get("node_groups")
    if groups is not None:  # a group left at every default is still a group
        working["node_groups"] = [g or {} for g in groups]
        if working["node_groups"] == [{}]:
            del working["node_groups"]


def _navigation(titles: list[str], step: int, working: dict[str, Any], valid: bool) -> None:
    """Back / Next, and on the last topic the button that shows the recommendation."""
    back, nxt = st.columns(2)
    if step > 0:
        back.button("Back", key=_key("back"), icon=":material/arrow_back:", on_click=_go, args=(titles[step - 1],))
    if step < len(titles) - 1:
        nxt.button("Next", key=_key("next"), icon=":material/arrow_forward:", type="primary", on_click=_go,
                   args=(titles[step + 1],))
    elif not st.session_state[DONE] and nxt.button("See the recommendation", key=_key("finish"), type="primary",
                                                    icon=":material/check:", disabled=not valid):
        st.session_state[DONE] = True
        set_answers(working)  # even all defaults are answers: the other pages and the link use them
        st.rerun()


def questionnaire(answers: dict[str, Any], fields: Fields) -> dict[str, Any] | None:
    """Draw the topic on screen; return the answers once the user has been through every topic, else None."""
    book = qmod.load_questionnaire()
    sections = book.sections
    by_section = book.by_section()
    working = copy.deepcopy(answers)

    st.session_state.setdefault(DONE, False)
    titles = [s["title"] for s in sections]
    step = _topic_bar(titles)

    section = sections[step]
    with st.container(border=True):
        # Follow-up questions are decided from the answers as they stand after every widget above them in this
        # same run: turning a question on shows its follow-ups at once, not one rerun later.
        for q in by_section[section["id"]]:
            if not q.per_node_group and qmod.is_asked(q, working):
                _ask(q, q.id, working, fields)
        group_qs = [q for q in by_section[section["id"]] if q.per_node_group and qmod.is_asked(q, working)]
        if group_qs:
            _node_group_questions(group_qs, working, fields)

    # Live validation of the whole answers dict: the engine names the field, the message lands under it.
    valid = fields.call(validate_answers, working) is not None
    if working != answers:
        set_answers(working)
    _navigation(titles, step, working, valid)
    if not st.session_state[DONE]:
        return None
    return working if valid else None
