"""What a sentence's dependency parse says of each figure in it: who holds it, what it measures.

A figure is read from its place in the tree, not from the words nearest to it: the noun it counts
or modifies ("2,048 GPUs", "a 30% cut"), the nouns it measures through a preposition ("OpenAI's
headcount of 3,000", "the run of V3 at $7.2M"), the verb that governs it and that verb's subject
("DeepSeek spent $1.6B"), relative clauses ("GPUs the lab used"), partitives ("of which 37
billion"), comparisons ("cheaper than Y on input") and examples ("rivals such as X").

Each candidate holder is a span of the sentence; the extractor maps it to a known entity, to the
discourse ("it", "the lab") or to a name kb does not know yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.nlp.language import load

if TYPE_CHECKING:  # spaCy loads where ingestion runs, not wherever this module is imported
    from spacy.tokens import Doc, Span, Token

NOUNS = {"NOUN", "PROPN"}
VERBS = {"VERB", "AUX"}
# Pronouns and definite descriptions that point back to an entity; first person is the author.
BACK_PRONOUNS = {"it", "its", "they", "their", "them", "itself", "he", "she", "his", "her"}
FIRST_PERSON = {"i", "we", "us", "our", "my", "me", "ours"}
# Nouns that, made definite ("the company", "our model"), name an entity met before.
BACK_NOUNS = {"model", "lab", "laboratory", "company", "firm", "startup", "organization", "chip",
              "gpu", "accelerator", "product", "robot", "platform", "system", "network", "team"}
# Verbs whose date is the date of what they bring about: the object's, not the maker's.
MAKING = {"release", "launch", "unveil", "introduce", "announce", "publish", "debut", "ship",
          "open", "found", "establish", "create", "start", "begin"}
RELATIVES = {"which", "that", "who", "whom", "whose"}
# Nouns a verb of change or spending names as a measure (what a figure of change counts).
NOMINAL = {"grow": "growth", "rise": "rise", "fall": "fall", "increase": "increase",
           "decrease": "decrease", "cut": "cut", "drop": "drop", "decline": "decline",
           "raise": "raised", "spend": "spending", "reduce": "reduction", "gain": "gain",
           "lose": "loss", "jump": "jump", "climb": "rise", "shrink": "decline", "save": "saving",
           "employ": "staff", "hire": "hires", "sell": "sales", "ship": "shipments",
           "charge": "price", "cost": "cost", "invest": "investment", "earn": "earnings",
           "pay": "payment", "train": "training", "use": "use", "score": "score"}
CHANGES = {"increase", "growth", "rise", "jump", "drop", "decline", "fall", "cut", "reduction",
           "expansion", "gain", "surge", "decrease", "boost", "improvement"}
# Nouns naming one part of a larger quantity: "the final training run", "a Series C round".
PARTS = {"run", "stage", "phase", "round", "tranche"}
PLACES = {"abroad", "overseas", "domestically", "worldwide", "globally", "internationally"}
SPEECH = {"say", "tell", "report", "estimate", "claim", "state", "announce", "write", "note",
          "argue", "add", "reckon", "calculate", "suggest", "believe", "confirm", "disclose"}
_SCALE = {"million", "billion", "trillion", "thousand", "hundred", "quadrillion", "percent", "%",
          "times", "time", "x", "fold", "dozen", "k", "m", "b", "bn", "mn", "t", "tn", "trn"}
MAX_STEPS = 8  # a figure's governing verb is never far up the tree


@dataclass(frozen=True, slots=True)
class Holder:
    """A span of the sentence that may hold the figure, and how the tree says so."""

    start: int
    end: int
    how: str
    back: str = ""  # "it", "lab", "model"...: a word that points back to an earlier entity
    proper: bool = False  # a name (kb may not know it)
    author: bool = False  # "our", "we": the article's author, no entity


@dataclass(slots=True)
class Reading:
    """One figure as the parse places it."""

    holders: list[Holder] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # measure words, most telling first
    noun: str = ""  # lemma of the noun the figure counts or modifies ("researcher", "cut")
    noun_span: tuple[int, int] | None = None  # where that noun stands
    phrase: str = ""  # words to name a new attribute from ("API traffic growth")
    verb: str = ""
    comparator: Holder | None = None
    scope: str = ""
    asserter: Holder | None = None
    partitive: bool = False  # "of which 37 billion": the noun of the figure before


# Units whose figures the parser reads best as a plain amount: "$0.27 per million input tokens
# and $1.10 per million output tokens, and its traffic grew" parses as nonsense, "$5 and $5, and
# its traffic grew" does not. The figure itself keeps every word.
SURROGATES = {"USD": "$5", "CNY": "$5", "EUR": "$5", "USD/Mtok": "$5", "CNY/Mtok": "$5",
              "EUR/Mtok": "$5"}


@dataclass(slots=True)
class Parsed:
    """A parsed sentence, and where its figures' surrogates stand in the parsed text."""

    doc: Doc
    shifts: list[tuple[int, int, int, int]]  # (start, end) in the sentence -> in the parsed text

    def to_parsed(self, start: int, end: int) -> tuple[int, int]:
        delta = 0
        for a, b, x, y in self.shifts:
            if (a, b) == (start, end):
                return x, y
            if b <= start:
                delta = y - b
        return start + delta, end + delta

    def to_sentence(self, start: int, end: int) -> tuple[int, int]:
        delta = 0
        for a, b, x, y in self.shifts:
            if y <= start:
                delta = b - y
        return start + delta, end + delta


