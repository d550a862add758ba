//! Event detection: each clause's strongest cue gives a typed event; its
//! modality comes from cues in the clause (negation, condition, future,
//! past) or from the section's heading; its time, actors, place and
//! involved entities from what the sentence names.

use watchfloor_model::{DateSpan, EntityKind, EventRecord, EventType, Evidence, Modality};

use crate::dates::DateMention;
use crate::entities::{EntityHit, Role};
use crate::phrase::DocWords;
use crate::text::Analysed;
use crate::Knowledge;

/// Extra distance given to a modality cue that follows the event cue.
const AFTER_CUE_PENALTY: usize = 4;

/// Words after a comma that open a new clause.
const CLAUSE_OPENERS: &[&str] = &[
    "which",
    "while",
    "whereas",
    "but",
    "yet",
    "although",
    "allowing",
    "forcing",
    "making",
    "threatening",
    "который",
    "которая",
    "которые",
    "которое",
    "что",
    "но",
    "однако",
    "а",
    "który",
    "która",
    "które",
    "ale",
    "jednak",
    "що",
    "але",
    "які",
    "які",
    "што",
];

/// English auxiliaries that open a coordinated clause after "and".
const AUXILIARIES: &[&str] = &[
    "will", "would", "may", "might", "can", "could", "must", "should", "has", "have", "had", "did",
    "does", "is", "are", "was", "were",
];

fn clauses(a: &Analysed<'_>, sentence: usize) -> Vec<std::ops::Range<usize>> {
    let range = a.sentences[sentence].tokens.clone();
    let mut out = Vec::new();
    let mut start = range.start;
    for i in range.clone().skip(1) {
        let gap = &a.text[a.tokens[i - 1].end..a.tokens[i].start];
        // Most gaps are one space: no punctuation to look at.
        let plain = gap == " ";
        let hard = !plain
            && (gap.contains(';')
                || gap.contains(" – ")
                || gap.contains(" — ")
                || gap.contains(':'));
        let soft =
            !plain && gap.contains(',') && CLAUSE_OPENERS.contains(&a.tokens[i].folded.as_str());
        // "… will not recognise X and will not help Y": a coordinated verb
        // phrase with its own auxiliary is a clause of its own.
        let coordinated = a.tokens[i].folded.as_str() == "and"
            && a.tokens
                .get(i + 1)
                .is_some_and(|t| AUXILIARIES.contains(&t.folded.as_str()));
        if hard || soft || coordinated {
            out.push(start..i);
            start = i;
        }
    }
    out.push(start..range.end);
    out
}

/// Heading level: roman-numbered headings open a section; numbered,
/// lettered and plain ones a subsection.
fn heading_level(a: &Analysed<'_>, sentence: usize) -> u8 {
    let s = &a.sentences[sentence];
    let Some(first) = a.tokens.get(s.tokens.start) else {
        return 1;
    };
    let marker = a.text[first.end..].starts_with('.') || a.text[first.end..].starts_with(')');
    if marker && first.folded.chars().all(|c| matches!(c, 'i' | 'v' | 'x')) && first.all_caps {
        1
    } else {
        2
    }
}

struct Candidate<'k> {
    rule_type: EventType,
    confidence: f64,
    first: usize,
    last: usize,
    /// The cue phrase as written (or the exercise's ID), copied only
    /// for the clause's winning candidate.
    cue: &'k str,
    len: usize,
}

/// Items of a document (entity hits, dates) grouped by sentence: the
/// indices of each sentence's items, in order, in one buffer.
struct BySentence {
    /// Where each sentence's indices start in `items` (one more entry
    /// than sentences).
    starts: Vec<usize>,
    items: Vec<usize>,
}

impl BySentence {
    /// Groups items given by their sentence (items past the last sentence
    /// are left out).
    fn of(sentences: usize, sentence_of: impl Iterator<Item = usize> + Clone) -> BySentence {
        let mut starts = vec![0usize; sentences + 1];
        for s in sentence_of.clone() {
            if s < sentences {
                starts[s + 1] += 1;
            }
        }
        for s in 0..sentences {
            starts[s + 1] += starts[s];
        }
        let mut next = starts.clone();
        let mut items = vec![0usize; starts[sentences]];
        for (i, s) in sentence_of.enumerate() {
            if s < sentences {
                items[next[s]] = i;
                next[s] += 1;
            }
        }
        BySentence { starts, items }
    }

