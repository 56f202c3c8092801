//! Deterministic synthetic data for the mock agencies.
//!
//! [`generate`] draws a small country from a seed: about 3,000 persons in about 600
//! households across every governorate (the civil registry), hospital birth
//! notifications (the Ministry of Health), primary health care centres, schools and
//! enrolments (the Ministry of Education), and water accounts with their monthly meter
//! readings (the water directorates). Every date is relative to the `today` given, and the
//! same seed and date always give the same world: the generator uses its own splitmix64
//! generator, ordered collections only, and no clock.
//!
//! Besides the drawn world there is the [`demo`] family, the same for every seed and day,
//! whose numbers the catalogue blueprints give as examples.
//!
//! The data hold together the way a trainer expects when demonstrating a pilot: children
//! carry their father's given name as their `father_name` and his father's as their
//! `grandfather_name`, parents are between 19 and 60 years older than their children,
//! every school-age child is enrolled in a school of their governorate at the grade of
//! their age (a few six-year-olds are not yet), newborns are notified by a hospital of
//! their mother's governorate, meter indexes only go up, and every household's home is
//! in the real-estate registry, registered to its head.
//!
//! Why this file is longer than 800 lines: the world's record types and the generator
//! that keeps those rules between them are read together; the name and place tables
//! live beside it (`names`, `places`).

pub mod demo;
mod names;
mod places;
mod random;

use std::collections::BTreeSet;

use quickwin_blueprint::expr::Date;
use quickwin_blueprint::lists::GOVERNORATES;
use serde::Serialize;

use names::{FAMILY_AR, FAMILY_KU, FEMALE_AR, FEMALE_KU, Family, Given, MALE_AR, MALE_KU};
use places::{PLACES, Place, Text};
use random::Rng;

/// A text in Arabic and its Latin transliteration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Name {
    /// In Arabic script.
    pub ar: String,
    /// In Latin script.
    pub en: String,
}

impl Name {
    fn of(text: Text) -> Name {
        Name {
            ar: text.0.to_owned(),
            en: text.1.to_owned(),
        }
    }
}

/// Everything [`generate`] draws: the records of the mock agencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct World {
    /// The civil registry's persons, household by household (head first).
    pub persons: Vec<Person>,
    /// The civil registry's households (family records).
    pub households: Vec<Household>,
    /// Birth notifications sent by hospitals, oldest birth first.
    pub births: Vec<BirthNotification>,
    /// Primary health care centres.
    pub centres: Vec<Centre>,
    /// Schools.
    pub schools: Vec<School>,
    /// Enrolments of the current school year.
    pub enrolments: Vec<Enrolment>,
    /// Water accounts, one per household.
    pub water_accounts: Vec<WaterAccount>,
    /// Monthly meter readings, account by account, oldest first.
    pub readings: Vec<Reading>,
    /// The real-estate registry: each household's home, then the demo family's plot.
    pub properties: Vec<Property>,
}

/// A person in the civil registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The national ID number: 12 digits, unique.
    pub national_id: String,
    /// The person's own given name.
    pub given_name: Name,
    /// The father's given name.
    pub father_name: Name,
    /// The father's father's given name.
    pub grandfather_name: Name,
    /// The family or tribal name (laqab), e.g. الجبوري / al-Jubouri. A wife keeps her own.
    pub family_name: Name,
    /// `"female"` or `"male"`.
    pub sex: &'static str,
    /// The date of birth.
    #[serde(serialize_with = "date_text")]
    pub date_of_birth: Date,
    /// The governorate of residence, a value of `quickwin_blueprint::lists::GOVERNORATES`.
    pub governorate: &'static str,
    /// The family number of the person's household.
    pub family_number: String,
    /// The father's national ID, when he lives in the same household.
    pub father_national_id: Option<String>,
    /// The mother's national ID, when she lives in the same household.
    pub mother_national_id: Option<String>,
    /// A mobile number, `07` and 9 digits; adults only, and not all of them.
    pub phone: Option<String>,
}

impl Person {
    /// "given father grandfather family" in Arabic and Latin.
    pub fn full_name(&self) -> Name {
        let parts = [
            &self.given_name,
            &self.father_name,
            &self.grandfather_name,
            &self.family_name,
        ];
        Name {
            ar: parts.map(|n| n.ar.as_str()).join(" "),
            en: parts.map(|n| n.en.as_str()).join(" "),
        }
    }
}

/// A household (family record) in the civil registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    /// The family number, unique, e.g. `BGD-000123`.
    pub family_number: String,
    /// The governorate, a value of `quickwin_blueprint::lists::GOVERNORATES`.
    pub governorate: &'static str,
    /// The district (qadha).
    pub district: Name,
    /// The address in the district: neighbourhood, mahalla, zuqaq and house (in the
    /// Kurdistan Region, neighbourhood, street and house).
    pub address: Name,
    /// The head of the household's national ID.
    pub head_national_id: String,
    /// The members' national IDs, head first.
    pub members: Vec<String>,
}

/// A hospital's notification of a birth to the Ministry of Health. The newborn is not yet
/// in the civil registry: the birth certificate is what the pilot issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BirthNotification {
    /// The notification number, `BN-YYYY-NNNNNN` (the year of birth and a sequence).
    pub number: String,
    /// The mother's national ID; she is in the registry.
    pub mother_national_id: String,
    /// The father's national ID: the mother's husband, when he is in the registry.
    pub father_national_id: Option<String>,
    /// The child's date of birth, in the 90 days before `today`.
    #[serde(serialize_with = "date_text")]
    pub child_date_of_birth: Date,
    /// The child's sex, `"female"` or `"male"`.
    pub sex: &'static str,
    /// The notifying hospital.
    pub hospital: Name,
    /// The hospital's governorate (the mother's).
    pub governorate: &'static str,
}

/// A primary health care centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Centre {
    /// The centre's code, e.g. `PHC-BGD-001`.
    pub code: String,
    /// The centre's name.
    pub name: Name,
    /// The governorate.
    pub governorate: &'static str,
    /// The district (qadha).
    pub district: Name,
    /// Street, neighbourhood and district.
    pub address: Name,
    /// Opening hours in the engine's notation: days (`sun-wed`, `fri`) and intervals
    /// (`08:00-14:00`, `08:00-14:00, 16:00-20:00` or `closed`).
    pub hours: Vec<(String, String)>,
}

/// A school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct School {
    /// The school code: six digits, as the school-attendance blueprint asks, made of the
    /// governorate (two digits), the level (1 primary, 2 intermediate, 3 secondary) and a
    /// sequence, e.g. `121004`.
    pub code: String,
    /// The school's name.
    pub name: Name,
    /// The governorate.
    pub governorate: &'static str,
    /// `"primary"` (grades 1–6), `"intermediate"` (7–9) or `"secondary"` (10–12).
    pub level: &'static str,
    /// Street, neighbourhood and district.
    pub address: Name,
}

/// A pupil's enrolment in a school for a school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    /// The student number: 10 digits, the year of first enrolment then six digits; unique.
    pub student_number: String,
    /// The pupil's national ID.
    pub national_id: String,
    /// The school's code.
    pub school_code: String,
    /// The grade, 1–12 counted from the first primary grade: 1–6 at a primary school,
    /// 7–9 (first to third intermediate) and 10–12 (fourth to sixth preparatory).
    pub grade: u8,
    /// The school year, e.g. `2026-2027` (school years start in September).
    pub school_year: String,
}

