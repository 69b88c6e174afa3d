"""What every page shares: the cached catalog, the one place that turns engine errors into inline messages,
the answers kept in session state and in the URL, and the recommendation for them.

Pages read engine results and render them; nothing here computes a domain value either. The helper modules
(views/_*.py) are not pages: main.py lists the pages explicitly with st.Page.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from pydantic import ValidationError

from eksadvisor.answers import load_answers, translate_validation_error
from eksadvisor.decide.advisor import advise
from eksadvisor.errors import EksAdvisorError, InputError
from eksadvisor.wording import plain

T = TypeVar("T")

ANSWERS_KEY = "answers"  # st.session_state[ANSWERS_KEY]: the answers as a plain dict (never a model)
URL_PARAM = "a"  # ?a=<base64url(zlib(json))>: the answers, so the advisor's state can be shared as a link


# ------------------------------------------------------------------------------------- the catalog

# The catalog is read-only and shared: st.cache_resource hands every caller the same object
# (docs.streamlit.io/develop/api-reference/caching-and-state/st.cache_resource). st.cache_data would unpickle a
# fresh copy of all its instance types for every call (four a rerun on the max-pods page).
@st.cache_resource(show_spinner=False)
def catalog() -> Any:
    from eksadvisor.catalog import load_catalog

    return load_catalog()


# ------------------------------------------------------------------------------- errors, in one place

class Fields:
    """Inline error slots: a page puts ``fields.slot("cni_version")`` right under a widget, then runs engine
    calls through ``fields.call``. An ``InputError`` names its field; the message lands in that field's slot
    (or the closest one whose name the field starts with, else where the call was made). Nothing else in
    the app catches engine errors, and no traceback reaches the page."""

    def __init__(self) -> None:
        self._slots: dict[str, Any] = {}

    def slot(self, field: str) -> None:
        self._slots[field] = st.empty()

    def _place(self, field: str | None) -> Any:
        if field:
            for name in sorted(self._slots, key=len, reverse=True):
                if field == name or field.startswith((name + ".", name + "[")):
                    return self._slots[name]
        return None

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            self.show(exc.field, str(exc))
        except ValidationError as exc:  # a model built from widget values: same one-sentence form
            err = translate_validation_error(exc)
            self.show(err.field, str(err))
        except EksAdvisorError as exc:  # a packaging/data problem: say so, without a traceback
            self.show(None, f"The engine could not finish: {exc}")
        return None

    def show(self, field: str | None, message: str) -> None:
        place = self._place(field)
        (place if place is not None else st).error(plain(message), icon=":material/error:")


# -------------------------------------------------------------------------- answers: session and URL

def encode_answers(answers: dict[str, Any]) -> str:
    """Answers -> a short URL-safe token (canonical JSON, deflated, base64url without padding)."""
    raw = json.dumps(answers, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_answers(token: str) -> dict[str, Any]:
    """The inverse of :func:`encode_answers`; a damaged link is an input error on the URL."""
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), bufsize=1 << 16)
        data = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise InputError(f"url: the shared answers link is damaged ({exc.__class__.__name__}).", field="url") from None
    if not isinstance(data, dict):
        raise InputError("url: the shared answers link does not hold a set of answers.", field="url")
    return data


def get_answers(fields: Fields | None = None) -> dict[str, Any] | None:
    """The current answers (a plain dict): session state first, else the shared link, else None."""
    answers = st.session_state.get(ANSWERS_KEY)
    if answers is None and URL_PARAM in st.query_params:
        answers = (fields or Fields()).call(decode_answers, st.query_params[URL_PARAM])
        if answers is not None:
            st.session_state[ANSWERS_KEY] = answers
    if answers is not None:
        # Streamlit clears query parameters on page changes (docs: st.query_params), so every page writes
        # the link back: the URL in the address bar always reproduces the current answers.
        token = encode_answers(answers)
        if st.query_params.get(URL_PARAM) != token:
            st.query_params[URL_PARAM] = token
    return answers


def set_answers(answers: dict[str, Any]) -> None:
    st.session_state[ANSWERS_KEY] = answers
    st.query_params[URL_PARAM] = encode_answers(answers)


def clear_answers() -> None:
    st.session_state.pop(ANSWERS_KEY, None)
    if URL_PARAM in st.query_params:
        del st.query_params[URL_PARAM]


def no_answers_hint() -> None:
    st.info("No answers yet: fill in the **Advisor** questionnaire or upload an answers file there.")


# ------------------------------------------------------------------------------ the recommendation

@st.cache_data(show_spinner=False, max_entries=64)
def _advise(answers: dict[str, Any]) -> tuple[Any, Any]:
    model = load_answers(answers)
    return model, advise(model, partial=True)


def recommend(answers: dict[str, Any], fields: Fields) -> tuple[Any, Any] | tuple[None, None]:
    """``(Answers, Recommendation)`` for the answers dict, or ``(None, None)`` with the error shown inline.

    A plan that cannot be completed (docs/design.md §2.4) is refused: its sentence is shown where the network answers are,
    with the incomplete layout below it as a diagnosis, clearly marked, and no page renders artefacts from it."""
    result = fields.call(_advise, answers)
    if result is None:
        return None, None
    model, rec = result
    if not rec.complete:
        fields.show("network", rec.refusal)
        with st.expander("Diagnosis: the incomplete layout (not a plan to build)", expanded=False):
            st.caption("What fits today in the address space given; no configuration is generated from it.")
            st.dataframe([{"Role": s.role, "AZ": s.az, "CIDR": s.cidr, "Usable addresses": s.usable_ips,
                           "Existing": s.existing} for s in rec.subnets], hide_index=True)
        return None, None
    return model, rec


@st.cache_data(show_spinner=False, max_entries=64)
def compare_options(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """compare()'s rows (eksadvisor.decide.whatif) for the answers: every pod-addressing option planned by the engine."""
    from eksadvisor.decide.whatif import compare_rows

    return compare_rows(answers, catalog=catalog())
