"""Countries and regions, folded to one key per nation ("China", "Chinese" and "PRC" are one)."""

from __future__ import annotations

# Surface form -> nation key. Case matters only for forms that are also English words ("US").
NATION_WORDS = {
    "china": "china", "chinese": "china", "prc": "china",
    "us": "us", "u.s.": "us", "usa": "us", "u.s.a.": "us", "america": "us", "american": "us",
    "americans": "us", "united states": "us",
    "japan": "japan", "japanese": "japan", "korea": "korea", "korean": "korea",
    "south korea": "korea", "taiwan": "taiwan", "taiwanese": "taiwan", "india": "india",
    "indian": "india", "europe": "europe", "european": "europe", "eu": "europe",
    "uk": "uk", "u.k.": "uk", "britain": "uk", "british": "uk", "united kingdom": "uk",
    "france": "france", "french": "france", "germany": "germany", "german": "germany",
    "singapore": "singapore", "singaporean": "singapore", "russia": "russia", "russian": "russia",
    "canada": "canada", "canadian": "canada", "israel": "israel", "israeli": "israel",
    "uae": "uae", "emirati": "uae", "saudi": "saudi", "indonesia": "indonesia",
    "indonesian": "indonesia", "malaysia": "malaysia", "malaysian": "malaysia",
    "west": "west", "western": "west",
}
# Cities that place a topic in their nation ("labs across Beijing and Hangzhou" are Chinese labs);
# unlike the nation's name they never stand for its sector.
CITIES = {
    "beijing": "china", "shanghai": "china", "hangzhou": "china", "shenzhen": "china",
    "guangzhou": "china", "chengdu": "china", "wuhan": "china", "nanjing": "china",
    "tokyo": "japan", "osaka": "japan", "seoul": "korea", "taipei": "taiwan", "hsinchu": "taiwan",
    "bangalore": "india", "bengaluru": "india", "mumbai": "india", "delhi": "india",
    "london": "uk", "paris": "france", "berlin": "germany", "munich": "germany",
    "moscow": "russia", "toronto": "canada", "montreal": "canada", "dubai": "uae",
    "riyadh": "saudi", "jakarta": "indonesia", "seattle": "us", "boston": "us",
}
# Only these spellings count as the nation (lower-case "us" is a pronoun).
CASED = {"us": "US", "u.s.": "U.S.", "usa": "USA", "uk": "UK", "eu": "EU", "prc": "PRC",
         "west": "West", "western": "Western"}
# Names, not adjectives: a figure "in China" may be about the nation's sector.
NOUNS = {
    "china", "prc", "us", "u.s.", "usa", "u.s.a.", "america", "united states", "japan", "korea",
    "south korea", "taiwan", "india", "europe", "eu", "uk", "u.k.", "britain", "united kingdom",
    "france", "germany", "singapore", "russia", "canada", "israel", "uae", "indonesia", "malaysia",
}
# Words that make a topic the nation's sector as a whole ("Chinese AI sector").
SECTOR_WORDS = {"sector", "industry", "ecosystem", "economy"}


def nation_of(word: str) -> str | None:
    """The nation key a word names, honouring case where the word is also plain English."""
    folded = word.lower()
    key = NATION_WORDS.get(folded)
    if key is None:
        return None
    cased = CASED.get(folded)
    if cased is not None and word != cased and word != cased.upper():
        return None
    return key