/// A water account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaterAccount {
    /// The account number: 10 digits, unique.
    pub number: String,
    /// The account holder's national ID (the head of the household).
    pub holder_national_id: String,
    /// The governorate.
    pub governorate: &'static str,
    /// The property's address (the household's).
    pub address: Name,
    /// `"residential"` or `"commercial"`.
    pub property_type: &'static str,
    /// The meter's serial number: two letters and eight digits, unique.
    pub meter_serial: String,
    /// When the account was opened.
    #[serde(serialize_with = "date_text")]
    pub opened_on: Date,
    /// The balance in IQD: 0, or a debt as a negative amount.
    pub balance: i64,
}

/// A monthly meter reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// The water account's number.
    pub account_number: String,
    /// The month read, `YYYY-MM`.
    pub period: String,
    /// The day the meter was read, in that month.
    #[serde(serialize_with = "date_text")]
    pub read_on: Date,
    /// The meter's cumulative index, in m³.
    pub value: i64,
    /// Whether a bill was issued for it (all but the latest reading).
    pub billed: bool,
}

/// A property in the real-estate registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    /// The governorate.
    pub governorate: &'static str,
    /// The muqataa (cadastral district) number.
    pub muqataa: u32,
    /// The plot number in the muqataa.
    pub plot: u32,
    /// The owner's national ID.
    pub owner_national_id: String,
    /// `"residential"` or `"commercial"`.
    pub property_type: &'static str,
    /// The area of the plot in m².
    pub area_m2: u32,
    /// The address.
    pub address: Name,
}

/// Serialize a date as `YYYY-MM-DD`.
fn date_text<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

/// The female sex value.
const FEMALE: &str = "female";
/// The male sex value.
const MALE: &str = "male";
/// How many households to draw.
const HOUSEHOLDS: usize = 600;
/// The fewest households of a governorate.
const MIN_HOUSEHOLDS: usize = 6;
/// How many birth notifications to draw.
const BIRTHS: usize = 150;
/// How many notifications may come from widows (and so have no father in the registry).
const WIDOW_BIRTHS: usize = 3;
/// The school levels, in grade order.
const LEVELS: [&str; 3] = ["primary", "intermediate", "secondary"];

/// Everything generated from `seed`, with dates relative to `today`; the same arguments
/// always give the same world.
pub fn generate(seed: u64, today: Date) -> World {
    let counts = allocate(HOUSEHOLDS, MIN_HOUSEHOLDS);
    let registry = Registry::build(seed, today, &counts);
    let centres = centres(seed, &counts);
    let (schools, school_districts) = schools(seed, &counts);
    let enrolments = enrolments(seed, today, &registry, &schools, &school_districts);
    let births = births(seed, today, &registry);
    let (water_accounts, readings) = water(seed, today, &registry);
    let properties = properties(&registry.households, &water_accounts);
    let mut world = World {
        persons: registry.persons,
        households: registry.households,
        births,
        centres,
        schools,
        enrolments,
        water_accounts,
        readings,
        properties,
    };
    demo::add(&mut world, today);
    world
}

/// Each household's home, registered to its head, in a muqataa (cadastral district) and
/// plot numbered from the family number; a rare clash of numbers moves the home to the
/// next muqataa. The demo family's places are taken first (their plots are above 900, so
/// no home is ever moved for them).
fn properties(households: &[Household], accounts: &[WaterAccount]) -> Vec<Property> {
    let mut taken: BTreeSet<(&str, u32, u32)> = BTreeSet::from([demo::HOME, demo::PLOT]);
    let mut out = Vec::with_capacity(households.len());
    for h in households {
        let kind = accounts
            .iter()
            .find(|a| a.holder_national_id == h.head_national_id)
            .map_or("residential", |a| a.property_type);
        let n = crate::util::sha256_hex(h.family_number.as_bytes());
        let number =
            |range: std::ops::Range<usize>| u64::from_str_radix(&n[range], 16).unwrap_or(0);
        let (mut muqataa, plot, area) = (
            1 + number(0..4) % 120,
            1 + number(4..8) % 900,
            150 + number(8..12) % 450,
        );
        while !taken.insert((h.governorate, muqataa as u32, plot as u32)) {
            muqataa += 1;
        }
        out.push(Property {
            governorate: h.governorate,
            muqataa: muqataa as u32,
            plot: plot as u32,
            owner_national_id: h.head_national_id.clone(),
            property_type: kind,
            area_m2: area as u32,
            address: h.address.clone(),
        });
    }
    out
}

/// Days in `n` years, near enough.
fn years(n: i64) -> i64 {
    n * 365 + n / 4
}

/// The calendar year of a date.
fn year_of(date: Date) -> i64 {
    date.ymd().0
}

/// Share `total` households among the governorates by population (largest remainder),
/// each getting at least `min`.
fn allocate(total: usize, min: usize) -> Vec<usize> {
    let rest = (total - min * PLACES.len()) as u64;
    let population: u64 = PLACES.iter().map(|p| u64::from(p.population)).sum();
    let mut counts: Vec<usize> = Vec::with_capacity(PLACES.len());
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(PLACES.len());
    for (i, place) in PLACES.iter().enumerate() {
        let share = rest * u64::from(place.population);
        counts.push(min + (share / population) as usize);
        remainders.push((share % population, i));
    }
    let given: usize = counts.iter().sum();
    // Largest remainders first; ties by governorate order.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(total - given) {
        counts[i] += 1;
    }
    counts
}

/// Arab or Kurdish: which names a household draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culture {
    Arab,
    Kurdish,
}

/// A given name fitting a person born in `born`, not among `avoid` (Arabic spellings).
fn given_name(rng: &mut Rng, culture: Culture, female: bool, born: i64, avoid: &[&str]) -> Name {
    let list: &[Given] = match (culture, female) {
        (Culture::Arab, false) => MALE_AR,
        (Culture::Arab, true) => FEMALE_AR,
        (Culture::Kurdish, false) => MALE_KU,
        (Culture::Kurdish, true) => FEMALE_KU,
    };
    let mut fallback = None;
    for _ in 0..64 {
        let &(ar, en, era) = rng.pick(list);
        let fits = match era {
            names::OLD => born < 1985,
            names::YOUNG => born >= 1982,
            _ => true,
        };
        if fits && !avoid.contains(&ar) {
            return Name::of((ar, en));
        }
        fallback.get_or_insert((ar, en));
    }
    Name::of(fallback.expect("the loop draws at least once"))
}

/// A family name of the culture, often one common in the governorate.
fn family_name(rng: &mut Rng, culture: Culture, place: &Place) -> Name {
    let local = place.kurdish_majority() == (culture == Culture::Kurdish);
    let list: &[Family] = if local && rng.percent(50) {
        place.families
    } else if culture == Culture::Kurdish {
        FAMILY_KU
    } else {
        FAMILY_AR
    };
    Name::of(*rng.pick(list))
}

/// The four names of a person.
struct Lineage {
    given: Name,
    father: Name,
    grandfather: Name,
    family: Name,
}