def surrogate_text(text: str, figures: list[tuple[int, int, str]]) -> tuple[str, list]:
    """The sentence with each money figure replaced by a plain amount, and the offset map."""
    parts, shifts, at, out_len = [], [], 0, 0
    for start, end, unit in sorted(figures):
        if start < at:
            continue
        parts.append(text[at:start])
        out_len += start - at
        replacement = SURROGATES.get(unit, text[start:end])
        shifts.append((start, end, out_len, out_len + len(replacement)))
        parts.append(replacement)
        out_len += len(replacement)
        at = end
    parts.append(text[at:])
    return "".join(parts), shifts


def parse(sentences: Iterable[tuple[str, list[tuple[int, int, str]]]],
          batch_size: int = 64) -> list[Parsed]:
    """Parse sentences (each with its figures' spans and units) with the trained pipeline."""
    prepared = [surrogate_text(text, figures) for text, figures in sentences]
    docs = load().pipe((text for text, _ in prepared), batch_size=batch_size)
    return [Parsed(doc, shifts) for doc, (_, shifts) in zip(docs, prepared)]


def read(parsed: Parsed, start: int, end: int) -> Reading | None:
    """The reading of the figure at characters [start, end) of the sentence."""
    reading = _read(parsed.doc, *parsed.to_parsed(start, end))
    if reading is None:
        return None
    moved = (_moved(parsed, h) for h in reading.holders)
    reading.holders = [h for h in moved if not (h.start < end and start < h.end)]
    reading.comparator = reading.comparator and _moved(parsed, reading.comparator)
    if reading.noun_span is not None:
        reading.noun_span = parsed.to_sentence(*reading.noun_span)
    reading.asserter = reading.asserter and _moved(parsed, reading.asserter)
    return reading


def _moved(parsed: Parsed, h: Holder) -> Holder:
    start, end = parsed.to_sentence(h.start, h.end)
    return Holder(start, end, h.how, h.back, h.proper, h.author)


