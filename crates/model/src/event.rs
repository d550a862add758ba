use serde::{Deserialize, Serialize};

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in taxonomy order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The taxonomy's name for this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a taxonomy name; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// The five domains of a hybrid annexation campaign (TAXONOMY.md).
    Domain {
        /// Forces, bases, exercises, weapons.
        Military = "military",
        /// Institutions, law, identity.
        Political = "political",
        /// Trade, tax, energy, money.
        Economic = "economic",
        /// Narratives and information operations.
        Information = "information",
        /// Use of international bodies and law.
        International = "international",
    }
);

named_enum!(
    /// How the source holds an event (TAXONOMY.md).
    Modality {
        /// Stated as having happened.
        Observed = "observed",
        /// Stated as happening now or habitually.
        Ongoing = "ongoing",
        /// Planned, expected, possible in future.
        Projected = "projected",
        /// Conditional.
        Hypothetical = "hypothetical",
        /// Stated as not having happened.
        Negated = "negated",
    }
);

named_enum!(
    /// Event types of TAXONOMY.md.
    EventType {
        /// Forces or systems moved to or stationed on a territory.
        Deployment = "deployment",
        /// A base or facility established, expanded or used.
        Basing = "basing",
        /// Joint or national manoeuvres.
        Exercise = "exercise",
        /// Joint units, unified commands, control of another's forces.
        CommandIntegration = "command_integration",
        /// Joint air defence, airspace control.
        AirDefenceIntegration = "air_defence_integration",
        /// Nuclear weapons, delivery systems or doctrine.
        NuclearPosture = "nuclear_posture",
        /// Weapons or production transferred or co-produced.
        ArmsTransfer = "arms_transfer",
        /// Strikes, attacks or offensives from a territory.
        MilitaryAction = "military_action",
        /// Treaty, programme, doctrine or decree adopted or signed.
        AgreementSigned = "agreement_signed",
        /// Joint or supranational body established or empowered.
        InstitutionCreated = "institution_created",
        /// National law aligned with the other state's.
        LawHarmonisation = "law_harmonisation",
        /// Summit or high-level meeting.
        LeaderMeeting = "leader_meeting",
        /// Official declaration, threat or claim.
        Statement = "statement",
        /// History, language, education or culture policy.
        IdentityPolicy = "identity_policy",
        /// A state joins, leaves or suspends membership.
        MembershipChange = "membership_change",
        /// Customs union, tariffs, trade rules.
        TradeCustoms = "trade_customs",
        /// VAT, excise and tax rules aligned.
        TaxHarmonisation = "tax_harmonisation",
        /// Oil, gas, electricity integration.
        EnergyIntegration = "energy_integration",
        /// Currency union steps, payment systems.
        MonetaryIntegration = "monetary_integration",
        /// Loans, debt, subsidies.
        CreditDependence = "credit_dependence",
        /// Circumventing sanctions.
        SanctionsEvasion = "sanctions_evasion",
        /// Sanctions imposed on either state.
        SanctionsImposed = "sanctions_imposed",
        /// Transport, logistics and digital infrastructure.
        Infrastructure = "infrastructure",
        /// Joint industrial programmes, control of enterprises.
        IndustrialIntegration = "industrial_integration",
        /// Narratives, media and information operations.
        Propaganda = "propaganda",
        /// Use of an international body to present the campaign as lawful.
        Legitimisation = "legitimisation",
    }
);

impl EventType {
    /// The domain this event type belongs to.
    pub fn domain(self) -> Domain {
        use EventType::*;
        match self {
            Deployment
            | Basing
            | Exercise
            | CommandIntegration
            | AirDefenceIntegration
            | NuclearPosture
            | ArmsTransfer
            | MilitaryAction => Domain::Military,
            AgreementSigned | InstitutionCreated | LawHarmonisation | LeaderMeeting | Statement
            | IdentityPolicy | MembershipChange => Domain::Political,
            TradeCustoms
            | TaxHarmonisation
            | EnergyIntegration
            | MonetaryIntegration
            | CreditDependence
            | SanctionsEvasion
            | SanctionsImposed
            | Infrastructure
            | IndustrialIntegration => Domain::Economic,
            Propaganda => Domain::Information,
            Legitimisation => Domain::International,
        }
    }
}