/// A woman who may have a newborn: a wife, or a widowed head of household.
struct Mother {
    /// Her index in the persons.
    person: usize,
    /// Her husband's index in the persons, if he lives.
    husband: Option<usize>,
    /// The date of birth of her youngest child in the registry.
    youngest_child: Option<Date>,
}

/// Where a household lives and which persons are its members.
struct Home {
    /// Index in `PLACES` (and `GOVERNORATES`).
    place: usize,
    /// Index in the place's districts.
    district: usize,
    /// The members are `persons[first..end]`, head first.
    first: usize,
    end: usize,
}

/// The civil registry being drawn.
struct Registry {
    rng: Rng,
    today: Date,
    ids: BTreeSet<String>,
    phones: BTreeSet<String>,
    persons: Vec<Person>,
    households: Vec<Household>,
    homes: Vec<Home>,
    mothers: Vec<Mother>,
}

/// The household being drawn: where it is and its family number.
struct Ctx {
    place: &'static Place,
    governorate: &'static str,
    family_number: String,
}

impl Registry {
    /// Draw `counts[i]` households in the `i`-th governorate of [`PLACES`].
    fn build(seed: u64, today: Date, counts: &[usize]) -> Registry {
        let mut registry = Registry {
            rng: Rng::stream(seed, "registry"),
            today,
            ids: BTreeSet::new(),
            // The demo family's phones are never handed out.
            phones: demo::PHONES.iter().map(|p| p.to_string()).collect(),
            persons: Vec::with_capacity(counts.iter().sum::<usize>() * 6),
            households: Vec::with_capacity(counts.iter().sum()),
            homes: Vec::with_capacity(counts.iter().sum()),
            mothers: Vec::new(),
        };
        for (index, place) in PLACES.iter().enumerate() {
            let governorate = GOVERNORATES
                .iter()
                .find(|g| g.value == place.governorate)
                .expect("every place is a governorate (tested)")
                .value;
            let mut sequence = registry.rng.range(100, 3000);
            for _ in 0..counts[index] {
                let ctx = Ctx {
                    place,
                    governorate,
                    family_number: format!("{}-{sequence:06}", place.code),
                };
                registry.household(index, &ctx);
                sequence += registry.rng.range(1, 97);
            }
        }
        registry
    }

    /// A date of birth `age` years (and some days) before today.
    fn dob_for_age(&mut self, age: i64) -> Date {
        Date(self.today.0 - years(age) - self.rng.range(0, 364))
    }

    /// Names for a person of the household's culture who is not a child of its head.
    fn lineage(&mut self, culture: Culture, female: bool, born: i64, family: Name) -> Lineage {
        let rng = &mut self.rng;
        let given = given_name(rng, culture, female, born, &[]);
        let father = given_name(rng, culture, false, born - 30, &[given.ar.as_str()]);
        let grandfather = given_name(rng, culture, false, born - 60, &[father.ar.as_str()]);
        Lineage {
            given,
            father,
            grandfather,
            family,
        }
    }

