"""Property-based tests: any Unicode input, no crash, and the invariants that highlighting needs."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzers import char_analyzer, normalize, word_analyzer
from indexer.errors import GaSearchError
from search_api.engine import SearchEngine
from search_api.errors import ParameterError, QuerySyntaxError
from search_api.models import SearchRequest
from tests.phrases import SEED_PHRASES

# Real fragments mixed with arbitrary text: the shrinker then finds the shortest failing mix.
texts = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from([*SEED_PHRASES, "A/RES/73/12", "1631(2005)", "２０１６", "聯合國", "\n", " ", "2004 年"]),
        max_size=8,
    ).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0x3000, max_codepoint=0x9FFF), max_size=80),
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_analyzers_never_crash_and_offsets_stay_in_the_text(text: str) -> None:
    for analyzer in (word_analyzer(), char_analyzer()):
        for mode in ("index", "query"):
            last_position = -1
            for token in analyzer(text, positions=True, chars=True, mode=mode):
                assert 0 <= token.startchar <= token.endchar <= len(text)
                assert token.text
                assert token.pos >= last_position
                last_position = token.pos


@settings(max_examples=300, deadline=None)
@given(texts)
@example("薴")  # OpenCC's t2s maps it to 苧, and 苧 to 苎: found by this test in a fresh clone
def test_normalisation_is_idempotent_and_maps_every_character(text: str) -> None:
    once = normalize(text)
    assert normalize(once.text).text == once.text
    assert len(once.source) == len(once.text)
    assert list(once.source) == sorted(once.source)
    assert all(0 <= index < len(text) for index in once.source)


queries = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "AND",
                "OR",
                "NOT",
                "-",
                "session:",
                "sponsor:",
                "[",
                "TO",
                "]",
                "*",
                "集体",
                "维持和平",
                "A/RES/59/50",
                "73",
                " ",
                ":",
                "^",
                "~",
                "\\",
            ]
        ),
        max_size=10,
    ).map(" ".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries)
def test_any_query_string_gives_results_or_a_typed_error(engine: SearchEngine, q: str) -> None:
    try:
        result = engine.search(SearchRequest(q=q, per_page=5, facets=("session",)))
    except (QuerySyntaxError, ParameterError) as error:
        assert str(error)
        return
    except GaSearchError as error:  # any other error of ours must also say what happened
        assert str(error)
        return
    assert result.total >= len(result.hits)