named_enum!(
    /// Kinds of catalogue entity (TAXONOMY.md).
    EntityKind {
        /// A state (ISO 3166-1 alpha-3 id).
        Country = "country",
        /// An international organization (`org:`).
        Organization = "organization",
        /// An organ of an organization or state (`body:`).
        Body = "body",
        /// A military formation (`mil:`).
        Military = "military",
        /// A weapon system (`wpn:`).
        Weapon = "weapon",
        /// A recurring exercise (`ex:`).
        Exercise = "exercise",
        /// A treaty, doctrine or programme (`doc:`).
        Agreement = "agreement",
        /// A person (`per:`).
        Person = "person",
        /// A military site, base or facility with coordinates.
        Site = "site",
        /// Any other named thing the catalogue knows.
        Other = "other",
    }
);

named_enum!(
    /// What kind of place a toponym names.
    PlaceKind {
        /// A populated place.
        City = "city",
        /// A region, district or admin unit.
        Region = "region",
        /// A country.
        Country = "country",
        /// A facility: airfield, base, training ground.
        Site = "site",
        /// A sea, lake or river.
        Water = "water",
    }
);

named_enum!(
    /// How precisely a date is known (TAXONOMY.md).
    TimePrecision {
        /// A calendar day.
        Day = "day",
        /// A month.
        Month = "month",
        /// A year.
        Year = "year",
        /// A span with a start and an end.
        Range = "range",
        /// Resolved against the document's own date.
        Relative = "relative",
    }
);

/// A time span as the contract writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpan {
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD` (equal to `start` for a day).
    pub end: String,
    /// How precise the span is.
    pub precision: TimePrecision,
}

/// One occurrence of a name in the text; offsets are character offsets,
/// half-open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The surface form as written.
    pub text: String,
}

/// The `doc` object of the contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordDoc {
    /// `sha256:` + hex digest of the normalised text.
    pub id: String,
    /// Path or URL.
    pub source: String,
    /// Title or null.
    pub title: Option<String>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// ISO date or null.
    pub published: Option<String>,
    /// Length of the text in characters.
    pub chars: usize,
}

/// An entity with every mention of it in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    /// Canonical catalogue ID.
    pub id: String,
    /// Entity kind.
    pub kind: EntityKind,
    /// English name.
    pub name: String,
    /// Where it is named.
    pub mentions: Vec<Mention>,
}

/// A resolved place with every mention of it in one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRecord {
    /// `geo:` + GeoNames id or curated id.
    pub id: String,
    /// English name.
    pub name: String,
    /// ISO 3166-1 alpha-3 of the country it lies in, if any.
    pub country: Option<String>,
    /// Kind of place.
    pub kind: PlaceKind,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    pub lon: Option<f64>,
    /// ACLED-style precision code 1–3.
    pub precision: u8,
    /// Where it is named.
    pub mentions: Vec<Mention>,
}

/// The sentence or clause an event was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The text of the span.
    pub text: String,
}

/// One typed event with its modality, time, participants and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Event type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// Domain of the type.
    pub domain: Domain,
    /// How the source holds it.
    pub modality: Modality,
    /// When, or null.
    pub date: Option<DateSpan>,
    /// Entity IDs doing it.
    pub actors: Vec<String>,
    /// Other entity IDs involved (exercise, weapon, treaty…).
    pub entities: Vec<String>,
    /// Place ID, or null.
    pub place: Option<String>,
    /// Country (alpha-3) where it happens, or null.
    pub country: Option<String>,
    /// The engine's confidence, 0..1.
    pub confidence: f64,
    /// The source span.
    pub evidence: Evidence,
    /// The cue words that triggered the type and modality (for audit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

/// One line of `watchfloor extract --format jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractRecord {
    /// The document.
    pub doc: RecordDoc,
    /// Entities found.
    pub entities: Vec<EntityRecord>,
    /// Places found.
    pub places: Vec<PlaceRecord>,
    /// Events found.
    pub events: Vec<EventRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_round_trips_and_has_a_domain() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(*t));
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert_eq!(EventType::Legitimisation.domain(), Domain::International);
        assert_eq!(EventType::SanctionsEvasion.domain(), Domain::Economic);
        assert_eq!(EventType::ALL.len(), 26);
    }

    #[test]
    fn modality_parses_taxonomy_names_only() {
        assert_eq!(Modality::parse("projected"), Some(Modality::Projected));
        assert_eq!(Modality::parse("Projected"), None);
    }
}
