"""Cached pages are never stale: a committed write that reaches a page makes it render afresh,
and a write in one body leaves the other bodies' pages in the cache."""

from __future__ import annotations

from datetime import date

from govern.cache.revision import current_revision
from govern.extensions import db
from govern.services import meetings
from tests.conftest import add_case, make_body, make_meeting
from tests.views.test_pages import text_of


def test_a_write_anywhere_refreshes_the_cached_meeting_page(client, session):
    meeting = make_meeting(make_body())
    item = add_case(meeting, "Første tittel")
    session.commit()
    url = f"/meetings/{meeting.id}"
    assert "Første tittel" in text_of(client.get(url))
    assert "Første tittel" in text_of(client.get(url))  # now from the cache

    item.treatment.case.title = "Ny tittel"
    session.commit()
    page = text_of(client.get(url))
    assert "Ny tittel" in page and "Første tittel" not in page


def test_bulk_statements_and_only_committed_writes_bump_the_revision(session):
    body = make_body()
    session.commit()
    start = current_revision(session)
    make_meeting(body, date(2026, 2, 1))
    session.rollback()
    assert current_revision(session) == start
    meeting = make_meeting(body, date(2026, 3, 1))
    session.commit()
    after_insert = current_revision(session)
    assert after_insert == start + 1
    meetings.delete_meeting(session, meeting)
    session.commit()
    assert current_revision(session) == after_insert + 1
    session.commit()  # nothing changed: no bump
    assert current_revision(session) == after_insert + 1


def test_pages_answer_conditional_requests(client, session):
    make_body()
    session.commit()
    first = client.get("/bodies")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    assert client.get("/bodies", headers={"If-None-Match": etag}).status_code == 304
    make_body("nytt-rad", "Nytt råd")
    db.session.commit()
    again = client.get("/bodies", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert "Nytt råd" in text_of(again)


def test_unknown_query_parameters_share_the_page_and_keep_the_cache_bounded(app, client, session):
    app.config["PAGE_CACHE_SIZE"] = 8
    slugs = [f"rad-{n}" for n in range(12)]
    for slug in slugs:
        make_body(slug, f"Råd {slug}")
    session.commit()
    for slug in slugs:  # more real pages than the cache holds
        assert client.get(f"/bodies/{slug}").status_code == 200
    assert len(app.extensions["govern_page_cache"]) == 8
    first = client.get("/bodies")
    for n in range(50):
        again = client.get(f"/bodies?v={n}x{n * 7919}&utm_source=nyhetsbrev")
        assert again.status_code == 200 and again.get_data() == first.get_data()
    cache = app.extensions["govern_page_cache"]
    paths = [key[0][0] for key in cache.keys_in_order()]
    # One entry for /bodies however many parameters were tried, and the body pages that
    # were there before it are still there (only the oldest one made room for it).
    assert len(cache) == 8 and paths.count("/bodies") == 1
    assert paths[:7] == [f"/bodies/{slug}" for slug in slugs[5:]]


def test_a_parameter_the_view_reads_is_part_of_the_key(app, client, session):
    meeting = make_meeting(make_body())
    item = add_case(meeting, "Sak med historikk")
    session.commit()
    url = f"/cases/{item.treatment.case_id}"
    for query in ("", f"?fra={meeting.id}", f"?fra={meeting.id}&v=1", "?v=2"):
        assert client.get(url + query).status_code == 200
    keys = sorted(key[0] for key in app.extensions["govern_page_cache"].keys_in_order())
    assert keys == [(url, (("fra", ()),)), (url, (("fra", (str(meeting.id),)),))]


def test_a_write_in_one_body_leaves_the_other_bodies_pages_cached(app, client, session):
    ours, theirs = make_body(), make_body("produktrad", "Produktrådet", kind="produktråd")
    our_meeting, their_meeting = make_meeting(ours), make_meeting(theirs)
    our_item = add_case(our_meeting, "Vår sak")
    add_case(their_meeting, "Deres sak")
    session.commit()
    ours_urls = [f"/bodies/{ours.slug}", f"/meetings/{our_meeting.id}"]
    theirs_urls = [f"/bodies/{theirs.slug}", f"/meetings/{their_meeting.id}"]
    first = {url: client.get(url) for url in ours_urls + theirs_urls}
    cache = app.extensions["govern_page_cache"]
    kept = {key[0][0]: value for key, value in ((k, cache.get(k)) for k in cache.keys_in_order())}
    assert set(kept) == set(first)

    our_item.treatment.case.title = "Vår nye tittel"
    our_meeting.location = "Bergen"
    session.commit()

    for url in theirs_urls:
        again = client.get(url, headers={"If-None-Match": first[url].headers["ETag"]})
        assert again.status_code == 304, url  # the same revision: their pages are still valid
        served = client.get(url)
        assert served.headers["ETag"] == first[url].headers["ETag"]
        assert served.get_data() is kept[url] or served.get_data() == kept[url]
    keys = [key for key in cache.keys_in_order() if key[0][0] in theirs_urls]
    assert len(keys) == 2  # served from the entries made before the write, none new
    for url in ours_urls:
        again = client.get(url, headers={"If-None-Match": first[url].headers["ETag"]})
        assert again.status_code == 200 and again.headers["ETag"] != first[url].headers["ETag"]
    assert "Vår nye tittel" in text_of(client.get(f"/meetings/{our_meeting.id}"))
    assert "Bergen" in text_of(client.get(f"/bodies/{ours.slug}"))
