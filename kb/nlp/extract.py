"""From article text to proposed claims: sentences, names, figures, attributes and qualifiers."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from kb.nlp import qualifiers, roles, syntax
from kb.nlp.attributes import (
    FIT_MIN, KIND_WORDS, AttributeCatalog, AttributeInfo, cues_around, expand, new_attribute, stem,
    words_of,
)
from kb.nlp.discourse import CONTEXT_REACH, RECENT_CHILD_REACH, Discourse
from kb.nlp.entities import EntityIndex, Mention
from kb.nlp.names import scan_names
from kb.nlp.narrowing import MEASURE, flip_comparison, specialize
from kb.names import normalize_name
from kb.nlp.layout import unwrap
from kb.nlp.pipeline import Sentence, split
from kb.nlp.proposal import COUNT_CUE_MIN, HOW_CONFIDENCE, Extraction, Proposal
from kb.nlp.quantities import Quantity, counting_sentences, sentence_quantities
from kb.nlp.subjects import NATION_AFTER, Choice, Placed, choose_subject, sentence_subject
from kb.nlp.tables import TableReader

VERIFY = re.compile(r"\[\s*verify\s*\]", re.I)
STRONG = 12.0  # a subject placed by grammar ("X's 11x", "$5.5 million for V3") beats a shared one
_TERMINAL = frozenset(".!?:;\"”’)]")
_VS = re.compile(r"^\s*(?:vs\.?|versus|v\.)\s*$", re.I)
_NEW_REFERENT = re.compile(r"^(?:An?|One|Another|Some)\b|\b(?:one|another)\s+(?!of\b)[a-z]+")
_DEFINITE_KIND = re.compile(r"\b(?:the|these|those)\s+([a-z]+)", re.I)
_RANKED = re.compile(r"^(?:top\b|\w+[-\s](?:most[-\s]\w+|\w+est)\b)", re.I)
_WORD = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"[0-9]")
_QUESTION_LINE = re.compile(r"^[*_#>\s]*(?:Q[:.]\s*)?[A-Z][^\n]{3,200}\?[*_\s]*$", re.M)


# A count whose noun is a unit of its own: "671 billion parameters", "of which 37 billion".
COUNT_UNITS = {"parameter": "parameters", "token": "tokens"}
SOME_WORDS = 0.3  # below this share of an attribute's own words, the text does not name it
PARSED = 14.0
WEAK = 6.0  # proximity scores below this are guesses a section's heading outranks
KIND_NOUNS = {"chip": "chips", "model": "models", "lab": "labs", "product": "products"}
COUNTED_UNITS = ("count", "tokens")  # figures whose noun says what they count  # a holder the parse names beats every score the word-distance rules give


def extract(text: str, *, entities: EntityIndex, attributes: AttributeCatalog,
            year: int | None = None) -> Extraction:
    """Propose claims for every figure (and every [VERIFY] marker) in text; `year`, the source's,
    dates "last year" and "this year"."""
    view = unwrap(text)  # same length: offsets into it are offsets into the stored text
    tokens, sentences = split(view)
    mentions = entities.mentions(tokens)
    return _Extractor(view, tokens, entities, attributes, year).run(sentences, mentions)


class _Unheld:
    """The parse says the figure belongs to someone kb does not know: file it under nobody."""


UNHELD = _Unheld()


class _Extractor:
    def __init__(self, text, tokens, entities: EntityIndex, attributes: AttributeCatalog,
                 year: int | None = None):
        self.text, self.tokens = text, tokens
        self.entities, self.attributes = entities, attributes
        self.discourse = Discourse(entities)
        self.out = Extraction(0)
        self.unknown_names = False  # the sentence names someone kb does not know
        self.main: Mention | None = None  # the sentence's own subject
        self.tables = TableReader(text, entities, attributes, self.discourse, self.out.proposals)
        self.readings: dict[int, list[syntax.Reading | None]] = {}
        self.new_spans: list[tuple[int, int]] = []
        self.year = year
        # Questions on lines of their own ("**How big is it?**"): an interview, where "we" speak.
        self.dialogue = len(_QUESTION_LINE.findall(text)) >= 2
        self.headings: list[tuple[int, int | None, str]] = []  # (level, entity, words), outermost first
        self.reading: syntax.Reading | None = None

    def run(self, sentences: list[Sentence], mentions: list[Mention]) -> Extraction:
        self.out.sentences = len(sentences)
        self.counting = counting_sentences(self.tokens, sentences)
        self.found_quantities = self._parse(sentences)
        starts = [m.start for m in mentions]
        k = 0
        seen_names: set[str] = set()
        for n, sent in enumerate(sentences):
            k = bisect_left(starts, sent.start, k)
            found = mentions[k:bisect_left(starts, sent.end, k)]
            if sent.table_row:
                self.tables.row(sent, found)
                continue
            self.tables.end()
            if self._is_heading(sent):
                self._heading(sent, found)
                continue
            self._sentence(sent, found, seen_names, n)
        return self.out

    def _parse(self, sentences: list[Sentence]) -> dict[int, list[Quantity]]:
        """Find the figures of every prose sentence, then parse the sentences that hold any in
        one batch (the parser is the costly step; sentences without figures are not parsed)."""
        found: dict[int, list[Quantity]] = {}
        for n in sorted(self.counting):
            sent = sentences[n]
            if sent.table_row:
                continue
            found[n] = sentence_quantities(self.text[sent.start:sent.end])
        wanted = [n for n, qs in found.items() if qs]
        parsed = syntax.parse((self.text[sentences[n].start:sentences[n].end],
                               [(q.start, q.end, q.figure.unit) for q in found[n]]) for n in wanted)
        for n, p in zip(wanted, parsed):
            self.readings[n] = [syntax.read(p, q.start, q.end) for q in found[n]]
        return found

    def _heading(self, sent: Sentence, found: list[Mention]) -> None:
        """A heading that names one entity sets what its section (and any below it) is about;
        its words say what the section's bare figures measure ("## Training compute")."""
        named = {m.entity_id for m in found if m.entity_id is not None and m.how != "topic"}
        level = _heading_level(self.text, sent.start)
        if level == 0:  # a plain-text heading sits under the Markdown heading it follows
            level = self.headings[-1][0] + 1 if self.headings else 1
        self.headings = [h for h in self.headings if h[0] < level]
        subject = named.pop() if len(named) == 1 else None
        words = "" if subject is not None else self.text[sent.start:sent.end].lstrip("#").strip()
        self.headings.append((level, subject, words))
        self.discourse.new_section()
        self.discourse.observe(found, subject)

    def section_subject(self) -> int | None:
        """The entity the innermost heading that names one is about."""
        for _, subject, _ in reversed(self.headings):
            if subject is not None:
                return subject
        return None

    def _section_noun(self) -> str:
        """A unit noun the innermost heading names ("## Parameters"), for the bare counts below it."""
        for _, _, words in reversed(self.headings):
            for w in words_of(words):
                if w in COUNT_UNITS:
                    return w
        return ""

    def section_words(self) -> str:
        return " ".join(words for _, _, words in self.headings if words)

    def _is_heading(self, sent: Sentence) -> bool:
        """A Markdown heading, or a short line of its own that does not end like a sentence and
        holds no figure ("32B" alone on a line is a figure, under whatever heading is above)."""
        text = self.text
        if text.startswith("#", sent.start):
            return True
        if _DIGIT.search(text, sent.start, sent.end):
            return False
        if text[sent.end - 1:sent.end] in _TERMINAL:
            return False  # most sentences: decided without reading the line around them
        line_start = text.rfind("\n", 0, sent.start) + 1
        line_end = text.find("\n", sent.end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_start:sent.start].strip() or text[sent.end:line_end].strip():
            return False
        return len(text[sent.start:sent.end].split()) <= 12

    # --- prose ---------------------------------------------------------------------------

    def _sentence(self, sent: Sentence, found: list[Mention], seen_names: set[str], n: int) -> None:
        s_text = self.text[sent.start:sent.end]
        quantities = self.found_quantities.get(n, [])
        readings = self.readings.get(n) or [None] * len(quantities)
        marker = VERIFY.search(s_text) if "[" in s_text else None
        if not quantities and not marker:
            main = sentence_subject(s_text, sent.start, found, self.entities)
            self.discourse.observe(found, self.discourse.nation_topic(main) if main else (
                None if found else self.discourse.referent(s_text)), s_text)
            return
        found = self._more_mentions(sent, found, seen_names, bool(quantities))
        self.sentence_start, self.sentence_mentions = sent.start, found
        named = [(m.start - sent.start, m.end - sent.start) for m in found if m.how != "topic"]
        kept = [(q, r) for q, r in zip(quantities, readings)
                if not any(a < q.end and q.start < b for a, b in named)]
        quantities = [q for q, _ in kept]
        readings = [r for _, r in kept]
        main = self.main = sentence_subject(s_text, sent.start, found, self.entities)
        made: list[Proposal] = []
        previous: tuple[Quantity, AttributeInfo] | None = None
        spans = [(q.start, q.end) for q in quantities]
        for i, q in enumerate(quantities):
            reading = self.reading = _partitive(readings, i)
            noun = reading.noun if reading is not None and reading.noun else self._section_noun()
            if q.figure.unit == "count" and noun in COUNT_UNITS:
                q = quantities[i] = q._replace(figure=replace(q.figure, unit=COUNT_UNITS[noun]))
            attribute = self._attribute(s_text, q, quantities, i, previous, readings)
            if attribute is None:
                continue
            if q.figure.unit == "count" and attribute.unit != "count":
                # A count of what the attribute counts: "1.25 × 10^24" under "Training compute".
                q = quantities[i] = q._replace(figure=replace(q.figure, unit=attribute.unit))
            previous = (q, attribute)
            # The thing a figure counts is not who holds it: "2,048 Nvidia H800 GPUs", "8 A100s".
            holders = self._not_counted(found, sent, reading) if q.figure.unit in COUNTED_UNITS else found
            held = self._held(s_text, sent, holders, reading, attribute)
            if held is UNHELD or (held is None and _result(s_text, q) and self.section_subject()):
                if held is UNHELD:
                    continue
                held = Choice(self.section_subject(), PARSED, "section")  # "... = 5.17e24 FLOP"
            choice = self._subject(s_text, sent, q, quantities, i, holders, attribute, made, spans,
                                   held)
            if choice is not None and choice.relative_to is None and q.figure.unit == "x":
                choice = self._compared(choice, sent, found, reading)
            verify = marker is not None and q.start >= marker.start()
            if choice is None and verify:
                choice = self._fallback_choice()
            if choice is None:
                continue
            clause = quantities[i + 1].start if i + 1 < len(quantities) else len(s_text)
            # Another figure's date ("founded in 2021, employs 240") dates nothing else.
            dated = _blank(s_text[:clause], [(o.start, o.end) for o in quantities if o is not q])
            made.append(self._proposal(sent, s_text, q, attribute, choice, verify, marker, dated))
        if marker is not None and not any(p.verify for p in made):
            verify_item = self._verify_only(sent, s_text, found, marker)
            if verify_item is not None:
                made.append(verify_item)
        self.out.proposals.extend(made)
        self.discourse.observe(found, self._main_subject(main, made), s_text)

    @staticmethod
    def _not_counted(found: list[Mention], sent: Sentence, reading: syntax.Reading | None) -> list[Mention]:
        if reading is None or reading.noun_span is None:
            return found
        a, b = (sent.start + x for x in reading.noun_span)
        return [m for m in found if not (a <= m.start and m.end <= b)]

    def _held(self, s_text: str, sent: Sentence, found: list[Mention],
              reading: syntax.Reading | None, attribute: AttributeInfo) -> Choice | _Unheld | None:
        """The first holder the parse names that is an entity: a known name, a pronoun or "the
        lab" read against the discourse; a name kb lacks holds the figure itself (UNHELD)."""
        if reading is None:
            return None
        for h in reading.holders:
            if h.author:
                continue
            a, b = sent.start + h.start, sent.start + h.end
            # A name that heads the holder ("Moonshot AI"), not one modifying it ("MoE model").
            named = [m for m in found if m.entity_id is not None and m.start < b and b - 1 <= m.end]
            if named:
                m = max(named, key=lambda m: (m.how != "topic", m.end <= b, m.end - m.start))
                if not self._fits(m.entity_id, attribute):
                    continue  # "trained on H100s": a chip holds no model's training figures
                return Choice(m.entity_id, PARSED, f"parse {h.how}")
            if h.back:
                entity_id = self._referent(h.back, sent, h.start, found)
                if entity_id is not None and not self._fits(entity_id, attribute):
                    entity_id = self.section_subject()
                if entity_id is not None and self._fits(entity_id, attribute):
                    return Choice(entity_id, PARSED, f"parse {h.how} ({h.back})")
                continue
            if h.proper and self._part_of_section_name(s_text[h.start:h.end]):
                return Choice(self.section_subject(), PARSED, f"parse {h.how} (section)")
            if h.how == "described name":
                continue  # "GSM8K (86.3%)": the name may be the measure, not its holder
            if not h.proper and any(x < b and a < y for x, y in self.new_spans):
                h = replace(h, proper=True)  # a name kb lacks, however the tagger read it
            if h.proper or h.how in ("for", "described"):
                return UNHELD
        return None

    def _fits(self, entity_id: int, attribute: AttributeInfo) -> bool:
        """Whether an entity is of a kind the attribute is about (any, if it names none)."""
        kinds = self.attributes.kinds.get(attribute.id) if attribute.id is not None else None
        return not kinds or self.entities.entities[entity_id].kind in kinds | {"topic"}

    def _speaker(self) -> int | None:
        """Who "we" are in a quote or an interview: the lab named last, or the section's lab."""
        kinds = self.entities.entities
        labs = [(no, entity_id) for entity_id, no in self.discourse.last_seen.items()
                if kinds[entity_id].kind == "lab"]
        if labs:
            return max(labs)[1]
        section = self.section_subject()
        if section is not None and kinds[section].kind != "lab":
            return kinds[section].parent_id
        return section

    def _part_of_section_name(self, text: str) -> bool:
        """"Gemini" in a section about "Gemini 1.0 Ultra": a short form of the section's name."""
        section = self.section_subject()
        if section is None:
            return False
        name = self.entities.entities[section].name.lower().split()
        words = text.lower().split()
        return bool(words) and name[:len(words)] == words

    def _referent(self, word: str, sent: Sentence, before: int, found: list[Mention]) -> int | None:
        """What "it", "its" or "the lab" stands for: a fitting name earlier in the sentence, else
        the discourse's latest subject of that kind, else the latest-named entity of that kind."""
        kinds = self.entities.entities
        if word == "we":  # the speaker's organization in a quote or an interview; else the writer
            quoted = any(c in self.text[sent.start:sent.start + before] for c in '"“”')
            return self._speaker() if quoted or self.dialogue else None
        kind = KIND_WORDS.get(stem(word))
        earlier = [m for m in found if m.entity_id is not None and m.end - sent.start <= before
                   and (kind is None or kinds[m.entity_id].kind == kind) and m.how != "topic"]
        main = self.main
        if main is not None and main.entity_id is not None and main in earlier:
            return main.entity_id
        if kind is None:
            return self.discourse.context_subject() or (earlier[-1].entity_id if earlier else None)
        if earlier:
            return earlier[-1].entity_id
        discourse = self.discourse
        for sentence_no, entity_id in reversed(discourse.subjects):
            if discourse.sentence_no - sentence_no > CONTEXT_REACH:
                break
            if kinds[entity_id].kind == kind:
                return entity_id
        seen = [(no, entity_id) for entity_id, no in discourse.last_seen.items()
                if kinds[entity_id].kind == kind and discourse.sentence_no - no <= RECENT_CHILD_REACH]
        if seen:
            return max(seen)[1]
        subject = discourse.context_subject()
        if kind == "model" and subject is not None and kinds[subject].kind == "lab":
            return discourse.recent_child(subject, reach=None)
        return None

    def _main_subject(self, main: Mention | None, made: list[Proposal]) -> int | None:
        """What the sentence is about for the next one: its main name, or what that name was
        narrowed to ("the US AI sector had triple the compute" is about US compute)."""
        if main is None:
            return made[0].subject_id if made else None
        main_id = self.discourse.nation_topic(main)
        narrowed = [p.subject_id for p in made if p.how.endswith(MEASURE)]
        return narrowed[0] if narrowed else main_id

    def _more_mentions(self, sent, found, seen_names, with_figures: bool) -> list[Mention]:
        topics = self.entities.topic_mentions(self.tokens, sent.first_token, sent.last_token, found)
        topics = [t for t in topics if not any(
            m.entity_id == t.entity_id or (m.tok_start <= t.tok_start and t.tok_end <= m.tok_end)
            for m in found)]
        near, new = scan_names(self.tokens, sent.first_token, sent.last_token, self.entities, found)
        self.unknown_names = bool(new)
        self.new_spans = [(n.start, n.end) for n in new]
        if with_figures:
            for name in new:
                if name.text not in seen_names:
                    seen_names.add(name.text)
                    self.out.new_names.append(name)
        return sorted([*found, *topics, *near], key=lambda m: (m.start, -m.end))

    def _attribute(self, s_text, q: Quantity, quantities, i, previous,
                   readings: list[syntax.Reading | None]) -> AttributeInfo | None:
        lo = quantities[i - 1].end if i > 0 else 0
        hi = quantities[i + 1].start if i + 1 < len(quantities) else len(s_text)
        own = s_text[lo:q.start].strip(" ,") if i > 0 else ""
        reading = self.reading
        if previous is not None and previous[0].figure.unit == q.figure.unit and \
                (len(words_of(own)) <= 2 or _both_described(readings, i)) and \
                not q.figure.label and (reading is None or not reading.partitive):
            # "$12.4 billion compared to $285 billion", "GSM8K (86.3%) lags behind GPT-4o
            # (92.0%)": the same measure again
            return previous[1]
        rank = "rank" if _RANKED.match(q.figure.text) else ""
        parsed = " ".join(reading.words) if reading is not None else ""
        cues = cues_around(s_text, q.start, q.end, lo, hi,
                           f"{q.figure.label} {q.event} {rank} {parsed}",
                           counted=q.figure.unit == "count")
        if _result(s_text, q):  # "... = 4.9e19": the operands' words say nothing of the result
            own = " ".join(reading.words) if reading is not None else ""
            cues = {w: 1.0 for w in expand(words_of(f"{q.figure.label} {own}"))}
            cues.update({w: 3.0 for w in expand(words_of(self.section_words()))})
        for w in expand(words_of(self.section_words())):
            cues.setdefault(w, 1.0)  # the section's heading says what its bare figures measure
        if reading is not None and reading.noun and q.figure.unit in COUNTED_UNITS:
            return self._counted(q, reading, cues, self._noun_kind(reading))
        if reading is not None and not _result(s_text, q):
            # The words the parse ties to the figure first; the words merely near it after.
            tied = {w: 1.0 for w in expand(words_of(f"{q.figure.label} {q.event} {rank} {parsed}"))}
            attribute, cover = self.attributes.fit(q.figure.unit, tied)
            if attribute is not None and cover >= FIT_MIN:
                return attribute
        chosen, score = self.attributes.choose(q.figure.unit, cues)
        attribute, cover = self.attributes.fit(q.figure.unit, cues)
        if chosen is not None and score >= COUNT_CUE_MIN:
            # The attribute the words around the figure weigh most, if they say enough of it
            # and no other attribute's own words are said more fully.
            said = self.attributes.coverage(chosen, cues)
            if said >= SOME_WORDS and (cover < FIT_MIN or said >= cover):
                return chosen
        if attribute is not None and cover >= FIT_MIN:
            return attribute
        if q.figure.unit == "date" or reading is None or not reading.phrase:
            return None  # nothing names what the figure measures: no catch-all is forced on it
        return new_attribute(reading.phrase, q.figure.unit)

    def _noun_kind(self, reading: syntax.Reading) -> str:
        """The kind of entity the counted noun names ("2,048 H100s": chips), if it names one."""
        if reading.noun_span is None:
            return ""
        a, b = (self.sentence_start + x for x in reading.noun_span)
        for m in self.sentence_mentions:
            if m.entity_id is not None and m.start < b and a < m.end:
                return self.entities.entities[m.entity_id].kind
        word = self.text[a:b].split()[-1] if self.text[a:b].split() else ""
        for name in (word, word[:-1] if word.endswith("s") else ""):  # "H100s": so many H100
            ids = self.entities.by_norm.get(normalize_name(name)) if name else None
            if ids:
                return self.entities.entities[ids[0]].kind
        return ""

    def _counted(self, q: Quantity, reading: syntax.Reading, cues: dict[str, float],
                 kind: str = "") -> AttributeInfo | None:
        """A count is of what its noun names ("2,048 GPUs", "160 researchers"): only an attribute
        whose own words name that noun fits, else a new one named from the noun's phrase. A count
        of chips is never a rank, and "H800 GPU hours" are no count of GPUs."""
        # A counted noun that names a chip counts chips too; one naming a model, models.
        noun = set(expand([stem(reading.noun), *([stem(KIND_NOUNS[kind])] if kind in KIND_NOUNS else [])]))
        fitting = [a for a in self.attributes.fitting(q.figure.unit)
                   if noun & {s for phrase in (a.label, *a.synonyms) for s in words_of(phrase)}]
        cues = {**cues, **{w: 1.0 for w in noun}}  # the noun is said, in whatever form
        best, best_cover = None, 0.0
        for a in fitting:
            cover = self.attributes.coverage(a, cues)
            if cover > best_cover:
                best, best_cover = a, cover
        if best is not None and best_cover >= SOME_WORDS:
            return best
        section = {w: 1.0 for w in expand(words_of(self.section_words()))}
        if section:  # "69,000 materials" under "Dataset size": the heading names the measure
            attribute, cover = self.attributes.fit(q.figure.unit, section)
            if attribute is not None and cover >= FIT_MIN:
                return attribute
        if kind:
            return None  # a count of named things no attribute counts: nothing to name it by
        return new_attribute(reading.phrase or reading.noun, q.figure.unit)

    def _subject(self, s_text, sent, q, quantities, i, found, attribute, made, spans,
                 held: Choice | None = None) -> Choice | None:
        fig = Placed(q.start, q.end, q.figure.unit, q.figure.label,
                     self.attributes.kinds.get(attribute.id, set()),
                     [sp for sp in spans if sp != (q.start, q.end)],
                     self.attributes.platform_words.get(attribute.id, set()), q.event, q.figure.text,
                     _ranked_kind(s_text, q))
        paired = self._vs_pair(s_text, sent, q, quantities, i, found)
        if paired is not None:
            return paired
        choice = choose_subject(s_text, sent.start, fig, mentions=found, main=self.main,
                                discourse=self.discourse)
        if held is not None and (choice is None or choice.score < STRONG or self._loose(choice, held)):
            choice = held
        elif choice is not None and choice.score < WEAK and (section := self.section_subject()) is not None \
                and section not in {m.entity_id for m in found}:
            choice = Choice(section, WEAK, "section")  # a heading's entity beats a name merely near by
        if choice is None and not made:
            choice = self._carried(s_text, sent.start, found)
        if choice is None and (section := self.section_subject()) is not None:
            choice = Choice(section, WEAK, "section")  # "32B" alone under a model's heading
        shared = self._shared(s_text, sent, q, quantities, i, found, made)
        if shared is not None and (choice is None or choice.score < STRONG):
            return flip_comparison(shared, s_text, fig, found, sent.start, self.discourse)
        if choice is None:
            return None
        if not self._fits(choice.entity_id, attribute) and (section := self.section_subject()) is not None \
                and self._fits(section, attribute):
            choice = Choice(section, WEAK, "section")  # a technique holds no parameter count
        choice = self._counterpart(s_text, sent, q, found, choice, made)
        choice = specialize(choice, s_text, sent.start, found, self.discourse, fig)
        return flip_comparison(choice, s_text, fig, found, sent.start, self.discourse)

    def _compared(self, choice: Choice, sent: Sentence, found: list[Mention],
                  reading: syntax.Reading | None) -> Choice:
        """"about 8 times dearer than Y": the ratio is relative to what the parse compares it with."""
        than = reading.comparator if reading is not None else None
        if than is None:
            return choice
        a, b = sent.start + than.start, sent.start + than.end
        named = [m.entity_id for m in found if m.entity_id is not None and m.start < b and a < m.end]
        if named and named[-1] != choice.entity_id:
            return Choice(choice.entity_id, choice.score, choice.how, choice.references, relative_to=named[-1])
        return choice

    def _named_asserter(self, who: str, sent: Sentence) -> str:
        """"according to the company": the company the text is about, by name."""
        words = who.lower().split()
        if len(words) == 1 and words[0] in syntax.BACK_NOUNS:
            entity_id = self._referent(words[0], sent, len(self.text), self.sentence_mentions)
            return self.entities.entities[entity_id].name if entity_id is not None else who
        return who

    def _asserter(self, sent: Sentence) -> str:
        """Who the parse says states the figure ("The company said the model was trained on ..."):
        a name, or the entity "the company" stands for; the writer and bare nouns assert nothing."""
        who = self.reading.asserter if self.reading is not None else None
        if who is None or who.author:
            return ""
        a, b = sent.start + who.start, sent.start + who.end
        named = [m.entity_id for m in self.sentence_mentions if m.entity_id is not None and m.start < b and a < m.end]
        if named:
            return self.entities.entities[named[-1]].name
        if who.back and who.back != "we":
            entity_id = self._referent(who.back, sent, who.start, self.sentence_mentions)
            return self.entities.entities[entity_id].name if entity_id is not None else ""
        return self.text[a:b] if who.proper else ""

    def _loose(self, choice: Choice, held: Choice) -> bool:
        """A topic read from scattered words ("Hangzhou lab" -> Chinese AI labs) yields to a
        name the parse attaches the figure to."""
        kinds = self.entities.entities
        return kinds[choice.entity_id].kind == "topic" and kinds[held.entity_id].kind != "topic"

    def _carried(self, s_text: str, offset: int, found: list[Mention]) -> Choice | None:
        """"By the start of this year, that gap was eightfold": a sentence naming nobody (but by
        way of example) goes on about the one before; "A lab ...", "at one lab" or a name kb
        lacks bring in someone new."""
        if any(not roles.role_at(s_text, m.start - offset, m.end - offset).example for m in found) \
                or self.unknown_names or _NEW_REFERENT.search(s_text):
            return None
        entity_id = self.discourse.previous_subject()
        if entity_id is None:
            return None
        kinds = {KIND_WORDS.get(stem(w)) for w in _DEFINITE_KIND.findall(s_text)} - {None}
        if kinds and self.entities.entities[entity_id].kind not in kinds:
            return None  # "the labs" do not point back to a model
        return Choice(entity_id, 0.0, "context")

    def _shared(self, s_text, sent, q, quantities, i, found, made) -> Choice | None:
        """"$0.43 per million input tokens and $0.87 per million output": one subject for both."""
        if i == 0 or not made or made[-1].figure_end != sent.start + quantities[i - 1].end:
            return None
        previous = made[-1]
        # "introduced it in V2 in May 2024 ..., reducing memory use by 93%": a date says when
        # something happened to its subject, and the measure after it may be another's.
        if previous.how.startswith("context") or previous.figure.unit == "date" != q.figure.unit:
            return None
        lo, hi = quantities[i - 1].end, q.start
        between = []
        for m in found:
            s, e = m.start - sent.start, m.end - sent.start
            if lo <= s < hi and m.how != "nation":
                role = roles.role_at(s_text, s, e)
                if not role.asserter and (not role.reference or roles.possessive_of(s_text, e, q.start)):
                    between.append(m)
        if between or _nation_after(s_text, sent, q, found) is not None:
            return None
        if roles.clause_breaks(s_text[lo:hi]) > 1:
            return None
        return Choice(previous.subject_id, 9.0, "shared", relative_to=previous.relative_to)

    def _vs_pair(self, s_text, sent, q, quantities, i, found) -> Choice | None:
        """"(88.5% vs. 88.7%)" after "DeepSeek-V2 ... GPT-4": the figures follow the names."""
        if i + 1 < len(quantities) and _VS.match(s_text[q.end:quantities[i + 1].start]):
            first, position = q, 0
        elif i > 0 and _VS.match(s_text[quantities[i - 1].end:q.start]):
            first, position = quantities[i - 1], 1
        else:
            return None
        names: list[int] = []
        for m in found:
            if m.end - sent.start <= first.start and m.entity_id is not None:
                if m.entity_id in names:
                    names.remove(m.entity_id)
                names.append(m.entity_id)
        if len(names) < 2:
            return None
        return Choice(names[-2 + position], 12.0, "vs")

    def _counterpart(self, s_text, sent, q, found, choice: Choice, made) -> Choice:
        """"$12.4 billion ... compared to $285 billion in the US": the same topic, other nation."""
        m = _nation_after(s_text, sent, q, found)
        if m is not None:
            for p in reversed(made):
                other = self.entities.counterpart(p.subject_id, m.nation)
                if other is not None and other != p.subject_id:
                    return Choice(other, choice.score, "counterpart")
            sector = self.entities.sector_topic.get(m.nation)
            if sector is not None and choice.how not in ("possessor", "parenthesis", "for"):
                return Choice(sector, choice.score, "nation after")
        return choice

    def _proposal(self, sent, s_text, q: Quantity, attribute, choice: Choice, verify,
                  marker, dated: str) -> Proposal:
        scope = ""
        if choice.relative_to is not None:
            scope = f"relative to {self.entities.entities[choice.relative_to].name}"
        elif choice.references and q.figure.unit == "x":
            ref = choice.references[-1]
            scope = f"relative to {self.text[ref.start:ref.end]}"
        if self.reading is not None and self.reading.scope and self.reading.scope not in scope:
            scope = "; ".join(s for s in (scope, self.reading.scope) if s)
        confidence = HOW_CONFIDENCE.get(choice.how.split("+")[0], 0.5)
        if choice.how.startswith("parse"):  # a name the tree attaches; less for "it", "the lab"
            confidence = 0.75 if "(" in choice.how else 0.85
        if attribute.proposed:
            confidence = min(confidence, 0.6)  # a new attribute always wants an editor's look
        return Proposal(
            start=sent.start, end=sent.end, subject_id=choice.entity_id, attribute=attribute,
            figure=q.figure, figure_start=sent.start + q.start, figure_end=sent.start + q.end,
            period=qualifiers.period_near(dated, q.start, q.end, self.year),
            asserted_by=self._named_asserter(qualifiers.asserted_by(s_text, q.start, q.end), sent)
            or self._asserter(sent),
            scope=scope,
            verify=verify, note=self._verify_note(s_text, marker) if verify else "",
            confidence=confidence, how=choice.how, relative_to=choice.relative_to)

    @staticmethod
    def _verify_note(s_text: str, marker) -> str:
        return f"[VERIFY] in the source: {s_text[marker.end():].strip()}"

    def _fallback_choice(self) -> Choice | None:
        entity_id = self.discourse.fallback_subject()
        return None if entity_id is None else Choice(entity_id, 0.0, "fallback")

    def _verify_only(self, sent, s_text, found, marker) -> Proposal | None:
        """A [VERIFY] sentence with no figure in its scope: a claim for the fact-checkers."""
        scope_text = s_text[marker.end():]
        cues = {w: 1.0 for w in expand(words_of(scope_text))}
        attribute, score = self.attributes.choose(None, cues)
        attribute = attribute or self.attributes.fallback(None)
        fig = Placed(marker.start(), marker.end(), "", "", self.attributes.kinds.get(
            attribute.id, set()) if attribute else set(), [], set())
        choice = choose_subject(s_text, sent.start, fig, mentions=found, main=self.main,
                                discourse=self.discourse)
        if choice is None:
            choice = self._fallback_choice()
        if attribute is None or choice is None:
            return None
        choice = specialize(choice, s_text, sent.start, found, self.discourse, fig)
        return Proposal(start=sent.start, end=sent.end, subject_id=choice.entity_id,
                        attribute=attribute, figure=None, verify=True,
                        note=self._verify_note(s_text, marker), confidence=0.3, how=choice.how)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans blanked out (same length)."""
    for a, b in spans:
        if a < len(text):
            text = text[:a] + " " * (min(b, len(text)) - a) + text[b:]
    return text


def _both_described(readings: list[syntax.Reading | None], i: int) -> bool:
    """Two figures each in brackets after a name: "X (86.3%) ... Y (92.0%)"."""
    return i > 0 and all(r is not None and r.holders and r.holders[0].how == "described name"
                         for r in readings[i - 1:i + 1])


def _result(s_text: str, q: Quantity) -> bool:
    """The result of arithmetic written out ("6 * 37B * 14.8T = 3.3e24")."""
    return "=" in s_text[max(0, q.start - 4):q.start]


def _heading_level(text: str, start: int) -> int:
    """1 for "# Title", more for "##" and deeper, 0 for a plain-text heading."""
    line = text[text.rfind("\n", 0, start) + 1:start + 8].lstrip()
    return len(line) - len(line.lstrip("#"))


def _partitive(readings: list[syntax.Reading | None], i: int) -> syntax.Reading | None:
    """"671 billion parameters in total, of which 37 billion are active": the partitive figure
    counts the noun of the figure before it, and belongs to the same holder."""
    reading = readings[i]
    if reading is None or not reading.partitive or i == 0 or readings[i - 1] is None:
        return reading
    before = readings[i - 1]
    own = [w for w in reading.words if w != reading.verb]  # "are active" -> "active"
    return replace(reading, noun=reading.noun or before.noun,
                   words=[*reading.words, before.noun] if before.noun else reading.words,
                   phrase=reading.phrase or " ".join([*own, before.phrase]).strip(),
                   holders=reading.holders or before.holders)


def _ranked_kind(s_text: str, q: Quantity) -> str:
    """"Ollama, the second-most-downloaded local model": what kind of thing the rank is among."""
    if not _RANKED.match(q.figure.text):
        return ""
    for word in _WORD.findall(s_text[q.end:q.end + 30])[:3]:
        if kind := KIND_WORDS.get(stem(word)):
            return kind
    return ""


def _nation_after(s_text: str, sent: Sentence, q: Quantity, found: list[Mention]) -> Mention | None:
    """"... $285 billion in the US": a nation right after the figure, if there is one."""
    for m in found:
        if m.how == "nation" and m.start - sent.start >= q.end and \
                NATION_AFTER.match(s_text[q.end:m.start - sent.start]):
            return m
    return None