def _read(doc: Doc, start: int, end: int) -> Reading | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    reading = Reading()
    root = span.root
    _noun_holders(root, reading, came_from=None, only=("for",))
    noun = _own_noun(root, span)
    if noun is not None:
        reading.noun = noun.lemma_.lower()
        first = min([noun.i, *(c.i for c in noun.lefts if c.dep_ in ("compound", "nmod", "amod"))])
        reading.noun_span = (noun.doc[first].idx, noun.idx + len(noun))  # "Nvidia H800 GPUs"
        reading.words.append(reading.noun)
        reading.words.extend(_modifiers(noun))
        reading.phrase = _phrase(noun)
        _noun_holders(noun, reading, came_from=root)
    if any(c.dep_ == "prep" and c.lower_ == "of" and any(g.lower_ in RELATIVES for g in c.children)
           for c in root.children) or _after_of_which(root):
        reading.partitive = True
    verb = _climb(noun or root, root, reading)
    _scope(root, noun, verb, reading)
    if verb is not None:
        _verb_holders(verb, reading, skip=range(span.start, span.end))
    _comparisons(span, noun, reading)
    return reading


def _own_noun(root: Token, span: Span) -> Token | None:
    """The noun a figure counts or modifies: inside its span ("671 billion parameters") or the
    head it modifies ("2,048 Nvidia H800 GPUs", "a 30% cut")."""
    if root.text[:1].isdigit() or root.text[:1] in "$€¥£~":
        return root.head if root.dep_ in ("nummod", "compound", "amod") and root.head.pos_ in NOUNS \
            and root.head.i >= span.end and not root.head.text[:1].isdigit() \
            and root.head.lower_ not in _SCALE else None
    if root.pos_ in NOUNS and root.lower_ not in _SCALE and not root.like_num:
        return root
    if root.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod", "nmod") and \
            root.head.pos_ in NOUNS and root.head.i >= span.end and root.head.lower_ not in _SCALE:
        return root.head
    return None


def _modifiers(noun: Token) -> list[str]:
    return [c.lemma_.lower() for c in noun.lefts
            if c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("NOUN", "ADJ", "VERB")
            and not c.like_num]


def _phrase(noun: Token) -> str:
    parts = [c for c in noun.lefts if c.dep_ in ("compound", "amod", "nmod")
             and c.pos_ in ("NOUN", "PROPN", "ADJ") and not c.like_num]
    return " ".join([*(c.text for c in parts), noun.text])


def _climb(start: Token, root: Token, reading: Reading) -> Token | None:
    """Walk up from the figure to the verb that governs it, noting the nouns measured on the way."""
    x = start
    for _ in range(MAX_STEPS):
        if x.dep_ in ("ROOT",) and x.pos_ not in VERBS:
            return None
        head = x.head
        if x.dep_ == "pobj":
            prep = head
            reading.words.append(prep.lower_)
            x = prep.head
            if x.pos_ in VERBS:
                return x
            if x.pos_ in NOUNS:
                reading.words.append(x.lemma_.lower())
                reading.words.extend(_modifiers(x))
                if not reading.phrase:
                    reading.phrase = _phrase(x)
                _noun_holders(x, reading, came_from=prep)
            continue
        if head.pos_ in VERBS and x.dep_ != "amod":
            return head
        if x.dep_ == "appos" and head.pos_ == "PROPN":
            # "Norvale-7, a model with 410B parameters": the apposition describes the name
            reading.holders.append(_holder(head, "described name"))
            return None
        if x is start and (group := _described_group(x)) is not None:
            # "six dense models (1.5B, 7B, ...)": figures describing a group kb does not name
            reading.holders.append(_holder(group, "described"))
        if head is x:
            return None
        if head.pos_ in NOUNS and head is not start:
            reading.words.append(head.lemma_.lower())
            _noun_holders(head, reading, came_from=x)
        x = head
    return None


def _someone(token: Token) -> bool:
    """Whether "for X" names who the figure is for ("for its rivals", "for OpenAI"), not what it
    is for ("for training", "for each token")."""
    return token.pos_ == "PROPN" or any(c.dep_ == "poss" for c in token.children) or (
        token.tag_ in ("NNS", "NNPS") and any(c.dep_ == "det" and c.lower_ in ("the", "these", "those")
                                              for c in token.children))


