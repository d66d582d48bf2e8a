"""The chart helpers every page's Plotly figure goes through."""

import plotly.graph_objects as go

from wellbeing.charts import figure_json

HOSTILE = '<a href="https://example.com/phish">Click</a> <b>& co</b>'


def test_text_in_a_figure_is_drawn_literally_not_as_plotly_markup():
    figure = go.Figure(
        go.Sankey(
            node={
                "label": [HOSTILE, "Group"],
                "customdata": [HOSTILE, "Group"],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={"source": [0], "target": [1], "value": [1]},
        )
    )
    node = figure_json(figure)["data"][0]["node"]

    escaped = '&lt;a href="https://example.com/phish"&gt;Click&lt;/a&gt; &lt;b&gt;&amp; co&lt;/b&gt;'
    assert node["label"][0] == node["customdata"][0] == escaped
    assert node["label"][1] == "Group"
    # Our own template keeps its markup (Plotly's <extra> hides the trace name).
    assert node["hovertemplate"] == "%{customdata}<extra></extra>"


def test_bar_categories_are_escaped_and_numbers_untouched():
    data = figure_json(go.Figure(go.Bar(x=["R&D <pilot>"], y=[3])))["data"][0]
    assert data["x"] == ["R&amp;D &lt;pilot&gt;"]
    assert data["y"] == [3]