    /// A new, unique national ID.
    fn national_id(&mut self) -> String {
        loop {
            let id = self.rng.digits(12);
            if self.ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// A mobile number for an adult (most have one), unique.
    fn phone(&mut self, dob: Date, kurdistan: bool) -> Option<String> {
        let age = dob.years_until(self.today);
        let chance = match age {
            ..18 => return None,
            18..65 => 92,
            _ => 55,
        };
        if !self.rng.percent(chance) {
            return None;
        }
        // Asiacell 077, Zain 078/079, Korek 075 (most common in the Kurdistan Region).
        let weights: [u32; 4] = if kurdistan {
            [3, 3, 1, 6]
        } else {
            [5, 5, 2, 1]
        };
        let operator = ['7', '8', '9', '5'][self.rng.weighted(&weights)];
        loop {
            let mut number = format!("07{operator}");
            for _ in 0..8 {
                number.push(char::from(b'0' + self.rng.below(10) as u8));
            }
            if self.phones.insert(number.clone()) {
                return Some(number);
            }
        }
    }

    /// Add a person to the household being drawn; their parents are set later.
    fn push(&mut self, ctx: &Ctx, names: Lineage, female: bool, dob: Date) -> usize {
        let national_id = self.national_id();
        let phone = self.phone(dob, ctx.place.kurdish_majority());
        self.persons.push(Person {
            national_id,
            given_name: names.given,
            father_name: names.father,
            grandfather_name: names.grandfather,
            family_name: names.family,
            sex: if female { FEMALE } else { MALE },
            date_of_birth: dob,
            governorate: ctx.governorate,
            family_number: ctx.family_number.clone(),
            father_national_id: None,
            mother_national_id: None,
            phone,
        });
        self.persons.len() - 1
    }

    /// The children still at home of a mother born on `mother` and a father born on
    /// `father`, born no later than `until`: their dates of birth, oldest first, and whether
    /// each is a girl. Of the children ever born, daughters over 19–28 and sons over 22–34
    /// have married and left, and at most six remain.
    fn child_dates(&mut self, mother: Date, father: Date, until: Date) -> Vec<(Date, bool)> {
        let born = self.rng.weighted(&[3, 5, 9, 14, 17, 17, 15, 11, 9]);
        let earliest =
            (mother.0 + years(19)).max(father.0 + years(21)) + self.rng.range(0, years(5));
        let latest = (mother.0 + years(44))
            .min(father.0 + years(58))
            .min(until.0);
        let mut children = Vec::with_capacity(born);
        let mut day = earliest;
        while children.len() < born && day <= latest {
            let female = self.rng.percent(49);
            children.push((Date(day), female));
            day += self.rng.range(400, 1200);
        }
        let today = self.today;
        let rng = &mut self.rng;
        children.retain(|&(dob, female)| {
            let leaves = if female {
                rng.range(19, 28)
            } else {
                rng.range(22, 34)
            };
            dob.years_until(today) < leaves
        });
        let extra = children.len().saturating_sub(6);
        children.drain(..extra);
        children
    }

    /// Add the children of a couple (either parent possibly not in the registry).
    fn children(
        &mut self,
        ctx: &Ctx,
        culture: Culture,
        father: (&Lineage, Date, Option<usize>),
        mother: (Date, Option<usize>),
        until: Date,
    ) -> Option<Date> {
        let children = self.child_dates(mother.0, father.1, until);
        let mut siblings: Vec<String> = Vec::new();
        let mut first_son = true;
        for &(dob, female) in &children {
            let avoid: Vec<&str> = siblings.iter().map(String::as_str).collect();
            let given = if !female
                && first_son
                && self.rng.percent(20)
                && !avoid.contains(&father.0.father.ar.as_str())
            {
                // The first son often carries his grandfather's name.
                father.0.father.clone()
            } else {
                given_name(&mut self.rng, culture, female, year_of(dob), &avoid)
            };
            first_son &= female;
            siblings.push(given.ar.clone());
            let names = Lineage {
                given,
                father: father.0.given.clone(),
                grandfather: father.0.father.clone(),
                family: father.0.family.clone(),
            };
            let child = self.push(ctx, names, female, dob);
            let father_id = father.2.map(|i| self.persons[i].national_id.clone());
            let mother_id = mother.1.map(|i| self.persons[i].national_id.clone());
            self.persons[child].father_national_id = father_id;
            self.persons[child].mother_national_id = mother_id;
        }
        children.last().map(|&(dob, _)| dob)
    }

    /// Perhaps add the head's widowed mother or father; `chance` in percent.
    fn grandparent(&mut self, ctx: &Ctx, culture: Culture, head: usize, chance: u32) {
        let head_dob = self.persons[head].date_of_birth;
        if head_dob.years_until(self.today) > 62 || !self.rng.percent(chance) {
            return;
        }
        let female = self.rng.percent(70);
        let gap = if female {
            self.rng.range(19, 38)
        } else {
            self.rng.range(22, 42)
        };
        let dob = Date(head_dob.0 - years(gap) - self.rng.range(0, 300));
        if dob.years_until(self.today) > 92 {
            return;
        }
        let names = if female {
            let family = family_name(&mut self.rng, culture, ctx.place);
            self.lineage(culture, true, year_of(dob), family)
        } else {
            let head = &self.persons[head];
            let (given, father, family) = (
                head.father_name.clone(),
                head.grandfather_name.clone(),
                head.family_name.clone(),
            );
            let grandfather = given_name(
                &mut self.rng,
                culture,
                false,
                year_of(dob) - 30,
                &[father.ar.as_str()],
            );
            Lineage {
                given,
                father,
                grandfather,
                family,
            }
        };
        let parent = self.push(ctx, names, female, dob);
        let id = Some(self.persons[parent].national_id.clone());
        if female {
            self.persons[head].mother_national_id = id;
        } else {
            self.persons[head].father_national_id = id;
        }
    }

    /// Draw one household of the governorate `place_index`.
    fn household(&mut self, place_index: usize, ctx: &Ctx) {
        let place = ctx.place;
        let culture = if self.rng.percent(place.kurdish) {
            Culture::Kurdish
        } else {
            Culture::Arab
        };
        // The governorate's centre is the most populous district.
        let weights: Vec<u32> = (0..place.districts.len())
            .map(|i| if i == 0 { 3 } else { 1 })
            .collect();
        let district_index = self.rng.weighted(&weights);
        let district = &place.districts[district_index];
        let quarter = *self.rng.pick(district.quarters);
        let address = if place.kurdish_majority() {
            let (street, house) = (self.rng.range(1, 80), self.rng.range(1, 150));
            Name {
                ar: format!("{}، شارع {street}، دار {house}", quarter.0),
                en: format!("{}, Street {street}, House {house}", quarter.1),
            }
        } else {
            let mahalla = self.rng.range(101, 999);
            let (zuqaq, house) = (self.rng.range(1, 60), self.rng.range(1, 120));
            Name {
                ar: format!("{}، محلة {mahalla}، زقاق {zuqaq}، دار {house}", quarter.0),
                en: format!(
                    "{}, Mahalla {mahalla}, Zuqaq {zuqaq}, House {house}",
                    quarter.1
                ),
            }
        };

        let first = self.persons.len();
        let today = self.today;
        match self.rng.weighted(&[82, 9, 6, 3]) {
            // A married couple, their children, sometimes the husband's parent.
            0 => {
                let age = 22 + self.rng.range(0, 18) + self.rng.range(0, 22);
                let husband_dob = self.dob_for_age(age);
                let family = family_name(&mut self.rng, culture, place);
                let husband_names = self.lineage(culture, false, year_of(husband_dob), family);
                let gap = 1 + self.rng.range(0, 4) + self.rng.range(0, 5);
                let wife_dob = Date(
                    (husband_dob.0 + years(gap) + self.rng.range(0, 200))
                        .min(today.0 - years(18) - self.rng.range(0, 200)),
                );
                let wife_family = family_name(&mut self.rng, culture, place);
                let wife_names = self.lineage(culture, true, year_of(wife_dob), wife_family);
                let father = Lineage {
                    given: husband_names.given.clone(),
                    father: husband_names.father.clone(),
                    grandfather: husband_names.grandfather.clone(),
                    family: husband_names.family.clone(),
                };
                let husband = self.push(ctx, husband_names, false, husband_dob);
                let wife = self.push(ctx, wife_names, true, wife_dob);
                let until = Date(today.0 - 60);
                let youngest = self.children(
                    ctx,
                    culture,
                    (&father, husband_dob, Some(husband)),
                    (wife_dob, Some(wife)),
                    until,
                );
                self.mothers.push(Mother {
                    person: wife,
                    husband: Some(husband),
                    youngest_child: youngest,
                });
                self.grandparent(ctx, culture, husband, 14);
            }
            // A widow and her children by her late husband.
            1 => {
                let age = self.rng.range(28, 70);
                let dob = self.dob_for_age(age);
                let family = family_name(&mut self.rng, culture, place);
                let names = self.lineage(culture, true, year_of(dob), family);
                let head = self.push(ctx, names, true, dob);
                let late_dob = Date(dob.0 - years(self.rng.range(1, 10)));
                let late_family = family_name(&mut self.rng, culture, place);
                let late = self.lineage(culture, false, year_of(late_dob), late_family);
                let died = Date(today.0 - years(self.rng.range(1, 8)) - self.rng.range(0, 300));
                let youngest = self.children(
                    ctx,
                    culture,
                    (&late, late_dob, None),
                    (dob, Some(head)),
                    died,
                );
                self.mothers.push(Mother {
                    person: head,
                    husband: None,
                    youngest_child: youngest,
                });
            }
            // A young unmarried man, often with his widowed mother.
            2 => {
                let age = self.rng.range(22, 35);
                let dob = self.dob_for_age(age);
                let family = family_name(&mut self.rng, culture, place);
                let names = self.lineage(culture, false, year_of(dob), family);
                let head = self.push(ctx, names, false, dob);
                self.grandparent(ctx, culture, head, 60);
            }
            // A widower and his children by his late wife.
            _ => {
                let age = self.rng.range(35, 75);
                let dob = self.dob_for_age(age);
                let family = family_name(&mut self.rng, culture, place);
                let names = self.lineage(culture, false, year_of(dob), family);
                let father = Lineage {
                    given: names.given.clone(),
                    father: names.father.clone(),
                    grandfather: names.grandfather.clone(),
                    family: names.family.clone(),
                };
                let head = self.push(ctx, names, false, dob);
                let late_wife = Date(dob.0 + years(self.rng.range(1, 8)));
                let until = Date(today.0 - years(self.rng.range(1, 6)));
                self.children(
                    ctx,
                    culture,
                    (&father, dob, Some(head)),
                    (late_wife, None),
                    until,
                );
                self.grandparent(ctx, culture, head, 10);
            }
        }
        let end = self.persons.len();
        let members: Vec<String> = self.persons[first..end]
            .iter()
            .map(|p| p.national_id.clone())
            .collect();
        self.households.push(Household {
            family_number: ctx.family_number.clone(),
            governorate: ctx.governorate,
            district: Name::of(district.name),
            address,
            head_national_id: members[0].clone(),
            members,
        });
        self.homes.push(Home {
            place: place_index,
            district: district_index,
            first,
            end,
        });
    }
}

/// "street, neighbourhood, district", leaving out a district named like the neighbourhood.
fn street_address(street: Text, quarter: Text, district: Text) -> Name {
    if quarter.0 == district.0 {
        Name {
            ar: format!("{}، {}", street.0, quarter.0),
            en: format!("{}, {}", street.1, quarter.1),
        }
    } else {
        Name {
            ar: format!("{}، {}، {}", street.0, quarter.0, district.0),
            en: format!("{}, {}, {}", street.1, quarter.1, district.1),
        }
    }
}

/// A street of the place's towns.
fn street(rng: &mut Rng, place: &Place) -> Text {
    if place.kurdish_majority() {
        *rng.pick(places::STREETS_KU)
    } else {
        *rng.pick(places::STREETS_AR)
    }
}

/// Two to four primary health care centres per governorate, in distinct neighbourhoods.
fn centres(seed: u64, counts: &[usize]) -> Vec<Centre> {
    let mut rng = Rng::stream(seed, "centres");
    let mut centres = Vec::new();
    for (index, place) in PLACES.iter().enumerate() {
        let wanted = 2 + usize::from(counts[index] >= 30) + usize::from(counts[index] >= 80);
        let mut spots: Vec<(usize, usize)> = place
            .districts
            .iter()
            .enumerate()
            .flat_map(|(d, district)| (0..district.quarters.len()).map(move |q| (d, q)))
            .collect();
        rng.shuffle(&mut spots);
        let mut used: Vec<&str> = Vec::new();
        for (d, q) in spots {
            if used.len() == wanted {
                break;
            }
            let district = &place.districts[d];
            let quarter = district.quarters[q];
            if used.contains(&quarter.0) {
                continue;
            }
            used.push(quarter.0);
            let hours: &[(&str, &str)] = if rng.percent(30) {
                &[
                    ("sun-thu", "08:00-14:00, 16:00-20:00"),
                    ("fri", "closed"),
                    ("sat", "08:00-14:00"),
                ]
            } else {
                &[
                    ("sun-wed", "08:00-14:00"),
                    ("thu", "08:00-13:00"),
                    ("fri", "closed"),
                    ("sat", "08:00-12:00"),
                ]
            };
            let street = street(&mut rng, place);
            centres.push(Centre {
                code: format!("PHC-{}-{:03}", place.code, used.len()),
                name: Name {
                    ar: format!("مركز الرعاية الصحية الأولية في {}", quarter.0),
                    en: format!("{} Primary Health Care Centre", quarter.1),
                },
                governorate: place.governorate,
                district: Name::of(district.name),
                address: street_address(street, quarter, district.name),
                hours: hours
                    .iter()
                    .map(|&(days, times)| (days.to_owned(), times.to_owned()))
                    .collect(),
            });
        }
    }
    centres
}

/// Schools per governorate (at least two primary, one intermediate and one secondary,
/// more where more households live), and the district index of each.
fn schools(seed: u64, counts: &[usize]) -> (Vec<School>, Vec<usize>) {
    let mut rng = Rng::stream(seed, "schools");
    let mut schools = Vec::new();
    let mut districts = Vec::new();
    for (index, place) in PLACES.iter().enumerate() {
        let households = counts[index];
        let per_level = [
            2 + households / 40,
            1 + households / 80,
            1 + households / 80,
        ];
        let mut names: Vec<Text> = if place.kurdish_majority() {
            places::SCHOOLS_KU.to_vec()
        } else {
            places::SCHOOLS_AR.to_vec()
        };
        rng.shuffle(&mut names);
        let mut names = names.into_iter().cycle();
        for (level, &count) in per_level.iter().enumerate() {
            let mut sequence = rng.range(1, 40);
            for k in 0..count {
                let d = k % place.districts.len();
                let district = &place.districts[d];
                let quarter = *rng.pick(district.quarters);
                let (ar, en) = names.next().expect("a cycle of a non-empty list");
                let name = match level {
                    0 => Name {
                        ar: format!("مدرسة {ar} الابتدائية"),
                        en: format!("{en} Primary School"),
                    },
                    1 => Name {
                        ar: format!("متوسطة {ar}"),
                        en: format!("{en} Intermediate School"),
                    },
                    _ => Name {
                        ar: format!("إعدادية {ar}"),
                        en: format!("{en} Secondary School"),
                    },
                };
                let street = street(&mut rng, place);
                schools.push(School {
                    code: format!("{:02}{}{sequence:03}", 10 + index, level + 1),
                    name,
                    governorate: place.governorate,
                    level: LEVELS[level],
                    address: street_address(street, quarter, district.name),
                });
                districts.push(d);
                sequence += rng.range(1, 25);
            }
        }
    }
    (schools, districts)
}

/// The school level (index in [`LEVELS`]) of a grade 1–12.
fn level_of(grade: u8) -> usize {
    match grade {
        ..=6 => 0,
        7..=9 => 1,
        _ => 2,
    }
}

/// Enrol every child aged 6–17 on 31 December of the current school year, at the grade
/// of their age, in a school of their governorate (siblings share it, and it is in their
/// district when there is one); about a quarter of the six-year-olds are not yet enrolled.
fn enrolments(
    seed: u64,
    today: Date,
    registry: &Registry,
    schools: &[School],
    school_districts: &[usize],
) -> Vec<Enrolment> {
    let mut rng = Rng::stream(seed, "enrolments");
    let (year, month, _) = today.ymd();
    let start = if month >= 9 { year } else { year - 1 };
    let school_year = format!("{start}-{}", start + 1);
    let cutoff = Date::from_ymd(start, 12, 31).expect("31 December exists");
    let mut numbers = BTreeSet::new();
    let mut enrolments = Vec::new();
    for home in &registry.homes {
        let governorate = PLACES[home.place].governorate;
        let mut chosen: [Option<usize>; 3] = [None; 3];
        for person in &registry.persons[home.first..home.end] {
            let age = person.date_of_birth.years_until(cutoff);
            if !(6..=17).contains(&age) || (age == 6 && rng.percent(25)) {
                continue;
            }
            let grade = (age - 5) as u8;
            let level = level_of(grade);
            let school = match chosen[level] {
                Some(school) => school,
                None => {
                    let fitting: Vec<usize> = (0..schools.len())
                        .filter(|&s| {
                            schools[s].governorate == governorate
                                && schools[s].level == LEVELS[level]
                        })
                        .collect();
                    let near: Vec<usize> = fitting
                        .iter()
                        .copied()
                        .filter(|&s| school_districts[s] == home.district)
                        .collect();
                    let school = *rng.pick(if near.is_empty() { &fitting } else { &near });
                    chosen[level] = Some(school);
                    school
                }
            };
            let first_year = start - i64::from(grade) + 1;
            let student_number = loop {
                let number = format!("{first_year}{}", rng.digits(6));
                if numbers.insert(number.clone()) {
                    break number;
                }
            };
            enrolments.push(Enrolment {
                student_number,
                national_id: person.national_id.clone(),
                school_code: schools[school].code.clone(),
                grade,
                school_year: school_year.clone(),
            });
        }
    }
    enrolments
}

/// About [`BIRTHS`] notifications of children born in the 90 days before today to women
/// of 18–45 in the registry (a few of them widows), none within 14 months of an earlier
/// child; numbered in order of birth within each year.
fn births(seed: u64, today: Date, registry: &Registry) -> Vec<BirthNotification> {
    let mut rng = Rng::stream(seed, "births");
    let mut order: Vec<&Mother> = registry.mothers.iter().collect();
    rng.shuffle(&mut order);
    let mut drawn: Vec<BirthNotification> = Vec::with_capacity(BIRTHS);
    let mut widows = 0;
    for candidate in order {
        if drawn.len() == BIRTHS {
            break;
        }
        if candidate.husband.is_none() && widows == WIDOW_BIRTHS {
            continue;
        }
        let born = Date(today.0 - rng.range(1, 90));
        let mother = &registry.persons[candidate.person];
        if !(18..=45).contains(&mother.date_of_birth.years_until(born)) {
            continue;
        }
        if candidate
            .youngest_child
            .is_some_and(|youngest| born.0 - youngest.0 < 425)
        {
            continue;
        }
        widows += usize::from(candidate.husband.is_none());
        let place = places::place(mother.governorate).expect("persons live in a place");
        drawn.push(BirthNotification {
            number: String::new(),
            mother_national_id: mother.national_id.clone(),
            father_national_id: candidate
                .husband
                .map(|h| registry.persons[h].national_id.clone()),
            child_date_of_birth: born,
            sex: if rng.percent(49) { FEMALE } else { MALE },
            hospital: Name::of(*rng.pick(place.hospitals)),
            governorate: mother.governorate,
        });
    }
    drawn.sort_by(|a, b| {
        (a.child_date_of_birth, &a.mother_national_id)
            .cmp(&(b.child_date_of_birth, &b.mother_national_id))
    });
    // Sequences run through the year, some forty notifications a day across the country.
    let mut current: Option<(i64, i64)> = None;
    for birth in &mut drawn {
        let date = birth.child_date_of_birth;
        let year = year_of(date);
        let sequence = match current {
            Some((y, last)) if y == year => last + rng.range(3, 60),
            _ => {
                let new_year = Date::from_ymd(year, 1, 1).expect("1 January exists");
                (date.0 - new_year.0) * 40 + rng.range(1, 40)
            }
        };
        current = Some((year, sequence));
        birth.number = format!("BN-{year:04}-{sequence:06}");
    }
    drawn
}

/// One water account per household, held by its head, and its readings for the twelve
/// months before the current one.
fn water(seed: u64, today: Date, registry: &Registry) -> (Vec<WaterAccount>, Vec<Reading>) {
    const MAKERS: [&str; 6] = ["KM", "AZ", "ZN", "SN", "IT", "EL"];
    let mut rng = Rng::stream(seed, "water");
    let mut numbers = BTreeSet::new();
    let mut serials = BTreeSet::new();
    let mut accounts = Vec::with_capacity(registry.households.len());
    let mut readings = Vec::with_capacity(registry.households.len() * 12);
    let (year, month, _) = today.ymd();
    let this_month = year * 12 + i64::from(month) - 1;
    for (home, household) in registry.homes.iter().zip(&registry.households) {
        let head = &registry.persons[home.first];
        let commercial = rng.percent(7);
        let number = loop {
            let number = format!("{:02}{}", 10 + home.place, rng.digits(8));
            if numbers.insert(number.clone()) {
                break number;
            }
        };
        let adult_years = (head.date_of_birth.years_until(today) - 20).clamp(2, 30);
        let opened_on = Date(today.0 - rng.range(years(2), years(adult_years)));
        // Meters are replaced now and then: the serial carries the installation year.
        let installed = rng.range(year_of(opened_on), year - 1);
        let meter_serial = loop {
            let serial = format!(
                "{}{:02}{:06}",
                rng.pick(&MAKERS),
                installed % 100,
                rng.below(1_000_000)
            );
            if serials.insert(serial.clone()) {
                break serial;
            }
        };
        let balance = if rng.percent(65) {
            0
        } else {
            -rng.range(4, 600) * 250 * if commercial { 3 } else { 1 }
        };
        let members = (home.end - home.first) as i64;
        let base = if commercial {
            rng.range(45, 90)
        } else {
            (8 + 4 * members).min(40) + rng.range(-4, 4)
        };
        let first_month = this_month - 12;
        let months_open = (Date::from_ymd(first_month / 12, (first_month % 12 + 1) as u32, 1)
            .expect("the first of a month exists")
            .0
            - opened_on.0)
            / 30;
        let mut value = months_open.max(0) * base + rng.range(0, 50);
        for k in (1..=12).rev() {
            let m = this_month - k;
            let (y, mm) = (m / 12, (m % 12 + 1) as u32);
            let summer = (6..=9).contains(&mm);
            let used = if commercial {
                (base + if summer { rng.range(10, 30) } else { 0 } + rng.range(-5, 5))
                    .clamp(30, 150)
            } else {
                (base + if summer { rng.range(5, 15) } else { 0 } + rng.range(-3, 3)).clamp(10, 60)
            };
            value += used;
            let day = rng.range(20, 28) as u32;
            readings.push(Reading {
                account_number: number.clone(),
                period: format!("{y:04}-{mm:02}"),
                read_on: Date::from_ymd(y, mm, day).expect("days 20–28 exist in every month"),
                value,
                billed: k != 1,
            });
        }
        accounts.push(WaterAccount {
            number,
            holder_national_id: head.national_id.clone(),
            governorate: household.governorate,
            address: household.address.clone(),
            property_type: if commercial {
                "commercial"
            } else {
                "residential"
            },
            meter_serial,
            opened_on,
            balance,
        });
    }
    (accounts, readings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn day(text: &str) -> Date {
        Date::parse(text).expect("a valid test date")
    }

    fn today() -> Date {
        day("2026-11-26")
    }

    fn digits(text: &str, n: usize) -> bool {
        text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
    }

    fn unique<'a>(what: &str, items: impl IntoIterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for item in items {
            assert!(seen.insert(item), "duplicate {what}: {item}");
        }
    }

    #[test]
    fn the_same_seed_and_date_give_the_same_world() {
        let a = generate(1, today());
        assert_eq!(a, generate(1, today()));
        assert_ne!(a, generate(2, today()));
        assert_ne!(a.persons, generate(1, day("2026-03-01")).persons);
    }

    #[test]
    fn the_world_has_the_expected_size() {
        let w = generate(1, today());
        // The drawn households and births, and the demo family's one of each.
        assert_eq!(w.households.len(), HOUSEHOLDS + 1);
        assert!(
            (2_700..=3_300).contains(&w.persons.len()),
            "{}",
            w.persons.len()
        );
        assert!(
            (141..=BIRTHS + 1).contains(&w.births.len()),
            "{}",
            w.births.len()
        );
        assert_eq!(w.water_accounts.len(), w.households.len());
        assert_eq!(w.readings.len(), 12 * w.water_accounts.len());
        assert!(w.enrolments.len() > 500, "{}", w.enrolments.len());
        // Every home, and the demo family's plot.
        assert_eq!(w.properties.len(), w.households.len() + 1);
    }

    #[test]
    fn the_demo_family_is_the_same_for_every_seed_and_day() {
        let days = [today(), day("2027-01-10"), day("2026-05-10")];
        let first = generate(1, today());
        let demo_of = |w: &World| {
            let persons: Vec<Person> = w
                .persons
                .iter()
                .filter(|p| p.family_number == demo::FAMILY_NUMBER)
                .cloned()
                .collect();
            let household = w
                .households
                .iter()
                .find(|h| h.family_number == demo::FAMILY_NUMBER)
                .cloned();
            let account = w
                .water_accounts
                .iter()
                .find(|a| a.number == demo::WATER_ACCOUNT)
                .cloned();
            let school = w.schools.iter().find(|s| s.code == demo::SCHOOL).cloned();
            let places: Vec<Property> = w
                .properties
                .iter()
                .filter(|p| p.owner_national_id == demo::FATHER)
                .cloned()
                .collect();
            (persons, household, account, school, places)
        };
        let want = demo_of(&first);
        assert_eq!(want.0, demo::persons());
        assert_eq!(
            want.0
                .iter()
                .map(|p| p.national_id.as_str())
                .collect::<Vec<_>>(),
            [demo::FATHER, demo::MOTHER, demo::SON, demo::DAUGHTER]
        );
        assert_eq!(want.4.len(), 2, "the home and the plot");
        for seed in [1, 2, 7, 42, 1234] {
            for today in days {
                let w = generate(seed, today);
                assert_eq!(demo_of(&w), want, "seed {seed} on {today}");
                // The newborn is notified, recently; the account has an unbilled month.
                let birth = w
                    .births
                    .iter()
                    .find(|b| b.number == demo::NOTIFICATION)
                    .expect("the demo notification");
                assert_eq!(birth.mother_national_id, demo::MOTHER);
                assert_eq!(birth.father_national_id.as_deref(), Some(demo::FATHER));
                assert_eq!(
                    birth.child_date_of_birth,
                    Date(today.0 - demo::NEWBORN_AGE_DAYS)
                );
                let readings: Vec<&Reading> = w
                    .readings
                    .iter()
                    .filter(|r| r.account_number == demo::WATER_ACCOUNT)
                    .collect();
                assert_eq!(readings.len(), 12);
                assert!(!readings[11].billed && readings[..11].iter().all(|r| r.billed));
                // The demo's son is not enrolled, and nothing generated takes its numbers.
                assert!(!w.enrolments.iter().any(|e| e.national_id == demo::SON));
                let generated = w
                    .persons
                    .iter()
                    .filter(|p| p.family_number != demo::FAMILY_NUMBER);
                assert!(generated.clone().all(|p| !p.national_id.starts_with('0')));
                assert!(generated.clone().all(|p| {
                    p.phone
                        .as_deref()
                        .is_none_or(|ph| !demo::PHONES.contains(&ph))
                }));
            }
        }
    }

    #[test]
    fn households_are_shared_by_population() {
        let counts = allocate(HOUSEHOLDS, MIN_HOUSEHOLDS);
        assert_eq!(counts.iter().sum::<usize>(), HOUSEHOLDS);
        assert!(counts.iter().all(|&c| c >= MIN_HOUSEHOLDS));
        let baghdad = PLACES
            .iter()
            .position(|p| p.governorate == "baghdad")
            .expect("Baghdad");
        assert_eq!(counts.iter().max(), Some(&counts[baghdad]));
    }

    /// Every invariant the brief promises, for one world.
    fn check(seed: u64, today: Date) {
        let w = generate(seed, today);
        let persons: BTreeMap<&str, &Person> = w
            .persons
            .iter()
            .map(|p| (p.national_id.as_str(), p))
            .collect();
        let schools: BTreeMap<&str, &School> =
            w.schools.iter().map(|s| (s.code.as_str(), s)).collect();

        // Identifiers: unique, and in the formats the blueprints ask for.
        unique(
            "national id",
            w.persons.iter().map(|p| p.national_id.as_str()),
        );
        unique(
            "family number",
            w.households.iter().map(|h| h.family_number.as_str()),
        );
        unique(
            "account",
            w.water_accounts.iter().map(|a| a.number.as_str()),
        );
        unique(
            "meter",
            w.water_accounts.iter().map(|a| a.meter_serial.as_str()),
        );
        unique("notification", w.births.iter().map(|b| b.number.as_str()));
        unique("centre", w.centres.iter().map(|c| c.code.as_str()));
        unique("school", w.schools.iter().map(|s| s.code.as_str()));
        unique(
            "student",
            w.enrolments.iter().map(|e| e.student_number.as_str()),
        );
        unique("pupil", w.enrolments.iter().map(|e| e.national_id.as_str()));
        unique("phone", w.persons.iter().filter_map(|p| p.phone.as_deref()));
        for p in &w.persons {
            assert!(digits(&p.national_id, 12), "{}", p.national_id);
            let adult = p.date_of_birth.years_until(today) >= 18;
            if let Some(phone) = &p.phone {
                assert!(adult && phone.starts_with("07") && digits(phone, 11));
            }
            assert!(p.sex == FEMALE || p.sex == MALE);
            assert!(p.date_of_birth < today);
        }
        for a in &w.water_accounts {
            assert!(digits(&a.number, 10), "{}", a.number);
            let (letters, numbers) = a.meter_serial.split_at(2);
            assert!(letters.bytes().all(|b| b.is_ascii_uppercase()) && digits(numbers, 8));
        }
        for b in &w.births {
            let parts: Vec<&str> = b.number.split('-').collect();
            assert!(
                parts.len() == 3 && parts[0] == "BN" && digits(parts[1], 4) && digits(parts[2], 6),
                "{}",
                b.number
            );
        }
        for s in &w.schools {
            assert!(digits(&s.code, 6), "{}", s.code);
        }

        // Every governorate has households, centres and schools.
        for gov in GOVERNORATES {
            let g = gov.value;
            assert!(w.households.iter().any(|h| h.governorate == g), "{g}");
            let centres = w.centres.iter().filter(|c| c.governorate == g);
            let names: Vec<&str> = centres.clone().map(|c| c.name.ar.as_str()).collect();
            assert!((2..=4).contains(&names.len()), "{g}");
            unique("centre name", names);
            let at = |level: &str| {
                w.schools
                    .iter()
                    .filter(|s| s.governorate == g && s.level == level)
                    .count()
            };
            assert!(at("primary") >= 2 && at("intermediate") >= 1 && at("secondary") >= 1);
        }
        for c in &w.centres {
            for (days, times) in &c.hours {
                quickwin_blueprint::hours::parse_days(days).expect("valid days");
                quickwin_blueprint::hours::parse_intervals(times).expect("valid hours");
            }
        }

        // Households: members exist, once, and share the family number and governorate.
        let mut household_of: BTreeMap<&str, &Household> = BTreeMap::new();
        for h in &w.households {
            assert_eq!(h.members.first(), Some(&h.head_national_id));
            for id in &h.members {
                let p = persons.get(id.as_str()).expect("a member is a person");
                assert_eq!(p.family_number, h.family_number);
                assert_eq!(p.governorate, h.governorate);
                assert!(
                    household_of.insert(id, h).is_none(),
                    "{id} in two households"
                );
            }
            assert!(
                persons[h.head_national_id.as_str()]
                    .date_of_birth
                    .years_until(today)
                    >= 18
            );
        }
        assert_eq!(household_of.len(), w.persons.len());

        // Parents: in the household, of the right sex and age; names passed down.
        for child in &w.persons {
            let born = child.date_of_birth;
            if let Some(id) = &child.father_national_id {
                let father = persons[id.as_str()];
                assert_eq!(father.sex, MALE);
                assert_eq!(father.family_number, child.family_number);
                assert_eq!(child.father_name, father.given_name);
                assert_eq!(child.grandfather_name, father.father_name);
                assert_eq!(child.family_name, father.family_name);
                let age = father.date_of_birth.years_until(born);
                assert!((20..=60).contains(&age), "father {age} at birth");
            }
            if let Some(id) = &child.mother_national_id {
                let mother = persons[id.as_str()];
                assert_eq!(mother.sex, FEMALE);
                assert_eq!(mother.family_number, child.family_number);
                let age = mother.date_of_birth.years_until(born);
                assert!((18..=45).contains(&age), "mother {age} at birth");
            }
        }

        // Births: recent, to registered women of 18–45, fathered by their husband.
        for b in &w.births {
            let mother = persons[b.mother_national_id.as_str()];
            assert_eq!(mother.sex, FEMALE);
            let age = mother.date_of_birth.years_until(b.child_date_of_birth);
            assert!((18..=45).contains(&age), "mother {age} at birth");
            assert!(b.child_date_of_birth < today && b.child_date_of_birth.0 >= today.0 - 90);
            assert_eq!(b.governorate, mother.governorate);
            let place = places::place(b.governorate).expect("a place");
            assert!(
                place
                    .hospitals
                    .contains(&(b.hospital.ar.as_str(), b.hospital.en.as_str()))
            );
            if let Some(id) = &b.father_national_id {
                let father = persons[id.as_str()];
                assert_eq!(father.sex, MALE);
                assert_eq!(father.family_number, mother.family_number);
            }
            // Numbered by the year of birth; the demo's number is fixed whatever the day.
            let year = b.child_date_of_birth.ymd().0;
            assert!(b.number.starts_with(&format!("BN-{year}-")) || b.number == demo::NOTIFICATION);
            assert!(!persons.values().any(|p| {
                p.date_of_birth == b.child_date_of_birth
                    && p.mother_national_id.as_ref() == Some(&b.mother_national_id)
            }));
        }
        assert!(w.births.iter().any(|b| b.father_national_id.is_none()));

        // Enrolments: every school-age child but some six-year-olds, at the grade of their
        // age, in a school of their governorate.
        let (y, m, _) = today.ymd();
        let start = if m >= 9 { y } else { y - 1 };
        let cutoff = Date::from_ymd(start, 12, 31).expect("a date");
        let enrolled: BTreeMap<&str, &Enrolment> = w
            .enrolments
            .iter()
            .map(|e| (e.national_id.as_str(), e))
            .collect();
        let mut waiting = 0;
        for p in &w.persons {
            let age = p.date_of_birth.years_until(cutoff);
            match enrolled.get(p.national_id.as_str()) {
                Some(e) => {
                    let school = schools[e.school_code.as_str()];
                    assert_eq!(school.governorate, p.governorate);
                    assert_eq!(i64::from(e.grade), age - 5);
                    assert_eq!(school.level, LEVELS[level_of(e.grade)]);
                    assert_eq!(e.school_year, format!("{start}-{}", start + 1));
                    assert!(digits(&e.student_number, 10));
                }
                None if age == 6 => waiting += 1,
                // The demo family's son waits to be registered by the pilot, at any age.
                None if p.national_id == demo::SON => {}
                None => assert!(!(6..=17).contains(&age), "{age}-year-old not enrolled"),
            }
        }
        assert!(waiting > 0, "some six-year-olds are not yet enrolled");

        // Properties: a home for every household, registered to its head at its address,
        // each place once.
        unique(
            "property",
            w.properties
                .iter()
                .map(|p| format!("{}/{}/{}", p.governorate, p.muqataa, p.plot))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        );
        for h in &w.households {
            assert!(
                w.properties
                    .iter()
                    .any(|p| p.owner_national_id == h.head_national_id
                        && p.governorate == h.governorate
                        && p.address == h.address),
                "{} has no home",
                h.family_number
            );
        }

        // Water: held by the head, twelve readings ending last month, always going up.
        let mut by_account: BTreeMap<&str, Vec<&Reading>> = BTreeMap::new();
        for r in &w.readings {
            by_account
                .entry(r.account_number.as_str())
                .or_default()
                .push(r);
        }
        let last_month = if m == 1 {
            format!("{}-12", y - 1)
        } else {
            format!("{y:04}-{:02}", m - 1)
        };
        for (a, h) in w.water_accounts.iter().zip(&w.households) {
            assert_eq!(a.holder_national_id, h.head_national_id);
            assert!(a.balance <= 0);
            let readings = &by_account[a.number.as_str()];
            assert_eq!(readings.len(), 12);
            assert_eq!(readings[11].period, last_month);
            assert!(a.opened_on < readings[0].read_on);
            let (low, high) = if a.property_type == "commercial" {
                (30, 150)
            } else {
                assert_eq!(a.property_type, "residential");
                (10, 60)
            };
            for pair in readings.windows(2) {
                assert!(pair[0].period < pair[1].period && pair[0].read_on < pair[1].read_on);
                let used = pair[1].value - pair[0].value;
                assert!((low..=high).contains(&used), "{used} m³ in a month");
            }
            for (i, r) in readings.iter().enumerate() {
                assert_eq!(r.billed, i < 11);
                assert!(r.read_on < today);
                assert!(r.read_on.to_string().starts_with(&r.period));
            }
        }
    }

    #[test]
    fn the_world_holds_together() {
        check(1, today());
    }

    #[test]
    fn other_seeds_and_dates_hold_together_too() {
        // January: births straddle two years; May: the school year began last September.
        check(7, day("2027-01-10"));
        check(42, day("2026-05-10"));
    }

    #[test]
    fn kurdistan_region_names_are_mostly_kurdish() {
        let w = generate(1, today());
        let kurdish: BTreeSet<&str> = MALE_KU
            .iter()
            .chain(FEMALE_KU)
            .filter(|n| !MALE_AR.iter().chain(FEMALE_AR).any(|a| a.0 == n.0))
            .map(|n| n.0)
            .collect();
        for gov in ["erbil", "duhok", "sulaymaniyah", "halabja"] {
            let people: Vec<&Person> = w.persons.iter().filter(|p| p.governorate == gov).collect();
            let count = people
                .iter()
                .filter(|p| kurdish.contains(p.given_name.ar.as_str()))
                .count();
            assert!(
                count * 2 > people.len(),
                "{gov}: {count} of {}",
                people.len()
            );
        }
        let baghdad = w.persons.iter().filter(|p| p.governorate == "baghdad");
        assert!(baghdad.clone().count() > 300);
    }

    #[test]
    fn full_names_and_dates_serialize_as_expected() {
        let name = |ar: &str, en: &str| Name {
            ar: ar.to_owned(),
            en: en.to_owned(),
        };
        let p = Person {
            national_id: "199012345678".to_owned(),
            given_name: name("محمد", "Mohammed"),
            father_name: name("علي", "Ali"),
            grandfather_name: name("حسين", "Hussein"),
            family_name: name("الجبوري", "al-Jubouri"),
            sex: MALE,
            date_of_birth: day("1990-03-07"),
            governorate: "baghdad",
            family_number: "BGD-000123".to_owned(),
            father_national_id: None,
            mother_national_id: None,
            phone: Some("07701234567".to_owned()),
        };
        assert_eq!(
            p.full_name(),
            name("محمد علي حسين الجبوري", "Mohammed Ali Hussein al-Jubouri")
        );
        let json = serde_json::to_value(&p).expect("serializable");
        assert_eq!(json["date_of_birth"], "1990-03-07");
        assert_eq!(json["given_name"]["ar"], p.given_name.ar);
    }
}
