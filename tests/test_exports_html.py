"""HTML fields of exports -> paragraphs and sections (searchapp.exports.html)."""

from __future__ import annotations

from searchapp.exports.html import html_blocks, html_sections, html_text


def names(sections):
    return [(s.name, s.kind) for s in sections]


def test_paragraphs_entities_and_whitespace():
    html = (
        "<p>\n\tTilbuddet p&aring; 1,2&nbsp;mio. kr.<br>godkendes.</p><p>&nbsp;</p><div>Næste</div>"
    )
    assert html_text(html) == "Tilbuddet på 1,2 mio. kr.\n\ngodkendes.\n\nNæste"


def test_lists_keep_their_markers():
    html = (
        '<p>Center for IT indstiller, at</p><ol start="1" style="list-style-type: upper-alpha">'
        "<li>pilottesten godkendes.</li><li>den gennemføres i 2013.</li></ol>"
        "<ul><li>iPad</li><li>printer</li></ul><ol start='3'><li>tre</li></ol>"
    )
    assert html_text(html).split("\n\n") == [
        "Center for IT indstiller, at",
        "A. pilottesten godkendes.",
        "B. den gennemføres i 2013.",
        "• iPad",
        "• printer",
        "3. tre",
    ]


def test_table_rows_are_paragraphs_with_their_cells():
    html = (
        "<table><tr><td><p>Dato</p></td><td>Proces</td></tr>"
        "<tr><td>6. feb</td><td></td></tr></table>"
    )
    assert [b.text for b in html_blocks(html)] == ["Dato | Proces", "6. feb"]
    assert all(b.table_row for b in html_blocks(html))


def test_scripts_and_styles_are_not_text():
    assert html_text("<style>p{}</style><script>alert(1)</script><p>Tekst</p>") == "Tekst"


def test_broken_html_is_read_anyway():
    assert html_text("<p>Et <b>afsnit<p>og et <i>andet</div></span>") == "Et afsnit\n\nog et andet"


def test_sections_from_headings_in_order():
    html = (
        "<h3>Beslutning</h3><span>Godkendt.</span>"
        "<h3>Fremstilling</h3><span><h2><span>Sagsprocedure</span></h2><p>ØU og Byrådet.</p>"
        "<div><h2>Resume</h2></div><p>Kort.</p><h2>Økonomiske\nkonsekvenser</h2><p>Ingen.</p>"
        "<h2>Opgaver</h2><p>Nogle.</p><h4>2024</h4><p>Tal.</p></span>"
    )
    sections = html_sections(html, lead_kind="presentation")
    # "Fremstilling" only wraps the others: no text of its own, no section.
    assert names(sections) == [
        ("Beslutning", "decision"),
        ("Sagsprocedure", "history"),
        ("Resume", "summary"),
        ("Økonomiske konsekvenser", "economy"),
        ("Opgaver", "other"),  # an unknown name at the level of the known ones
    ]
    assert sections[-1].text == "Nogle.\n\n2024\n\nTal."  # a deeper heading stays text


def test_sections_set_as_bold_paragraphs():
    html = (
        "<p><strong>Resume</strong></p><p>Overskud.</p><p><b>Indstilling:</b></p>"
        "<p>Tages til efterretning.</p><div><span>Tidsplan</span></div><p>Maj.</p>"
        "<p><strong>Høringssvar fra Seniorrådet vedlægges.</strong></p>"
    )
    assert names(html_sections(html)) == [
        ("Resume", "summary"),
        ("Indstilling", "recommendation"),
        ("Tidsplan", "other"),
    ]


def test_bold_subheadings_inside_heading_sections_stay_text():
    html = (
        "<h2>Resume</h2><p>Kort.</p><h2>Sagsbeskrivelse</h2><p>Lang.</p>"
        "<p><strong>Status</strong></p><p>Forsinket.</p><p><strong>Indstilling</strong></p>"
        "<p>Godkendes.</p>"
    )
    sections = html_sections(html)
    # "Status" is a subheading of Sagsbeskrivelse; "Indstilling", a kind the <h2>s
    # lack, is a section of its own.
    assert names(sections) == [
        ("Resume", "summary"),
        ("Sagsbeskrivelse", "presentation"),
        ("Indstilling", "recommendation"),
    ]
    assert sections[1].text == "Lang.\n\nStatus\n\nForsinket."


def test_text_before_any_heading_and_empty_sections():
    sections = html_sections("<p>Indledende tekst.</p><h3>Bilag</h3><h3>Beslutning</h3>", "")
    assert [(s.name, s.kind, s.text) for s in sections] == [("", "other", "Indledende tekst.")]
    assert html_sections("") == []