def _described_group(x: Token) -> Token | None:
    """The plural noun a list of figures stands in apposition to, if any."""
    while x.dep_ == "conj" and x.head is not x:
        x = x.head
    head = x.head
    if x.dep_ == "appos" and head.tag_ in ("NNS", "NNPS") and head.i < x.i and \
            any(t.text in ("(", ":") for t in x.doc[head.i + 1:x.i]):
        return head  # set off by a bracket or a colon, as lists of members are
    return None


def _noun_holders(noun: Token, reading: Reading, came_from: Token | None,
                  only: tuple[str, ...] = ()) -> None:
    """Who a measured noun belongs to: "OpenAI's headcount", "the run of V3", "$30B for its
    rivals", "GPUs the lab used"."""
    for child in noun.children:
        if child is came_from:
            continue
        if only:
            if child.dep_ == "prep" and child.lower_ in only:
                reading.holders.extend(_holder(g, child.lower_) for g in child.children
                                       if g.dep_ == "pobj" and not g.like_num and _someone(g))
            continue
        if child.dep_ == "poss":
            reading.holders.append(_holder(child, "possessor"))
        elif child.dep_ == "prep" and child.lower_ == "in" and noun.lemma_.lower() in CHANGES:
            # "the billion-fold increase in inference demand": what changes holds the change
            reading.holders.extend(_holder(g, "changed") for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ in ("of", "for", "by"):
            for obj in child.children:
                if obj.dep_ == "pobj" and not obj.like_num and (child.lower_ != "for" or _someone(obj)):
                    reading.holders.append(_holder(obj, child.lower_))
        elif child.dep_ in ("relcl", "acl") and child.pos_ in VERBS:
            for sub in child.children:
                if sub.dep_ in ("nsubj", "nsubjpass") and sub.lower_ not in RELATIVES:
                    reading.holders.append(_holder(sub, "clause subject"))
        elif child.dep_ == "appos" and any(g.dep_ in ("acl", "relcl") for g in child.children):
            # "the 2,048 GPUs the lab used": a reduced relative clause, often parsed as apposition
            reading.holders.append(_holder(child, "clause subject"))


def _verb_holders(verb: Token, reading: Reading, skip: range) -> None:
    """The governing verb's subject (and what stands for it), then its object's owner."""
    reading.verb = verb.lemma_.lower()
    reading.words.append(reading.verb)
    for child in verb.children:
        if child.dep_ in ("prt", "acomp") and child.i not in skip:
            reading.words.append(child.lemma_.lower())
    subject = _subject_of(verb)
    if subject is not None and verb.dep_ in ("acl", "relcl") and subject.pos_ == "NOUN" and \
            subject.lemma_.lower() not in BACK_NOUNS:
        # "trained on 18T tokens using 4,096 chips over 54 days": a clause on a mere noun
        # ("tokens") goes on about the verb above it, whose subject holds the figure too.
        upper = _governor(subject)
        if upper is not None and upper is not verb:
            reading.words.append(upper.lemma_.lower())
            if (above := _subject_of(upper)) is not None:
                reading.holders.append(_holder(above, "subject above"))
    if verb.lemma_.lower() in MAKING and _dated(verb.doc[i] for i in skip):
        for child in verb.children:  # "X released Y in 2019": the date is Y's
            if child.dep_ == "dobj":
                reading.holders.append(_holder(_named(child), "made"))
    if subject is not None:
        if subject.pos_ == "PROPN" or subject.pos_ == "PRON" or subject.ent_type_:
            reading.holders.append(_holder(subject, "subject"))
        elif (name := _named(subject)) is not subject:
            reading.holders.append(_holder(name, "subject"))
        else:
            members = [g for c in subject.children if c.dep_ == "prep" and c.lower_ in ("as", "like",
                       "including") for g in c.children if g.dep_ == "pobj"]
            for m in members:  # "rivals such as Moonshot AI cut ...": the example is the subject
                reading.holders.append(_holder(m, "example"))
            for c in subject.children:
                if c.dep_ == "poss":
                    reading.holders.append(_holder(c, "subject's owner"))
            reading.words.append(subject.lemma_.lower())
            reading.words.extend(_modifiers(subject))
            if not reading.phrase:
                base = _phrase(subject)
                nominal = NOMINAL.get(reading.verb)
                reading.phrase = f"{base} {nominal}" if nominal and nominal != subject.lemma_.lower() \
                    else base
            reading.holders.append(_holder(subject, "subject"))
            for c in subject.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    reading.holders.extend(_holder(g, "subject of") for g in c.children if g.dep_ == "pobj")
    for child in verb.children:
        if child.dep_ in ("dobj", "attr") and child.i not in skip and not child.like_num:
            reading.words.append(child.lemma_.lower())
            reading.words.extend(_modifiers(child))
            if not reading.phrase:
                reading.phrase = _phrase(child)
            for c in child.children:
                if c.dep_ == "poss":
                    reading.holders.append(_holder(c, "object's owner"))
                elif c.dep_ == "prep" and c.lower_ == "of":
                    reading.holders.extend(_holder(g, "object of") for g in c.children if g.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ in ("on", "for") and child.i not in skip:
            for g in child.children:
                if g.dep_ == "pobj" and g.i not in skip and not g.like_num:
                    reading.words.append(g.lemma_.lower())
                    reading.words.extend(_modifiers(g))
    if not reading.phrase and reading.verb in NOMINAL:
        reading.phrase = NOMINAL[reading.verb]
    speaker = verb.head if verb.dep_ in ("ccomp", "parataxis") else None
    if speaker is not None and speaker.lemma_.lower() in SPEECH:
        said_by = _subject_of(speaker)
        if said_by is not None:
            reading.asserter = _holder(said_by, "asserter")


def _governor(token: Token) -> Token | None:
    """The verb a noun hangs from, through prepositions."""
    x = token
    for _ in range(MAX_STEPS):
        if x.head is x:
            return None
        x = x.head
        if x.pos_ in VERBS:
            return x
    return None


def _dated(tokens) -> bool:
    """Whether a figure's tokens are a date: a year or a month name."""
    return any((t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20")) or t.ent_type_ == "DATE"
               for t in tokens)


def _named(token: Token) -> Token:
    """A common noun with a name in apposition stands for that name ("its humanoid, the G2")."""
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return child
    # "its first quadruped, the Halvard H1, ...": an apposition the parser left unattached.
    doc, i = token.doc, token.right_edge.i + 1
    if i + 1 < len(doc) and doc[i].text == ",":
        i += 1 + (doc[i + 1].pos_ == "DET")
        run = i
        while run < len(doc) and doc[run].pos_ == "PROPN":
            run += 1
        if run > i and (run == len(doc) or doc[run].is_punct):
            return doc[run - 1]
    return token


def _subject_of(verb: Token) -> Token | None:
    """The verb's subject, through coordination, relative clauses and passives."""
    v = verb
    for _ in range(4):
        for child in v.children:
            if child.dep_ in ("nsubj", "csubj", "expl"):
                if child.lower_ in RELATIVES and v.dep_ == "relcl":
                    return v.head
                return child if child.dep_ != "expl" else None
            if child.dep_ == "nsubjpass":
                return child  # "the model was trained on 18T tokens": the model holds them
        if v.dep_ in ("acl", "relcl") and v.head.pos_ in NOUNS:
            head = v.head
            return head.head if head.dep_ == "appos" and head.head.pos_ in NOUNS else head
        if v.dep_ == "xcomp":  # "forced OpenAI to lower its prices": the object acts
            objects = [c for c in v.head.children if c.dep_ == "dobj"]
            if objects:
                return objects[0]
        if v.dep_ in ("conj", "xcomp", "advcl", "ccomp") and v.head is not v:
            v = v.head
            continue
        return None
    return None


def _scope(root: Token, noun: Token | None, verb: Token | None, reading: Reading) -> None:
    """What keeps this quantity apart from others of its kind: where ("in China", "abroad") and
    which part ("the final training run", "a Series C round")."""
    where = []
    for t in (root, *([noun] if noun is not None else [])):
        for child in t.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                where += [f"in {g.text}" for g in child.children if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC")]
            elif child.dep_ == "advmod" and child.lower_ in PLACES:
                where.append(child.lower_)
    part = ""
    x = noun or root
    for _ in range(MAX_STEPS):
        if x.pos_ == "NOUN" and x.lemma_.lower() in PARTS:
            part = " ".join(t.text for t in x.subtree if t.i <= x.i and t.dep_ != "det" and not t.like_num
                            and t.pos_ != "PRON" and t.dep_ != "poss").strip()
            break
        if x.head is x or x.pos_ in VERBS:
            break
        x = x.head
    if not part and verb is not None:  # "raised $2B in a Series C round"
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "in" and 0 < child.i - root.i <= 4:
                for g in child.children:
                    if g.dep_ == "pobj" and g.lemma_.lower() in PARTS:
                        part = " ".join(t.text for t in g.subtree if t.dep_ != "det" and t.i <= g.i)
    found = [s for s in (*where, part) if s]
    if found and not reading.scope:
        reading.scope = "; ".join(found)[:200]


def _comparisons(span: Span, noun: Token | None, reading: Reading) -> None:
    """"three times cheaper than Y on input": the comparator and the scope."""
    tokens = [span.root] if noun is None else [span.root, noun]
    x = span.root
    for _ in range(3):
        x = x.head
        tokens.append(x)
        if x.pos_ in VERBS:
            break
    for t in tokens:
        for child in t.children:
            if child.dep_ == "prep" and child.lower_ == "than":
                for g in child.children:
                    if g.dep_ == "pobj":
                        reading.comparator = _holder(g, "than")
            elif child.dep_ == "prep" and child.lower_ in ("on", "for"):
                for g in child.children:
                    if g.dep_ == "pobj" and g.lower_ in ("input", "output", "inference", "training"):
                        reading.scope = f"{child.lower_} {g.lower_}"


def _after_of_which(root: Token) -> bool:
    """"..., of which 37 billion are active": the partitive stands right before the figure."""
    doc, i = root.doc, root.left_edge.i
    return i >= 2 and doc[i - 1].lower_ in RELATIVES and doc[i - 2].lower_ == "of"


def _holder(token: Token, how: str) -> Holder:
    """The holder's span: the token with its name-forming children ("Moonshot AI", "the lab").
    An apposition stands for the name it describes ("DeepSeek-V3, a strong MoE model")."""
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.dep_ == "appos" \
            and token.head.head.head.pos_ == "PROPN":
        token = token.head.head  # "Skywork-13B, a family of large language models"
    if token.dep_ == "appos" and token.head.pos_ == "PROPN" and token.pos_ != "PROPN" and \
            not any(c.dep_ in ("acl", "relcl") for c in token.children):
        token = token.head
    parts = [token, *(c for c in token.lefts if c.dep_ in ("compound", "flat", "nmod", "amod")
                      and c.pos_ in ("PROPN", "NOUN", "ADJ", "NUM"))]
    parts += [c for c in token.rights if c.dep_ in ("flat",) or (c.dep_ == "punct" and c.text == "-")]
    first = min(p.i for p in parts)
    last = max(p.i for p in parts)
    doc = token.doc
    start, end = doc[first].idx, doc[last].idx + len(doc[last])
    word = token.lower_
    back = ""
    if token.pos_ == "PRON" and word in BACK_PRONOUNS:
        back = word
    elif token.pos_ == "NOUN" and token.lemma_.lower() in BACK_NOUNS and any(
            (c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")) or c.dep_ == "poss"
            for c in token.children):
        back = token.lemma_.lower()  # "the lab", "our largest model", "its GLM-5 model"
    if word in FIRST_PERSON and how == "subject":
        back = "we"  # "We have 85 researchers": the speaker's organization, not the writer
    return Holder(start, end, how, back=back,
                  proper=token.pos_ == "PROPN" or token.ent_type_ in ("ORG", "PRODUCT", "PERSON"),
                  author=word in FIRST_PERSON and how != "subject")
