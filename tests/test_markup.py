"""The structured text (govern.markup): what is markup, what stays text, and the HTML."""

from __future__ import annotations

from govern.markup import ListBlock, Para, Span, input_groups, inputs_html, parse, to_html


def test_plain_text_reads_as_before_paragraphs_line_breaks_and_bullets():
    blocks = parse("Første avsnitt\nmed linjeskift.\n\n- ett\n• to\n\nSlutt & «sitat».")
    assert blocks[0] == Para((Span("Første avsnitt\nmed linjeskift."),))
    assert isinstance(blocks[1], ListBlock) and not blocks[1].ordered
    assert [item[0].text for item in blocks[1].items] == ["ett", "to"]
    assert str(to_html("Første avsnitt\nmed linjeskift.\n\nSlutt & <b>«sitat»</b>.")) == (
        "<p>Første avsnitt\nmed linjeskift.</p><p>Slutt &amp; &lt;b&gt;«sitat»&lt;/b&gt;.</p>"
    )
    assert str(to_html("Innledning:\n\n- ett punkt\n- to")) == (
        "<p>Innledning:</p><ul><li>ett punkt</li><li>to</li></ul>"
    )


def test_the_subset_headings_nested_lists_emphasis_and_links():
    text = (
        "### Steg 1 – *minimal* løsning\n\n"
        "1. Første\n   - under\n2. Andre\n\n"
        "Se **[veilederen](https://www.helsedirektoratet.no/veileder)** og https://ehelse.no/a."
    )
    heading, numbered, para = parse(text)
    assert heading.heading and heading.spans == (
        Span("Steg 1 – "),
        Span("minimal", italic=True),
        Span(" løsning"),
    )
    assert numbered.ordered and numbered.start == 1 and len(numbered.items) == 2
    nested = numbered.items[0][1]
    assert isinstance(nested, ListBlock) and nested.items[0][0].text == "under"
    assert Span("veilederen", bold=True, href="https://www.helsedirektoratet.no/veileder") in (
        para.spans
    )
    assert Span("https://ehelse.no/a", href="https://ehelse.no/a") in para.spans
    html = str(to_html(text))
    assert "<h3>Steg 1 – <em>minimal</em> løsning</h3>" in html
    assert "<ol><li>Første<ul><li>under</li></ul></li><li>Andre</li></ol>" in html
    assert (
        '<a href="https://www.helsedirektoratet.no/veileder" rel="noopener noreferrer">'
        "<strong>veilederen</strong></a>"
    ) in html


def test_what_is_not_in_the_subset_stays_text():
    assert parse("# Ikke en overskrift")[0].text == "# Ikke en overskrift"
    assert parse("## Heller ikke")[0].text == "## Heller ikke"
    assert parse("snake_case og _dette_")[0].text == "snake_case og _dette_"
    assert parse("> sitat")[0].text == "> sitat"
    assert parse("    innrykk")[0].text == "innrykk"
    assert parse("a &amp; b")[0].text == "a &amp; b"
    assert parse("Tekst\n---")[0].text == "Tekst\n---"
    assert parse("`kode`")[0].text == "`kode`"
    evil = "[klikk](javascript:alert(1)) <script>x</script>"
    assert all(s.href is None for s in parse(evil)[0].spans)
    html = str(to_html(evil + " *a*"))
    assert "<script" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert 'href="javascript' not in html
    # A fuzzy address without a scheme is not a link.
    assert parse("helsedirektoratet.no")[0].plain


def test_dates_and_numbered_paragraphs_written_before_stay_as_typed():
    assert parse("1. januar 2026 startet arbeidet.")[0].text == "1. januar 2026 startet arbeidet."
    assert parse("29. – 30. april 2026 i Kristiansand")[0].text.startswith("29. – 30. april")
    loose = parse("1. Fagrådet drøftet saken.\n\n2. Fagrådet ber om mer.")
    assert [b.text for b in loose] == ["1. Fagrådet drøftet saken.", "2. Fagrådet ber om mer."]
    assert str(to_html("1. Første.\n\n2. Andre.")) == "<p>1. Første.</p><p>2. Andre.</p>"
    tight = parse("1. Første\n2. Andre")[0]
    assert isinstance(tight, ListBlock) and tight.ordered


def test_innspill_are_grouped_under_their_headings():
    texts = [
        "Før overskrift",
        "### Generelle tilbakemeldinger:",
        "En",
        "To",
        "### Indikatorer",
        "Tre",
    ]
    assert input_groups(texts) == [
        (None, ["Før overskrift"]),
        ("Generelle tilbakemeldinger:", ["En", "To"]),
        ("Indikatorer", ["Tre"]),
    ]
    html = str(inputs_html(["### Generelt:", "Se *dette*", "Og https://x.no"], "Innspill:"))
    assert html == (
        "<p><strong>Generelt:</strong></p><ul><li>Se <em>dette</em></li>"
        '<li>Og <a href="https://x.no" rel="noopener noreferrer">https://x.no</a></li></ul>'
    )
    assert str(inputs_html(["En <b>"], "Innspill:")) == (
        "<p><strong>Innspill:</strong></p><ul><li>En &lt;b&gt;</li></ul>"
    )


def test_long_texts_and_threads():
    import threading

    long = "Avsnitt med *vekt* og https://x.no/a.\n\n" * 800  # over the cache limit
    assert len(parse(long)) == 800 and parse(long)[0].spans[-2].href == "https://x.no/a"
    texts = [f"Tekst {i} med https://x{i}.no/a og [lenke](https://y{i}.no)" for i in range(200)]
    wrong = []

    def work(chunk):
        for text in chunk:
            i = text.split()[1]
            hrefs = [s.href for s in parse(text)[0].spans if s.href]
            if hrefs != [f"https://x{i}.no/a", f"https://y{i}.no"]:
                wrong.append(text)

    threads = [threading.Thread(target=work, args=(texts[k::6],)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
