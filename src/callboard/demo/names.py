"""Human-looking agent names and customer-facing words for the demo centre (fixed lists, no randomness)."""

from __future__ import annotations

from typing import Final

FIRST_NAMES: Final = (
    "Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal",
    "Katarzyna", "Liam", "Maya", "Nikhil", "Olivia", "Pedro", "Quinn", "Rosa", "Samir", "Tessa",
    "Uchenna", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aoife", "Bruno", "Carmen", "Dmitri",
    "Eilidh", "Fatima", "Gareth", "Hannah", "Ibrahim", "Jana", "Kwame", "Lucia", "Mateo", "Niamh",
)

LAST_NAMES: Final = (
    "Okafor", "Walsh", "Moreau", "Patel", "Rossi", "Haddad", "Kim", "Tanaka", "Murray", "Reid",
    "Nowak", "O'Brien", "Cohen", "Sharma", "Bennett", "Almeida", "Foster", "Delgado", "Khan", "Lindqvist",
    "Eze", "Petrov", "Zhang", "Ortega", "Demir", "Campbell", "Byrne", "Costa", "Navarro", "Volkov",
    "MacLeod", "Rahman", "Hughes", "Schmidt", "Aziz", "Novak", "Mensah", "Ferreira", "Silva", "Doyle",
)


def display_name(index: int) -> str:
    """Agent `index` (0-based): 1,600 distinct names before any repeats; 17 is coprime with 40."""
    n = len(FIRST_NAMES)
    first = FIRST_NAMES[index % n]
    last = LAST_NAMES[(index * 17 + index // n) % n]
    return f"{first} {last}"


# Survey comments by sentiment: the customer's own words, picked at random for some responses.
POSITIVE_COMMENTS: Final = (
    "Quick and friendly, thank you!",
    "Sorted my problem first time.",
    "Really helpful, explained everything clearly.",
    "Great service, very patient.",
    "Easy and fast.",
)
NEUTRAL_COMMENTS: Final = (
    "Fine, but the wait was a bit long.",
    "Got there in the end.",
    "OK service.",
)
NEGATIVE_COMMENTS: Final = (
    "Waited far too long to get through.",
    "Had to explain my issue twice.",
    "Problem still not fixed.",
    "Agent did not seem to know the answer.",
    "Transferred around, very frustrating.",
)
