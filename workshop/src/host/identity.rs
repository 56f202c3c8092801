//! A team's identity in the host's shared sandbox. Each team's copy of a pilot runs as
//! the pilot's subsystem with the team's name as suffix (`IQ/GOV/MOLSA/welfare-t3`): it
//! registers its services under it and calls as it. The clients its blueprint lists for
//! the operations it provides, and the services of other pilots it calls, are mapped to
//! the partner teams' subsystems, so that team-to-team exchanges work and every client
//! not listed is refused by the mediator. A pilot no team took stays the catalogue's own
//! (the host serves every catalogue pilot live under its own subsystem).

use std::collections::{BTreeMap, BTreeSet};

use quickwin_blueprint::Blueprint;
use quickwin_runtime::mediator::{subsystem, suffixed};

use super::teams::{Class, pilot_text};

/// Who runs which pilot subsystem: what the mapping of one team's blueprint needs.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// The pilot's subsystem (`IQ/GOV/MOLSA/welfare`) → the teams that run it, by name.
    by_subsystem: BTreeMap<String, Vec<String>>,
    /// Each team's chosen partners.
    partners: BTreeMap<String, Vec<String>>,
    /// The mock agencies' services: never mapped, even under a pilot's subsystem.
    mocks: BTreeSet<String>,
}

/// The subsystem of a catalogue pilot (`IQ/GOV/MOLSA/welfare`), read from its text.
pub fn pilot_subsystem(pilot: &str) -> Option<String> {
    let text = pilot_text(pilot)?;
    let checked = quickwin_blueprint::check_bytes(pilot, text.as_bytes());
    checked.blueprint.map(|bp| subsystem(bp.interop.as_str()))
}

impl Directory {
    /// The directory of `class`.
    pub fn of(class: &Class) -> Directory {
        let mut by_subsystem: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut pilots: BTreeMap<&str, Option<String>> = BTreeMap::new();
        let mut teams: Vec<&super::teams::Team> = class.teams.iter().collect();
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        for t in teams {
            let sub = pilots
                .entry(t.pilot.as_str())
                .or_insert_with(|| pilot_subsystem(&t.pilot))
                .clone();
            if let Some(sub) = sub {
                by_subsystem.entry(sub).or_default().push(t.name.clone());
            }
        }
        Directory {
            by_subsystem,
            partners: class
                .teams
                .iter()
                .map(|t| (t.name.clone(), t.partners.clone()))
                .collect(),
            mocks: quickwin_sandbox::agencies::SERVICES
                .iter()
                .map(|s| s.id())
                .collect(),
        }
    }

    /// The team whose service `team` calls for a service of `sub`: a chosen partner,
    /// else the first team of that pilot by name other than `team` itself.
    fn partner(&self, team: &str, sub: &str) -> Option<&str> {
        let running = self.by_subsystem.get(sub)?;
        let chosen = self.partners.get(team);
        running
            .iter()
            .find(|t| chosen.is_some_and(|c| c.contains(t)))
            .or_else(|| running.iter().find(|t| t.as_str() != team))
            .map(String::as_str)
    }

    /// Give `bp`, run by `team`, the team's identity: its subsystem suffixed, its calls
    /// to other teams' pilots sent to those teams, the clients of what it provides
    /// widened to the teams that run those clients' pilots.
    pub fn adapt(&self, team: &str, bp: &mut Blueprint) {
        let own = subsystem(bp.interop.as_str());
        bp.interop.value = suffixed(&bp.interop.value, team);
        for i in &mut bp.integrations {
            let service = i.service.value.clone();
            let sub = subsystem(&service);
            if self.mocks.contains(&service) || sub == own {
                continue;
            }
            if let Some(partner) = self.partner(team, &sub) {
                i.service.value = suffixed(&service, partner);
            }
        }
        for op in &mut bp.provides {
            let mut clients = Vec::new();
            for c in &op.clients {
                clients.push(c.clone());
                for t in self.by_subsystem.get(c.as_str()).into_iter().flatten() {
                    if t != team {
                        let mut mapped = c.clone();
                        mapped.value = suffixed(c.as_str(), t);
                        clients.push(mapped);
                    }
                }
            }
            op.clients = clients;
        }
    }

    /// The teams that run the pilot of subsystem `sub`.
    pub fn teams_of(&self, sub: &str) -> &[String] {
        self.by_subsystem.get(sub).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::teams::Team;

    fn team(name: &str, pilot: &str) -> Team {
        Team {
            name: name.into(),
            pilot: pilot.into(),
            members: vec![],
            partners: vec![],
            password: String::new(),
        }
    }

    fn pilot(id: &str) -> Blueprint {
        quickwin_blueprint::check_bytes(id, pilot_text(id).unwrap().as_bytes())
            .blueprint
            .unwrap()
    }

    #[test]
    fn a_team_runs_as_its_suffix_and_its_partners_clients_are_mapped() {
        let class = Class {
            trainer: None,
            teams: vec![
                team("t1", "birth-certificate"),
                team("t2", "school-attendance"),
            ],
        };
        let dir = Directory::of(&class);
        let mut birth = pilot("birth-certificate");
        dir.adapt("t1", &mut birth);
        assert_eq!(
            birth.interop.as_str(),
            "IQ/GOV/MOI/civil-status-t1/birth-certificate"
        );
        let clients: Vec<&str> = birth.provides[0]
            .clients
            .iter()
            .map(|c| c.as_str())
            .collect();
        assert!(clients.contains(&"IQ/GOV/MOE/schools-t2"), "{clients:?}");
        assert!(clients.contains(&"IQ/GOV/MOE/schools"), "{clients:?}");
        // A mock agency's service stays where it is, even under a pilot's subsystem.
        let mut schools = pilot("school-attendance");
        dir.adapt("t2", &mut schools);
        assert!(
            schools
                .integrations
                .iter()
                .any(|i| i.service.as_str() == "IQ/GOV/MOI/civil-registry/persons")
        );
        assert!(
            schools
                .integrations
                .iter()
                .all(|i| !i.service.as_str().contains("-t"))
                || schools
                    .integrations
                    .iter()
                    .any(|i| i.service.as_str().contains("civil-status-t1")),
        );
    }

    #[test]
    fn calls_to_another_teams_pilot_go_to_that_team() {
        let dir = Directory::of(&Class {
            trainer: None,
            teams: vec![
                team("a", "birth-certificate"),
                team("b", "school-attendance"),
            ],
        });
        let mut bp = pilot("school-attendance");
        bp.integrations[0].service.value =
            "IQ/GOV/MOI/civil-status/birth-certificate-status".into();
        dir.adapt("b", &mut bp);
        assert_eq!(
            bp.integrations[0].service.as_str(),
            "IQ/GOV/MOI/civil-status-a/birth-certificate-status"
        );
    }
}
