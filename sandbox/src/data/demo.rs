//! The demo family: the same people, papers, accounts and land for every seed and every
//! day the data are created on, so that the catalogue blueprints' examples — and a
//! trainer's `curl` — are recognised by the mock agencies.
//!
//! The al-Rubaie household lives in Al-Mansour, Baghdad: Ahmed (the head), his wife
//! Zainab, their son Yousif (six, not yet at school) and daughter Maryam (three), and a
//! daughter born twelve days before the data were made, known only from the hospital's
//! birth notification. Ahmed holds the home's water account, with twelve monthly readings
//! of which the last is not yet billed, and owns the home and a plot in Al-Mahmudiya that
//! has no water connection yet. A primary school in Al-Mansour has not enrolled Yousif.
//!
//! The numbers cannot be drawn by the generator: national IDs and the water account
//! begin with a `0` (generated ones begin with 1–9, see `Rng::digits`); the family
//! number, the notification's sequence, the school's sequence and the plots are above
//! anything the generator reaches; the meter's maker code is not one of the makers; the
//! phones are held back from the generator's draw.

use quickwin_blueprint::expr::Date;

use super::{
    BirthNotification, FEMALE, Household, MALE, Name, Person, Property, Reading, School,
    WaterAccount, World,
};

/// The household's family number (generated ones stay below `BGD-100000`).
pub const FAMILY_NUMBER: &str = "BGD-999001";
/// Ahmed Karim Hassan al-Rubaie, the head of the household, born 1987-03-15.
pub const FATHER: &str = "019870315001";
/// Zainab Ali Hussein al-Tamimi, his wife, born 1992-06-22.
pub const MOTHER: &str = "019920622002";
/// Yousif, their son, born 2020-03-08: of age for first grade, not enrolled.
pub const SON: &str = "020200308003";
/// Maryam, their daughter, born 2023-09-14.
pub const DAUGHTER: &str = "020230914004";
/// The hospital's notification of their newborn daughter (born 12 days before the data
/// were made; the number keeps the year 2026 whatever the day, so that it stays fixed).
pub const NOTIFICATION: &str = "BN-2026-999001";
/// How many days before the data were made the newborn was born.
pub const NEWBORN_AGE_DAYS: i64 = 12;
/// The home's water account, held by Ahmed.
pub const WATER_ACCOUNT: &str = "0123456789";
/// The meter's serial (`DM` is no maker's code).
pub const METER: &str = "DM15000001";
/// Al-Mansour Model Primary School: Baghdad (12), primary (1), sequence 901.
pub const SCHOOL: &str = "121901";
/// The home in the real-estate registry: governorate, muqataa, plot.
pub const HOME: (&str, u32, u32) = ("baghdad", 21, 1207);
/// A plot in Al-Mahmudiya (outside Amanat Baghdad) with no water connection yet.
pub const PLOT: (&str, u32, u32) = ("baghdad", 48, 1907);
/// Ahmed's and Zainab's mobile numbers.
pub const PHONES: [&str; 2] = ["07701999001", "07801999002"];

/// The governorate, a value of `quickwin_blueprint::lists::GOVERNORATES`.
const GOVERNORATE: &str = "baghdad";

fn name(ar: &str, en: &str) -> Name {
    Name {
        ar: ar.to_owned(),
        en: en.to_owned(),
    }
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("a valid date written in the code")
}

/// The household's address.
pub fn address() -> Name {
    name(
        "المنصور، محلة 605، زقاق 12، دار 7",
        "Al-Mansour, Mahalla 605, Zuqaq 12, House 7",
    )
}

/// The plot's address.
pub fn plot_address() -> Name {
    name(
        "المحمودية، حي العسكري، محلة 203، زقاق 5",
        "Al-Mahmudiya, Hay al-Askari, Mahalla 203, Zuqaq 5",
    )
}