    /// The indices of sentence `s`'s items.
    fn get(&self, s: usize) -> &[usize] {
        match (self.starts.get(s), self.starts.get(s + 1)) {
            (Some(&from), Some(&to)) => &self.items[from..to],
            _ => &[],
        }
    }
}

/// Inputs shared by every sentence of a document.
pub struct DocumentFacts<'a> {
    /// Resolved entity names.
    pub entities: &'a [EntityHit],
    /// Time expressions.
    pub dates: &'a [DateMention],
    /// Places per sentence: (sentence, place id, country).
    pub places: &'a [(usize, &'a str, Option<&'a str>)],
}

/// Detects events in an analysed document.
pub fn detect(
    k: &Knowledge,
    a: &Analysed<'_>,
    words: &DocWords<'_>,
    facts: &DocumentFacts<'_>,
    lang: Option<&str>,
) -> Vec<EventRecord> {
    let mut out: Vec<EventRecord> = Vec::new();
    let mut section_default: Option<Modality> = None;
    let mut last_event: Option<(usize, (EventType, Modality))> = None;
    let mut sub_default: Option<Modality> = None;
    let catalogue = &k.catalogue;
    let by_sentence = BySentence::of(a.sentences.len(), facts.entities.iter().map(|h| h.sentence));
    let mut places_by_sentence: Vec<Option<usize>> = vec![None; a.sentences.len()];
    for (i, (ps, _, _)) in facts.places.iter().enumerate() {
        if let Some(slot) = places_by_sentence.get_mut(*ps) {
            slot.get_or_insert(i);
        }
    }
    let dates_by_sentence =
        BySentence::of(a.sentences.len(), facts.dates.iter().map(|d| d.sentence));
    let mut in_date = vec![false; a.tokens.len()];
    for d in facts.dates {
        for x in &mut in_date[d.first..d.last.min(a.tokens.len())] {
            *x = true;
        }
    }
    for (si, s) in a.sentences.iter().enumerate() {
        if s.heading {
            let cue = k
                .sections
                .headings
                .find_in(words, s.tokens.clone())
                .iter()
                .max_by_key(|h| k.sections.headings.get(h.phrase).0.len())
                .map(|h| *k.sections.headings.get(h.phrase).1);
            if heading_level(a, si) == 1 {
                section_default = cue;
                sub_default = None;
            } else {
                sub_default = cue;
            }
        }
        let sentence_entities: Vec<&EntityHit> = by_sentence
            .get(si)
            .iter()
            .map(|&i| &facts.entities[i])
            .collect();
        let mut modality_hits: Option<Vec<crate::phrase::PhraseHit>> = None;
        // One event per type per sentence: a second clause restating the
        // same kind of event ("Withdrawal of X – X left …") is the same event.
        let mut types_here: Vec<(EventType, usize)> = Vec::new();
        let mut rule_ok: Vec<(usize, bool)> = Vec::new();
        for clause in clauses(a, si) {
            // The clause's cue is its strongest candidate (most confident,
            // then longest; the first in the text among equals) whose rule
            // holds here: candidates are tried strongest first, so a rule's
            // context words are looked at only when it could win.
            let mut candidates: Vec<(Candidate, usize)> = k
                .events
                .cues
                .find_in(words, clause.clone())
                .into_iter()
                .map(|hit| {
                    let (phrase, &ri) = k.events.cues.get(hit.phrase);
                    let rule = &k.events.rules[ri];
                    let c = Candidate {
                        rule_type: rule.event_type,
                        confidence: rule.confidence,
                        first: hit.first,
                        last: hit.last,
                        cue: phrase.text.as_str(),
                        len: phrase.len(),
                    };
                    (c, ri)
                })
                .collect();
            candidates.sort_by(|(a, _), (b, _)| {
                b.confidence
                    .total_cmp(&a.confidence)
                    .then(b.len.cmp(&a.len))
            });
            let mut best: Option<Candidate> = None;
            for (c, ri) in candidates {
                let rule = &k.events.rules[ri];
                if !crate::rules::applies(&rule.language, lang) {
                    continue;
                }
                // with_any/unless look at the whole sentence: decided once
                // per rule per sentence.
                let ok = match rule_ok.iter().find(|(r, _)| *r == ri) {
                    Some(&(_, ok)) => ok,
                    None => {
                        let ok = (rule.with_any.is_empty()
                            || !rule.with_any.find_in(words, s.tokens.clone()).is_empty())
                            && rule.unless.find_in(words, s.tokens.clone()).is_empty();
                        rule_ok.push((ri, ok));
                        ok
                    }
                };
                if ok {
                    best = Some(c);
                    break;
                }
            }
            // A named exercise is an exercise event even without a cue word.
            if best.is_none() {
                if let Some(h) = sentence_entities.iter().find(|h| {
                    h.first >= clause.start
                        && h.last <= clause.end
                        && catalogue.entities()[h.entity].kind == "exercise"
                }) {
                    best = Some(Candidate {
                        rule_type: EventType::Exercise,
                        confidence: 0.5,
                        first: h.first,
                        last: h.last,
                        cue: catalogue.entities()[h.entity].id.as_str(),
                        len: 1,
                    });
                }
            }
            let Some(c) = best else { continue };
            let earlier_same_type = types_here
                .iter()
                .find(|(t, _)| *t == c.rule_type)
                .map(|(_, i)| *i);
            let (modality, modality_cue) = modality_of(
                k,
                a,
                modality_hits
                    .get_or_insert_with(|| k.modality.cues.find_in(words, s.tokens.clone())),
                &clause,
                &c,
                sub_default.or(section_default),
                &in_date,
                lang,
            );
            let date = date_of(a, facts.dates, &dates_by_sentence, si, c.first, modality);
            let (actors, country_from_text) = actors_of(k, a, &sentence_entities, &clause, &c);
            let involved: Vec<String> = {
                let mut v: Vec<String> = Vec::new();
                for h in &sentence_entities {
                    let e = &catalogue.entities()[h.entity];
                    let kind = e.entity_kind();
                    if !matches!(kind, EntityKind::Country | EntityKind::Organization)
                        && h.role != Role::Demonym
                        && !v.contains(&e.id)
                    {
                        v.push(e.id.clone());
                    }
                }
                v
            };
            let place = places_by_sentence[si].map(|i| &facts.places[i]);
            let country = place
                .and_then(|(_, _, c)| c.map(str::to_string))
                .or(country_from_text);
            let mut confidence = c.confidence;
            if modality_cue.is_some() {
                confidence += 0.05;
            }
            if date.as_ref().is_some_and(|(_, own)| *own) {
                confidence += 0.05;
            }
            let (start, end) = (s.cstart, s.cend);
            // A list item restating the event of its heading or of the item
            // before it is the same event, not a new one.
            let list_item = a.text[s.start..].starts_with(['-', '•', '–', '*']);
            if let Some((prev_si, prev)) = last_event.as_ref() {
                let prev_heading = a.sentences[*prev_si].heading;
                if (list_item || prev_heading)
                    && *prev_si + 2 >= si
                    && *prev_si < si
                    && prev.0 == c.rule_type
                    && prev.1 == modality
                {
                    continue;
                }
            }
            last_event = Some((si, (c.rule_type, modality)));
            let record = EventRecord {
                event_type: c.rule_type,
                domain: c.rule_type.domain(),
                modality,
                date: date.map(|(d, _)| d),
                actors,
                entities: involved,
                place: place.map(|(_, id, _)| id.to_string()),
                country,
                confidence: (confidence.min(0.95) * 100.0).round() / 100.0,
                evidence: Evidence {
                    start,
                    end,
                    text: a.text[s.start..s.end].to_string(),
                },
                cues: std::iter::once(c.cue.to_string())
                    .chain(modality_cue.map(|m| format!("modality: {m}")))
                    .collect(),
            };
            match earlier_same_type {
                // Keep the better-evidenced clause (own date, explicit modality).
                Some(at) if out[at].confidence < record.confidence => out[at] = record,
                Some(_) => {}
                None => {
                    types_here.push((record.event_type, out.len()));
                    out.push(record);
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)] // one call site; the arguments are the clause's context
fn modality_of<'k>(
    k: &'k Knowledge,
    a: &'k Analysed<'_>,
    hits: &[crate::phrase::PhraseHit],
    clause: &std::ops::Range<usize>,
    c: &Candidate,
    default: Option<Modality>,
    in_date: &[bool],
    lang: Option<&str>,
) -> (Modality, Option<&'k str>) {
    // Cues are borrowed until the one that decides is known.
    let mut found: [Option<&'k str>; 2] = Default::default();
    // Tense and aspect: the cue nearest the event's own cue wins.
    let mut nearest: Option<(usize, Modality, &'k str)> = None;
    // Cues before the event's own cue govern it ("may lead attacks"); those
    // after it weigh less ("penalties imposed", "will be deepened").
    let distance = |first: usize| {
        if first >= c.last {
            first - c.last + AFTER_CUE_PENALTY
        } else {
            c.first.saturating_sub(first)
        }
    };
    // An English verb in the past ("signed", "resigned to renew") just
    // before or at the event cue is a cue of its own.
    if lang.is_none_or(|l| l == "en") {
        for i in (c.first.saturating_sub(3).max(clause.start)..=c.first).rev() {
            let t = &a.tokens[i];
            let after_bare_be = i > 0 && a.tokens[i - 1].folded.as_str() == "be";
            // Proper nouns ("Shahed") are not verbs; a capital is fine only
            // at the start of the sentence ("Signed in 1992, …").
            let proper = t.capitalised && i != a.sentences[t.sentence].tokens.start;
            if t.script == crate::text::Script::Latin
                && t.folded.len() > 4
                && t.folded.ends_with("ed")
                && !after_bare_be
                && !proper
            {
                nearest = Some((c.first - i, Modality::Observed, t.folded.as_str()));
                break;
            }
        }
    }
    for hit in hits.iter().copied() {
        let (phrase, (m, cue_lang)) = k.modality.cues.get(hit.phrase);
        let m = *m;
        if !crate::rules::applies(cue_lang, lang) {
            continue;
        }
        let in_clause = hit.first >= clause.start && hit.first < clause.end;
        if in_date.get(hit.first).copied().unwrap_or(false) {
            continue;
        }
        match m {
            Modality::Negated => {
                // Negation binds to what follows it closely: "did not sign",
                // "no single currency"; "not only" is not a negation.
                let followed_by_only = a.tokens.get(hit.last).is_some_and(|t| {
                    t.folded == "only" || t.folded == "только" || t.folded == "tylko"
                });
                let near = hit.last <= c.first && c.first - hit.last <= 3 && in_clause;
                if near && !followed_by_only {
                    found[0] = Some(phrase.text.as_str());
                }
            }
            Modality::Hypothetical if in_clause || hit.first < clause.start => {
                found[1] = Some(phrase.text.as_str())
            }
            Modality::Projected | Modality::Observed | Modality::Ongoing if in_clause => {
                let d = distance(hit.first);
                if nearest.as_ref().is_none_or(|(nd, _, _)| d < *nd) {
                    nearest = Some((d, m, phrase.text.as_str()));
                }
            }
            _ => {}
        }
    }
    if let Some(cue) = found[0].take() {
        return (Modality::Negated, Some(cue));
    }
    if let Some(cue) = found[1].take() {
        return (Modality::Hypothetical, Some(cue));
    }
    match nearest {
        Some((_, m, cue)) => (m, Some(cue)),
        None => (default.unwrap_or(Modality::Observed), None),
    }
}

/// The time of an event: the expression in its sentence nearest its cue,
/// or failing that the latest one earlier in the paragraph (not for
/// projections). The flag says whether the date was the sentence's own.
fn date_of(
    a: &Analysed<'_>,
    dates: &[DateMention],
    by_sentence: &BySentence,
    si: usize,
    cue: usize,
    modality: Modality,
) -> Option<(DateSpan, bool)> {
    let own = by_sentence
        .get(si)
        .iter()
        .map(|&i| &dates[i])
        .min_by_key(|d| {
            if d.first > cue {
                d.first - cue
            } else {
                cue - d.last.min(cue)
            }
        });
    if let Some(d) = own {
        // "will meet on Friday": the Friday to come.
        let span = match (&d.ahead, modality) {
            (Some(ahead), Modality::Projected) => ahead,
            _ => &d.span,
        };
        return Some((span.clone(), true));
    }
    if matches!(modality, Modality::Projected | Modality::Hypothetical) {
        return None;
    }
    let paragraph = a.sentences[si].paragraph;
    (si.saturating_sub(3)..si)
        .rev()
        .filter(|&s| a.sentences[s].paragraph == paragraph)
        .find_map(|s| {
            by_sentence
                .get(s)
                .last()
                .map(|&i| (dates[i].span.clone(), false))
        })
}

/// Actors: states and organizations named as the subject of the clause
/// (before the cue, not after a place preposition), the demonyms that
/// qualify the cue ("Russian-Belarusian exercises"); every party for
/// signings, memberships and meetings. Also a country named as the place.
fn actors_of(
    k: &Knowledge,
    a: &Analysed<'_>,
    sentence_entities: &[&EntityHit],
    clause: &std::ops::Range<usize>,
    c: &Candidate,
) -> (Vec<String>, Option<String>) {
    let catalogue = &k.catalogue;
    let preps = &k.sections.location_prepositions;
    let is_party = |h: &EntityHit| {
        matches!(
            catalogue.entities()[h.entity].entity_kind(),
            EntityKind::Country | EntityKind::Organization
        )
    };
    let after_prep = |h: &EntityHit| {
        let mut i = h.first;
        // Skip an article: "in the Baltic".
        while i > 0 && matches!(a.tokens[i - 1].folded.as_str(), "the" | "a") {
            i -= 1;
        }
        i > 0
            && preps
                .iter()
                .any(|p| p.as_str() == a.tokens[i - 1].folded.as_str())
            && a.tokens[i - 1].sentence == h.sentence
    };
    let possessive = |h: &EntityHit| {
        let t = &a.tokens[h.last - 1];
        t.folded.ends_with("'s")
            || a.text[t.end..].starts_with('\'')
            || a.text[t.end..].starts_with('’')
    };
    let mut actors: Vec<String> = Vec::new();
    let push = |id: &str, actors: &mut Vec<String>| {
        if !actors.iter().any(|x| x == id) {
            actors.push(id.to_string());
        }
    };
    let all_parties = matches!(
        c.rule_type,
        EventType::AgreementSigned | EventType::MembershipChange | EventType::LeaderMeeting
    );
    let mut country = None;
    for h in sentence_entities {
        if !is_party(h) {
            continue;
        }
        let id = &catalogue.entities()[h.entity].id;
        let is_country = catalogue.entities()[h.entity].kind == "country";
        if h.role == Role::Demonym {
            // "Russian-Belarusian military exercises": the qualifiers just
            // before the cue are its actors.
            if h.last <= c.first && c.first - h.last <= 3 && h.first >= clause.start {
                push(id, &mut actors);
            } else if is_country && h.first >= c.last && country.is_none() && h.first - c.last <= 3
            {
                country = Some(id.clone());
            }
            continue;
        }
        if after_prep(h) || (possessive(h) && h.first >= clause.start) {
            if is_country && country.is_none() {
                country = Some(id.clone());
            }
            if !all_parties {
                continue;
            }
        }
        if all_parties || (h.last <= c.first && h.first >= clause.start) {
            push(id, &mut actors);
        }
    }
    if actors.is_empty() && !all_parties {
        // Fall back to the sentence's first named party before the cue.
        if let Some(h) = sentence_entities.iter().find(|h| {
            is_party(h)
                && h.role != Role::Demonym
                && h.last <= c.first
                && !after_prep(h)
                && !possessive(h)
        }) {
            push(&catalogue.entities()[h.entity].id, &mut actors);
        }
    }
    (actors, country)
}
