from pathlib import Path

import pytest

from kg.project.text import split_sentences

SEED_TEXT = Path(__file__).resolve().parents[2] / "data/articles/china-fentanyl-tariffs/text.txt"


def test_seed_article_splits_into_the_reference_sentences():
    text = SEED_TEXT.read_text(encoding="utf-8")
    sentences = split_sentences(text)
    assert len(sentences) == 17
    assert sentences[0].text.startswith("– China said it has forcefully")
    assert sentences[6].text.startswith("Beijing said Washington has not outlined")
    assert sentences[7].text.startswith("A person familiar with the matter said Mr Trump’s team")
    assert sentences[15].text.endswith("the Biden administration said in August 2024.")
    assert sentences[16].text == "BLOOMBERG"


def test_offsets_index_the_text_exactly():
    text = SEED_TEXT.read_text(encoding="utf-8")
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith left. He came back.", ["Mr. Smith left.", "He came back."]),
        ("The U.S. said no. China said yes.", ["The U.S. said no.", "China said yes."]),
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."]),
        ("It grew 2.5 percent. Good.", ["It grew 2.5 percent.", "Good."]),
        ("One.\n\ntwo lower-case paragraph", ["One.", "two lower-case paragraph"]),
        ("", []),
    ],
)
def test_split_rules(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_numbers_are_one_based_in_reading_order():
    assert [s.number for s in split_sentences("A b. C d. E f.")] == [1, 2, 3]