/// The family's persons, head first.
pub fn persons() -> Vec<Person> {
    let ahmed = name("أحمد", "Ahmed");
    let karim = name("كريم", "Karim");
    let rubaie = name("الربيعي", "al-Rubaie");
    let person = |id: &str, given: Name, lineage: (&Name, &Name, &Name), sex, dob: &str| Person {
        national_id: id.to_owned(),
        given_name: given,
        father_name: lineage.0.clone(),
        grandfather_name: lineage.1.clone(),
        family_name: lineage.2.clone(),
        sex,
        date_of_birth: date(dob),
        governorate: GOVERNORATE,
        family_number: FAMILY_NUMBER.to_owned(),
        father_national_id: None,
        mother_national_id: None,
        phone: None,
    };
    let hassan = name("حسن", "Hassan");
    let mut father = person(
        FATHER,
        ahmed.clone(),
        (&karim, &hassan, &rubaie),
        MALE,
        "1987-03-15",
    );
    father.phone = Some(PHONES[0].to_owned());
    let mut mother = person(
        MOTHER,
        name("زينب", "Zainab"),
        (
            &name("علي", "Ali"),
            &name("حسين", "Hussein"),
            &name("التميمي", "al-Tamimi"),
        ),
        FEMALE,
        "1992-06-22",
    );
    mother.phone = Some(PHONES[1].to_owned());
    let child = |id: &str, given: Name, sex, dob: &str| {
        let mut p = person(id, given, (&ahmed, &karim, &rubaie), sex, dob);
        p.father_national_id = Some(FATHER.to_owned());
        p.mother_national_id = Some(MOTHER.to_owned());
        p
    };
    vec![
        father,
        mother,
        child(SON, name("يوسف", "Yousif"), MALE, "2020-03-08"),
        child(DAUGHTER, name("مريم", "Maryam"), FEMALE, "2023-09-14"),
    ]
}

/// The monthly consumption in m³, January to December: more in the summer.
const CONSUMPTION: [i64; 12] = [22, 21, 23, 25, 28, 34, 38, 37, 31, 26, 23, 22];

/// Add the demo family to a generated world (whose properties already leave the demo's
/// plots free).
pub fn add(world: &mut World, today: Date) {
    let persons = persons();
    world.households.push(Household {
        family_number: FAMILY_NUMBER.to_owned(),
        governorate: GOVERNORATE,
        district: name("الكرخ", "Al-Karkh"),
        address: address(),
        head_national_id: FATHER.to_owned(),
        members: persons.iter().map(|p| p.national_id.clone()).collect(),
    });
    world.persons.extend(persons);
    world.births.push(BirthNotification {
        number: NOTIFICATION.to_owned(),
        mother_national_id: MOTHER.to_owned(),
        father_national_id: Some(FATHER.to_owned()),
        child_date_of_birth: Date(today.0 - NEWBORN_AGE_DAYS),
        sex: FEMALE,
        hospital: name("مستشفى الكرخ للولادة", "Al-Karkh Maternity Hospital"),
        governorate: GOVERNORATE,
    });
    world.schools.push(School {
        code: SCHOOL.to_owned(),
        name: name(
            "مدرسة المنصور النموذجية الابتدائية",
            "Al-Mansour Model Primary School",
        ),
        governorate: GOVERNORATE,
        level: "primary",
        address: name(
            "شارع 14 رمضان، المنصور، الكرخ",
            "14 Ramadan Street, Al-Mansour, Al-Karkh",
        ),
    });
    world.water_accounts.push(WaterAccount {
        number: WATER_ACCOUNT.to_owned(),
        holder_national_id: FATHER.to_owned(),
        governorate: GOVERNORATE,
        address: address(),
        property_type: "residential",
        meter_serial: METER.to_owned(),
        opened_on: date("2015-06-01"),
        balance: 0,
    });
    // Twelve readings, the months before the current one, read on the 24th; the last is
    // not yet billed.
    let (year, month, _) = today.ymd();
    let this_month = year * 12 + i64::from(month) - 1;
    let mut value = 2400;
    for k in (1..=12).rev() {
        let m = this_month - k;
        let (y, mm) = (m / 12, (m % 12 + 1) as u32);
        value += CONSUMPTION[mm as usize - 1];
        world.readings.push(Reading {
            account_number: WATER_ACCOUNT.to_owned(),
            period: format!("{y:04}-{mm:02}"),
            read_on: Date::from_ymd(y, mm, 24).expect("the 24th exists in every month"),
            value,
            billed: k != 1,
        });
    }
    for (place, kind, area, address) in [
        (HOME, "residential", 250, address()),
        (PLOT, "residential", 400, plot_address()),
    ] {
        world.properties.push(Property {
            governorate: place.0,
            muqataa: place.1,
            plot: place.2,
            owner_national_id: FATHER.to_owned(),
            property_type: kind,
            area_m2: area,
            address,
        });
    }
}
