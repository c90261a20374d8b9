"""The referat's quorum sentence in the language being written (the body's document language)."""

from govern.domain.quorum import Quorum
from govern.i18n import use_language


def test_the_quorum_sentence_in_bokmal_nynorsk_and_english():
    met = Quorum(rule="over_half", voting=12, required=7, present=(7,))
    assert met.sentence == (
        "Rådet var beslutningsdyktig (7 av 12 medlemmer med stemmerett til stede, vara "
        "medregnet; krav: mer enn halvparten, det vil si 7)."
    )
    with use_language("nn"):
        assert met.sentence == (
            "Rådet var vedtaksført (7 av 12 medlemer med røysterett til stades, vara "
            "medrekna; krav: meir enn halvparten, det vil seie 7)."
        )
    split = Quorum(rule="half", voting=10, required=5, present=(5, 4), subject="Utvalget")
    with use_language("nn"):
        assert split.sentence.startswith("Utvalet var vedtaksført dag 1, men ikkje dag 2 (dag 1: 5")
    with use_language("en"):
        assert split.sentence.startswith("The committee had a quorum on day 1, but not on day 2")
