//! The policy: which categories of personal information a privacy policy declares.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{one_line, RuleError};

/// One declared category, with the policy's own words for it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Identifier that rules refer to (`contact-information`).
    pub id: String,
    /// The policy's heading for it (`Contact information`).
    pub name: String,
    /// What the policy says it covers, quoted or closely paraphrased.
    pub wording: String,
    /// Where in the policy it is declared (`§2(i)`).
    #[serde(default)]
    pub section: String,
    /// CCPA categories (§7 of the policy) it maps to.
    #[serde(default)]
    pub ccpa: Vec<String>,
}

/// A policy file: a title and its declared categories.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub title: String,
    #[serde(default)]
    pub source: String,
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
}

impl Policy {
    /// The policy embedded in the binary.
    pub fn builtin() -> Policy {
        let (name, text) = super::EMBEDDED_POLICY;
        Policy::parse(&format!("<builtin>/{name}"), text).expect("embedded policy is valid")
    }

    pub fn load(path: &Path) -> Result<Policy, RuleError> {
        let text = std::fs::read_to_string(path).map_err(|e| RuleError::Read {
            file: path.display().to_string(),
            message: e.to_string(),
        })?;
        Policy::parse(&path.display().to_string(), &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Policy, RuleError> {
        let policy: Policy = toml::from_str(text).map_err(|e| RuleError::Syntax {
            file: file.to_string(),
            message: one_line(&e.to_string()),
        })?;
        let mut seen = std::collections::HashSet::new();
        for c in &policy.categories {
            if c.id.is_empty() || c.id.starts_with("undeclared:") || !seen.insert(c.id.as_str()) {
                return Err(RuleError::File {
                    file: file.to_string(),
                    message: format!("category id `{}` is empty, reserved or repeated", c.id),
                });
            }
        }
        Ok(policy)
    }

    pub fn get(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The category ids a finding of a rule carries: declared ones as they are, the others
    /// as `undeclared:<id>` (personal data the policy never mentions).
    pub fn classify(&self, rule_categories: &[String]) -> Vec<String> {
        rule_categories
            .iter()
            .map(|c| match self.get(c) {
                Some(_) => c.clone(),
                None => format!("undeclared:{c}"),
            })
            .collect()
    }

    /// CCPA categories for a rule's findings: from the declared categories, else the rule's own.
    pub fn ccpa(&self, rule_categories: &[String], rule_ccpa: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in rule_categories {
            let from = match self.get(c) {
                Some(cat) => &cat.ccpa,
                None => rule_ccpa,
            };
            for x in from {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_policy_has_the_design_categories() {
        let p = Policy::builtin();
        let ids: Vec<_> = p.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "contact-information",
                "demographic-data",
                "payment-information",
                "account-credentials",
                "geolocation-data",
                "device-identifiers",
                "product-telemetry",
                "cookies-and-tracking"
            ]
        );
        assert!(p
            .categories
            .iter()
            .all(|c| !c.ccpa.is_empty() && !c.wording.is_empty()));
    }

    #[test]
    fn undeclared_categories_are_marked() {
        let p = Policy::builtin();
        let cats = p.classify(&["national-id".into(), "contact-information".into()]);
        assert_eq!(cats, ["undeclared:national-id", "contact-information"]);
    }

    #[test]
    fn repeated_category_is_rejected() {
        let text = "title='t'\n[[category]]\nid='a'\nname='A'\nwording='w'\n[[category]]\nid='a'\nname='A'\nwording='w'\n";
        let err = Policy::parse("p.toml", text).unwrap_err().to_string();
        assert!(err.contains("p.toml") && err.contains("`a`"), "{err}");
    }
}
