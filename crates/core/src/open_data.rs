//! Open data: what anyone may download, without a token, of a consultation
//! whose results are public ([`crate::definition::Consultation::results_are_public`]):
//! its tallies as JSON ([`PublicTallies`]) and a catalogue of every such
//! consultation in the DCAT vocabulary, as JSON-LD ([`Catalogue`]), which
//! open-data portals harvest. Ballot-level files stay with staff.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::api::ResultsResponse;
use crate::definition::Licence;
use crate::localized::Localized;

/// The `format` of [`PublicTallies`]: a reader checks it before reading on.
pub const TALLIES_FORMAT: &str = "baraza-tallies/1";

/// `GET /api/v1/consultations/{id}/tallies.json`: the tallies of a
/// consultation, the same as the results route and the staff exports give,
/// with what a re-user needs to cite them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicTallies {
    /// Always [`TALLIES_FORMAT`].
    pub format: String,
    /// The consultation's title, in each of its languages.
    pub title: Localized,
    /// The licence the tallies are published under (an SPDX id).
    pub licence: Licence,
    /// Where the licence's text is; absent for a licence of the publisher's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_url: Option<String>,
    pub results: ResultsResponse,
}

/// A JSON-LD reference to a resource by its address: `{"@id": "https://…"}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    #[serde(rename = "@id")]
    pub id: String,
}

/// A JSON-LD literal with its datatype: `{"@value": "2027-01-31", "@type": "xsd:date"}`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typed {
    #[serde(rename = "@value")]
    pub value: String,
    #[serde(rename = "@type")]
    pub datatype: String,
}

/// `GET /api/v1/catalogue`: a `dcat:Catalog` of every consultation whose
/// tallies are public, each a `dcat:Dataset` with its files as
/// `dcat:Distribution`s (application/ld+json).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The vocabularies: always [`catalogue_context`].
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(rename = "@id")]
    pub id: String,
    /// Always `dcat:Catalog`.
    #[serde(rename = "@type")]
    pub node_type: String,
    #[serde(rename = "dct:title")]
    pub title: String,
    #[serde(rename = "dcat:dataset")]
    pub datasets: Vec<Dataset>,
}

/// One consultation's public data.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    #[serde(rename = "@id")]
    pub id: String,
    /// Always `dcat:Dataset`.
    #[serde(rename = "@type")]
    pub node_type: String,
    /// The consultation's id.
    #[serde(rename = "dct:identifier")]
    pub identifier: String,
    /// The title, by language.
    #[serde(rename = "dct:title")]
    pub title: Localized,
    /// The summary, by language.
    #[serde(rename = "dct:description")]
    pub description: Localized,
    #[serde(rename = "dcat:keyword")]
    pub keywords: Vec<String>,
    /// The consultation's page in the app.
    #[serde(rename = "dcat:landingPage")]
    pub landing_page: Reference,
    #[serde(rename = "dct:license")]
    pub license: LicenceNode,
    /// The day the data last changed: the definition's last change or the
    /// last day anyone took part, whichever is later (`xsd:date`).
    #[serde(rename = "dct:modified")]
    pub modified: Typed,
    #[serde(rename = "dcat:distribution")]
    pub distributions: Vec<Distribution>,
}

/// A licence: its SPDX id, and the address of its text where it has one.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceNode {
    #[serde(rename = "@id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "dct:identifier")]
    pub identifier: Licence,
}

impl LicenceNode {
    pub fn of(licence: &Licence) -> LicenceNode {
        LicenceNode { id: licence.url(), identifier: licence.clone() }
    }
}

/// One file of a dataset.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Always `dcat:Distribution`.
    #[serde(rename = "@type")]
    pub node_type: String,
    #[serde(rename = "dcat:downloadURL")]
    pub download_url: Reference,
    /// The IANA media type, as DCAT names it: `https://www.iana.org/assignments/media-types/text/csv`.
    #[serde(rename = "dcat:mediaType")]
    pub media_type: Reference,
    /// `CSV` or `JSON`.
    #[serde(rename = "dct:format")]
    pub format: String,
    #[serde(rename = "dct:license")]
    pub license: LicenceNode,
}

impl Distribution {
    /// A file at `url` of `media_type` (`text/csv`) in `format` (`CSV`).
    pub fn new(url: String, media_type: &str, format: &str, licence: &Licence) -> Distribution {
        Distribution {
            node_type: "dcat:Distribution".to_owned(),
            download_url: Reference { id: url },
            media_type: Reference { id: format!("https://www.iana.org/assignments/media-types/{media_type}") },
            format: format.to_owned(),
            license: LicenceNode::of(licence),
        }
    }
}

/// The `@context` of [`Catalogue`]: the DCAT and Dublin Core terms, and
/// titles and descriptions as maps from language tag to text.
pub fn catalogue_context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dct:title": { "@container": "@language" },
        "dct:description": { "@container": "@language" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_licence_node_points_at_the_spdx_text_unless_the_licence_is_the_publishers_own() {
        let standard = LicenceNode::of(&Licence::default());
        assert_eq!(standard.id.as_deref(), Some("https://spdx.org/licenses/CC-BY-4.0.html"));
        let own = LicenceNode::of(&Licence::new("LicenseRef-county-open-1").unwrap());
        assert_eq!(own.id, None);
        assert_eq!(own.identifier.as_str(), "LicenseRef-county-open-1");
    }
}
