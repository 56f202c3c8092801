//! The service registry: every service reachable through the mediator, with its
//! identifier, titles, owning agency, OpenAPI document and where it answers.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use axum::Router;
use serde_json::{Value, json};

/// Where the mediator sends a service's calls.
#[derive(Clone)]
pub enum Backend {
    /// Routes mounted in this process (the mock agencies, hosted pilots).
    Internal(Router),
    /// An HTTP base URL on this machine, e.g. `http://127.0.0.1:8000`.
    Url(String),
}

/// One registered service.
#[derive(Clone)]
pub struct Service {
    /// `IQ/GOV/MEMBER/SUBSYSTEM/SERVICE`.
    pub id: String,
    /// Title in English.
    pub title_en: String,
    /// Title in Arabic.
    pub title_ar: String,
    /// The owning agency's member code.
    pub member: String,
    /// The agency's name in English.
    pub agency_en: String,
    /// The agency's name in Arabic.
    pub agency_ar: String,
    /// The OpenAPI document.
    pub openapi: Value,
    /// Where it answers without the mediator, for a mock agency.
    pub direct: Option<String>,
    /// Where its calls go.
    pub backend: Backend,
}

impl Service {
    /// The service as listed by `GET /registry/services`.
    pub fn summary(&self) -> Value {
        json!({
            "id": self.id,
            "title": {"en": self.title_en, "ar": self.title_ar},
            "agency": {"member": self.member, "name": {"en": self.agency_en, "ar": self.agency_ar}},
            "openapi": format!("/registry/services/{}/openapi.json", self.id),
            "mediator": format!("/r1/{}", self.id),
            "direct": self.direct,
        })
    }
}

/// All registered services, by identifier.
#[derive(Clone, Default)]
pub struct Registry {
    services: Arc<RwLock<BTreeMap<String, Arc<Service>>>>,
}

impl Registry {
    /// Add or replace a service.
    pub fn register(&self, service: Service) {
        let mut map = self.services.write().unwrap_or_else(|e| e.into_inner());
        map.insert(service.id.clone(), Arc::new(service));
    }

    /// The service with this identifier.
    pub fn get(&self, id: &str) -> Option<Arc<Service>> {
        self.services
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// Every service, sorted by identifier.
    pub fn all(&self) -> Vec<Arc<Service>> {
        self.services
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }
}
