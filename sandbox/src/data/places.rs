//! The governorates as the generator sees them: a short code, a rough population, the
//! share of Kurdish households, districts with their neighbourhoods, maternity and
//! teaching hospitals, and the families most common there.
//!
//! Why this file is longer than 800 lines: it is a table of the nineteen governorates,
//! not logic.

use super::names::Family;

/// A text in Arabic and Latin script.
pub(super) type Text = (&'static str, &'static str);

/// A district (qadha) and some of its neighbourhoods.
pub(super) struct District {
    /// The district's name.
    pub name: Text,
    /// Neighbourhoods (hay, mahalla) or towns of the district.
    pub quarters: &'static [Text],
}

/// One governorate.
pub(super) struct Place {
    /// Its value in `quickwin_blueprint::lists::GOVERNORATES`.
    pub governorate: &'static str,
    /// Three letters used in family numbers and centre codes.
    pub code: &'static str,
    /// Rough population, in thousands.
    pub population: u32,
    /// Percentage of households that are Kurdish.
    pub kurdish: u32,
    /// Districts, the governorate's centre first.
    pub districts: &'static [District],
    /// Hospitals with a maternity ward.
    pub hospitals: &'static [Text],
    /// Family names most common here, of the governorate's majority.
    pub families: &'static [Family],
}

impl Place {
    /// Whether most households here are Kurdish.
    pub(super) fn kurdish_majority(&self) -> bool {
        self.kurdish >= 50
    }
}

/// The place of a governorate value.
pub(super) fn place(governorate: &str) -> Option<&'static Place> {
    PLACES.iter().find(|p| p.governorate == governorate)
}

const fn d(name: Text, quarters: &'static [Text]) -> District {
    District { name, quarters }
}

/// Streets that every Iraqi town has, for the addresses of centres and schools.
pub(super) const STREETS_AR: &[Text] = &[
    ("شارع الجمهورية", "Al-Jumhuriya Street"),
    ("شارع الإمام علي", "Imam Ali Street"),
    ("شارع السوق", "Market Street"),
    ("شارع المدارس", "Schools Street"),
    ("الشارع العام", "Main Road"),
    ("شارع الكفاح", "Al-Kifah Street"),
    ("شارع الثورة", "Al-Thawra Street"),
    ("شارع المستشفى", "Hospital Street"),
    ("شارع 20", "20 Street"),
    ("شارع الكورنيش", "Corniche Street"),
];

/// Streets of the towns of the Kurdistan Region.
pub(super) const STREETS_KU: &[Text] = &[
    ("شارع 60 متري", "60 Metre Street"),
    ("شارع 100 متري", "100 Metre Street"),
    ("شارع آزادي", "Azadi Street"),
    ("شارع نوروز", "Newroz Street"),
    ("شارع السوق", "Market Street"),
    ("شارع المستشفى", "Hospital Street"),
];

/// Names of schools outside the Kurdistan Region.
pub(super) const SCHOOLS_AR: &[Text] = &[
    ("الرافدين", "Al-Rafidain"),
    ("الفارابي", "Al-Farabi"),
    ("ابن سينا", "Ibn Sina"),
    ("الخنساء", "Al-Khansaa"),
    ("بلقيس", "Balqis"),
    ("المتنبي", "Al-Mutanabbi"),
    ("الجواهري", "Al-Jawahiri"),
    ("النهرين", "Al-Nahrain"),
    ("دجلة", "Dijla"),
    ("الفرات", "Al-Furat"),
    ("الحكمة", "Al-Hikma"),
    ("الأمل", "Al-Amal"),
    ("ابن خلدون", "Ibn Khaldun"),
    ("الكندي", "Al-Kindi"),
    ("ابن الهيثم", "Ibn al-Haytham"),
    ("الرصافي", "Al-Rusafi"),
    ("السياب", "Al-Sayyab"),
    ("النجاح", "Al-Najah"),
    ("المستقبل", "Al-Mustaqbal"),
];

/// Names of schools in the Kurdistan Region.
pub(super) const SCHOOLS_KU: &[Text] = &[
    ("نوروز", "Newroz"),
    ("آشتي", "Ashti"),
    ("زانست", "Zanist"),
    ("روناكي", "Runaki"),
    ("آزادي", "Azadi"),
    ("كوردستان", "Kurdistan"),
    ("هيوا", "Hiwa"),
    ("سركوتن", "Sarkawtin"),
    ("نالي", "Nali"),
    ("حاجي قادر كويي", "Haji Qadir Koyi"),
    ("بيره ميرد", "Piramerd"),
    ("كوران", "Goran"),
];

/// The governorates, in the order of `quickwin_blueprint::lists::GOVERNORATES`.
pub(super) const PLACES: &[Place] = &[
    Place {
        governorate: "anbar",
        code: "ANB",
        population: 2000,
        kurdish: 0,
        districts: &[
            d(
                ("الرمادي", "Ramadi"),
                &[
                    ("حي الأندلس", "Hay al-Andalus"),
                    ("حي الملعب", "Hay al-Malaab"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                    ("الصوفية", "Al-Sufiya"),
                ],
            ),
            d(
                ("الفلوجة", "Fallujah"),
                &[
                    ("حي الجولان", "Hay al-Jolan"),
                    ("حي نزال", "Hay Nazal"),
                    ("حي الشهداء", "Hay al-Shuhada"),
                ],
            ),
            d(
                ("هيت", "Hit"),
                &[
                    ("حي المعلمين", "Hay al-Muallimin"),
                    ("حي الجمهورية", "Hay al-Jumhuriya"),
                ],
            ),
            d(
                ("القائم", "Al-Qaim"),
                &[("حصيبة", "Husaybah"), ("الكرابلة", "Al-Karabila")],
            ),
        ],
        hospitals: &[
            ("مستشفى الرمادي التعليمي", "Ramadi Teaching Hospital"),
            (
                "مستشفى الرمادي التعليمي للنسائية والأطفال",
                "Ramadi Teaching Hospital for Women and Children",
            ),
            ("مستشفى الفلوجة التعليمي", "Fallujah Teaching Hospital"),
        ],
        families: &[
            ("الدليمي", "al-Dulaimi"),
            ("العاني", "al-Ani"),
            ("الراوي", "al-Rawi"),
            ("الهيتي", "al-Hiti"),
            ("الكبيسي", "al-Kubaisi"),
            ("الجميلي", "al-Jumaili"),
            ("الحديثي", "al-Hadithi"),
            ("الفهداوي", "al-Fahdawi"),
            ("العيساوي", "al-Issawi"),
            ("المحلاوي", "al-Mahlawi"),
        ],
    },
    Place {
        governorate: "babil",
        code: "BBL",
        population: 2400,
        kurdish: 0,
        districts: &[
            d(
                ("الحلة", "Hilla"),
                &[
                    ("حي بابل", "Hay Babil"),
                    ("حي الجزائر", "Hay al-Jazair"),
                    ("الجامعين", "Al-Jamiain"),
                    ("حي نادر", "Hay Nadir"),
                ],
            ),
            d(
                ("المسيب", "Al-Musayyib"),
                &[
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي العسكري", "Hay al-Askari"),
                ],
            ),
            d(
                ("المحاويل", "Al-Mahawil"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("الهاشمية", "Al-Hashimiya"),
                &[
                    ("حي الجمهورية", "Hay al-Jumhuriya"),
                    ("حي الزهراء", "Hay al-Zahraa"),
                ],
            ),
        ],
        hospitals: &[
            ("مستشفى الحلة التعليمي", "Hilla Teaching Hospital"),
            (
                "مستشفى بابل التعليمي للولادة والأطفال",
                "Babil Teaching Hospital for Maternity and Children",
            ),
            (
                "مستشفى الإمام الصادق التعليمي",
                "Imam al-Sadiq Teaching Hospital",
            ),
        ],
        families: &[
            ("الجنابي", "al-Janabi"),
            ("الخفاجي", "al-Khafaji"),
            ("المعموري", "al-Maamouri"),
            ("الجبوري", "al-Jubouri"),
            ("الطائي", "al-Taie"),
            ("العامري", "al-Amiri"),
        ],
    },
    Place {
        governorate: "baghdad",
        code: "BGD",
        population: 8800,
        kurdish: 2,
        districts: &[
            d(
                ("الرصافة", "Al-Rusafa"),
                &[
                    ("الكرادة", "Al-Karrada"),
                    ("زيونة", "Zayouna"),
                    ("بغداد الجديدة", "Baghdad al-Jadida"),
                    ("الغدير", "Al-Ghadir"),
                ],
            ),
            d(
                ("الكرخ", "Al-Karkh"),
                &[
                    ("المنصور", "Al-Mansour"),
                    ("اليرموك", "Al-Yarmouk"),
                    ("حي الجامعة", "Hay al-Jamia"),
                    ("العامرية", "Al-Amiriya"),
                    ("الدورة", "Al-Dora"),
                ],
            ),
            d(
                ("الأعظمية", "Al-Adhamiya"),
                &[
                    ("الأعظمية", "Al-Adhamiya"),
                    ("الوزيرية", "Al-Waziriya"),
                    ("راغبة خاتون", "Ragheba Khatun"),
                ],
            ),
            d(
                ("الكاظمية", "Al-Kadhimiya"),
                &[
                    ("الكاظمية", "Al-Kadhimiya"),
                    ("الشعلة", "Al-Shula"),
                    ("الحرية", "Al-Hurriya"),
                ],
            ),
            d(
                ("مدينة الصدر", "Sadr City"),
                &[("الحبيبية", "Al-Habibiya"), ("حي جميلة", "Hay Jamila")],
            ),
        ],
        hospitals: &[
            ("مستشفى اليرموك التعليمي", "Al-Yarmouk Teaching Hospital"),
            ("مستشفى الكاظمية التعليمي", "Al-Kadhimiya Teaching Hospital"),
            (
                "مستشفى العلوية التعليمي للولادة",
                "Al-Elwiya Maternity Teaching Hospital",
            ),
            (
                "مستشفى ابن البلدي للنسائية والأطفال",
                "Ibn al-Baladi Hospital for Women and Children",
            ),
            ("مستشفى الكرخ للولادة", "Al-Karkh Maternity Hospital"),
        ],
        families: &[
            ("الربيعي", "al-Rubaie"),
            ("الزبيدي", "al-Zubaidi"),
            ("التميمي", "al-Tamimi"),
            ("العبيدي", "al-Obaidi"),
            ("الساعدي", "al-Saadi"),
            ("الجبوري", "al-Jubouri"),
        ],
    },
    Place {
        governorate: "basra",
        code: "BSR",
        population: 3300,
        kurdish: 0,
        districts: &[
            d(
                ("البصرة", "Basra"),
                &[
                    ("العشار", "Al-Ashar"),
                    ("البراضعية", "Al-Baradhiya"),
                    ("الجبيلة", "Al-Jubaila"),
                    ("حي الجزائر", "Hay al-Jazair"),
                    ("الطويسة", "Al-Tuwaisa"),
                ],
            ),
            d(
                ("الزبير", "Al-Zubair"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي الرسالة", "Hay al-Risala"),
                ],
            ),
            d(
                ("أبو الخصيب", "Abu al-Khasib"),
                &[("حمدان", "Hamdan"), ("حي المعلمين", "Hay al-Muallimin")],
            ),
            d(
                ("القرنة", "Al-Qurna"),
                &[
                    ("حي الإمام علي", "Hay al-Imam Ali"),
                    ("حي العسكري", "Hay al-Askari"),
                ],
            ),
        ],
        hospitals: &[
            (
                "مستشفى البصرة للنسائية والأطفال",
                "Basra Maternity and Children Hospital",
            ),
            ("مستشفى البصرة التعليمي", "Basra Teaching Hospital"),
            ("مستشفى الموانئ العام", "Al-Mawani General Hospital"),
            ("مستشفى الفيحاء العام", "Al-Fayhaa General Hospital"),
        ],
        families: &[
            ("التميمي", "al-Tamimi"),
            ("الكعبي", "al-Kaabi"),
            ("المالكي", "al-Maliki"),
            ("الأسدي", "al-Asadi"),
            ("الحلفي", "al-Halfi"),
            ("العيداني", "al-Eidani"),
            ("البطاط", "al-Battat"),
        ],
    },
    Place {
        governorate: "dhi_qar",
        code: "DHQ",
        population: 2400,
        kurdish: 0,
        districts: &[
            d(
                ("الناصرية", "Nasiriyah"),
                &[
                    ("حي أور", "Hay Ur"),
                    ("حي الإسكان", "Hay al-Iskan"),
                    ("حي الشهداء", "Hay al-Shuhada"),
                ],
            ),
            d(
                ("الشطرة", "Al-Shatra"),
                &[
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("سوق الشيوخ", "Suq al-Shuyukh"),
                &[
                    ("حي الجمهورية", "Hay al-Jumhuriya"),
                    ("حي الزهراء", "Hay al-Zahraa"),
                ],
            ),
            d(
                ("الرفاعي", "Al-Rifai"),
                &[
                    ("حي العسكري", "Hay al-Askari"),
                    ("حي السلام", "Hay al-Salam"),
                ],
            ),
        ],
        hospitals: &[
            ("مستشفى الحسين التعليمي", "Al-Hussein Teaching Hospital"),
            (
                "مستشفى بنت الهدى للولادة والأطفال",
                "Bint al-Huda Maternity and Children Hospital",
            ),
            ("مستشفى الحبوبي التعليمي", "Al-Habbobi Teaching Hospital"),
        ],
        families: &[
            ("الحلفي", "al-Halfi"),
            ("الغزي", "al-Ghazzi"),
            ("العبودي", "al-Abboudi"),
            ("الركابي", "al-Rikabi"),
            ("الخفاجي", "al-Khafaji"),
            ("الحجامي", "al-Hajjami"),
            ("السوداني", "al-Sudani"),
        ],
    },
    Place {
        governorate: "diyala",
        code: "DYL",
        population: 1800,
        kurdish: 8,
        districts: &[
            d(
                ("بعقوبة", "Baqubah"),
                &[
                    ("حي المعلمين", "Hay al-Muallimin"),
                    ("التحرير", "Al-Tahrir"),
                    ("بعقوبة الجديدة", "New Baqubah"),
                ],
            ),
            d(
                ("المقدادية", "Al-Muqdadiya"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("الخالص", "Al-Khalis"),
                &[
                    ("حي الزهراء", "Hay al-Zahraa"),
                    ("حي العسكري", "Hay al-Askari"),
                ],
            ),
            d(
                ("خانقين", "Khanaqin"),
                &[
                    ("حي الحرية", "Hay al-Hurriya"),
                    ("حي الجمهورية", "Hay al-Jumhuriya"),
                ],
            ),
        ],
        hospitals: &[
            ("مستشفى بعقوبة التعليمي", "Baqubah Teaching Hospital"),
            (
                "مستشفى البتول التعليمي للولادة والأطفال",
                "Al-Batool Teaching Hospital for Maternity and Children",
            ),
            ("مستشفى خانقين العام", "Khanaqin General Hospital"),
        ],
        families: &[
            ("العزاوي", "al-Azzawi"),
            ("التميمي", "al-Tamimi"),
            ("الربيعي", "al-Rubaie"),
            ("المجمعي", "al-Mujammai"),
            ("العنبكي", "al-Anbaki"),
            ("الكرخي", "al-Karkhi"),
        ],
    },
    Place {
        governorate: "duhok",
        code: "DHK",
        population: 1500,
        kurdish: 90,
        districts: &[
            d(
                ("دهوك", "Duhok"),
                &[
                    ("مالطا", "Malta"),
                    ("ماسيكي", "Masike"),
                    ("باروشكي", "Baroshke"),
                ],
            ),
            d(
                ("زاخو", "Zakho"),
                &[
                    ("حي الشهداء", "Shahidan Quarter"),
                    ("حي آزادي", "Azadi Quarter"),
                ],
            ),
            d(("سميل", "Sumel"), &[("سميل", "Sumel"), ("فايدة", "Faida")]),
            d(
                ("العمادية", "Amedi"),
                &[("العمادية", "Amedi"), ("سرسنك", "Sarsing")],
            ),
        ],
        hospitals: &[
            ("مستشفى آزادي التعليمي", "Azadi Teaching Hospital"),
            ("مستشفى الولادة في دهوك", "Duhok Maternity Hospital"),
            ("مستشفى زاخو العام", "Zakho General Hospital"),
        ],
        families: &[
            ("دوسكي", "Doski"),
            ("زيباري", "Zebari"),
            ("برواري", "Berwari"),
            ("سندي", "Sindi"),
            ("ميزوري", "Mizori"),
        ],
    },
    Place {
        governorate: "erbil",
        code: "ERB",
        population: 2300,
        kurdish: 92,
        districts: &[
            d(
                ("أربيل", "Erbil"),
                &[
                    ("عنكاوا", "Ankawa"),
                    ("شورش", "Shorsh"),
                    ("بختياري", "Bakhtiari"),
                    ("آزادي", "Azadi"),
                ],
            ),
            d(
                ("سوران", "Soran"),
                &[("ديانا", "Diana"), ("رواندوز", "Rawanduz")],
            ),
            d(
                ("شقلاوة", "Shaqlawa"),
                &[("شقلاوة", "Shaqlawa"), ("بيرمام", "Pirmam")],
            ),
            d(
                ("كويسنجق", "Koya"),
                &[("كويسنجق", "Koya"), ("حي آزادي", "Azadi Quarter")],
            ),
        ],
        hospitals: &[
            (
                "مستشفى الولادة التعليمي في أربيل",
                "Erbil Maternity Teaching Hospital",
            ),
            ("مستشفى رزكاري التعليمي", "Rizgary Teaching Hospital"),
            ("مستشفى سوران العام", "Soran General Hospital"),
        ],
        families: &[
            ("خوشناو", "Khoshnaw"),
            ("هركي", "Harki"),
            ("دزيي", "Dizayee"),
            ("سورجي", "Surchi"),
            ("رواندزي", "Rwandzi"),
            ("بالاني", "Balani"),
        ],
    },
    Place {
        governorate: "halabja",
        code: "HLB",
        population: 120,
        kurdish: 97,
        districts: &[
            d(
                ("حلبجة", "Halabja"),
                &[
                    ("مركز حلبجة", "Halabja Centre"),
                    ("حي آزادي", "Azadi Quarter"),
                ],
            ),
            d(("خورمال", "Khurmal"), &[("خورمال", "Khurmal")]),
            d(("سيروان", "Sirwan"), &[("سيروان", "Sirwan")]),
            d(("بيارة", "Biyara"), &[("بيارة", "Biyara")]),
        ],
        hospitals: &[
            ("مستشفى حلبجة العام", "Halabja General Hospital"),
            (
                "مستشفى حلبجة للولادة والأطفال",
                "Halabja Maternity and Children Hospital",
            ),
        ],
        families: &[
            ("هورامي", "Hawrami"),
            ("الجاف", "Jaff"),
            ("مفتي", "Mufti"),
            ("برزنجي", "Barzinji"),
        ],
    },
    Place {
        governorate: "karbala",
        code: "KRB",
        population: 1300,
        kurdish: 0,
        districts: &[
            d(
                ("كربلاء", "Karbala"),
                &[
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي العباس", "Hay al-Abbas"),
                    ("حي الملحق", "Hay al-Mulhaq"),
                    ("حي رمضان", "Hay Ramadan"),
                    ("حي البلدية", "Hay al-Baladiya"),
                ],
            ),
            d(
                ("الهندية", "Al-Hindiya"),
                &[
                    ("حي المعلمين", "Hay al-Muallimin"),
                    ("حي الشهداء", "Hay al-Shuhada"),
                ],
            ),
            d(
                ("عين التمر", "Ain al-Tamr"),
                &[("عين التمر", "Ain al-Tamr"), ("شثاثة", "Shithatha")],
            ),
        ],
        hospitals: &[
            ("مستشفى الحسين التعليمي", "Al-Hussein Teaching Hospital"),
            (
                "مستشفى كربلاء التعليمي للنسائية والأطفال",
                "Karbala Teaching Hospital for Women and Children",
            ),
            ("مستشفى الكفيل التخصصي", "Al-Kafeel Specialist Hospital"),
        ],
        families: &[
            ("المسعودي", "al-Masoudi"),
            ("الخزاعي", "al-Khuzaie"),
            ("الطائي", "al-Taie"),
            ("الكربلائي", "al-Karbalai"),
            ("الموسوي", "al-Musawi"),
        ],
    },
    Place {
        governorate: "kirkuk",
        code: "KRK",
        population: 1700,
        kurdish: 35,
        districts: &[
            d(
                ("كركوك", "Kirkuk"),
                &[
                    ("رحيم آوه", "Rahimawa"),
                    ("الشورجة", "Al-Shorja"),
                    ("عرفة", "Arafa"),
                    ("حي الحرية", "Hay al-Hurriya"),
                    ("تسعين", "Tisin"),
                ],
            ),
            d(
                ("الحويجة", "Al-Hawija"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(("داقوق", "Daquq"), &[("حي الزهراء", "Hay al-Zahraa")]),
            d(("دبس", "Dibis"), &[("حي الجمهورية", "Hay al-Jumhuriya")]),
        ],
        hospitals: &[
            ("مستشفى آزادي التعليمي", "Azadi Teaching Hospital"),
            ("مستشفى كركوك العام", "Kirkuk General Hospital"),
            (
                "مستشفى كركوك للنسائية والأطفال",
                "Kirkuk Hospital for Women and Children",
            ),
        ],
        families: &[
            ("البياتي", "al-Bayati"),
            ("العبيدي", "al-Obaidi"),
            ("الجبوري", "al-Jubouri"),
            ("الصالحي", "al-Salihi"),
            ("الكركوكلي", "al-Kirkukli"),
            ("العاصي", "al-Assi"),
        ],
    },
    Place {
        governorate: "maysan",
        code: "MYS",
        population: 1200,
        kurdish: 0,
        districts: &[
            d(
                ("العمارة", "Amarah"),
                &[
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي العسكري", "Hay al-Askari"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("المجر الكبير", "Al-Majar al-Kabir"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي الزهراء", "Hay al-Zahraa"),
                ],
            ),
            d(
                ("علي الغربي", "Ali al-Gharbi"),
                &[("حي الجمهورية", "Hay al-Jumhuriya")],
            ),
            d(("الميمونة", "Al-Maimouna"), &[("حي السلام", "Hay al-Salam")]),
        ],
        hospitals: &[
            ("مستشفى الصدر التعليمي", "Al-Sadr Teaching Hospital"),
            (
                "مستشفى العمارة للولادة والأطفال",
                "Amarah Maternity and Children Hospital",
            ),
        ],
        families: &[
            ("اللامي", "al-Lami"),
            ("الساعدي", "al-Saadi"),
            ("المحمداوي", "al-Mohammedawi"),
            ("الدراجي", "al-Darraji"),
            ("البهادلي", "al-Bahadli"),
        ],
    },
    Place {
        governorate: "muthanna",
        code: "MTH",
        population: 900,
        kurdish: 0,
        districts: &[
            d(
                ("السماوة", "Samawah"),
                &[
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي الجمهورية", "Hay al-Jumhuriya"),
                    ("حي الشهداء", "Hay al-Shuhada"),
                ],
            ),
            d(
                ("الرميثة", "Al-Rumaitha"),
                &[
                    ("حي المعلمين", "Hay al-Muallimin"),
                    ("حي الزهراء", "Hay al-Zahraa"),
                ],
            ),
            d(("الخضر", "Al-Khidhir"), &[("حي السلام", "Hay al-Salam")]),
        ],
        hospitals: &[
            ("مستشفى الحسين التعليمي", "Al-Hussein Teaching Hospital"),
            (
                "مستشفى السماوة للولادة والأطفال",
                "Samawah Maternity and Children Hospital",
            ),
        ],
        families: &[
            ("الزيادي", "al-Ziyadi"),
            ("الظالمي", "al-Dhalimi"),
            ("الحسناوي", "al-Hasnawi"),
            ("الجشعمي", "al-Jashaami"),
        ],
    },
    Place {
        governorate: "najaf",
        code: "NJF",
        population: 1600,
        kurdish: 0,
        districts: &[
            d(
                ("النجف", "Najaf"),
                &[
                    ("حي الأمير", "Hay al-Amir"),
                    ("حي الحنانة", "Hay al-Hannana"),
                    ("حي السعد", "Hay al-Saad"),
                    ("حي العدالة", "Hay al-Adala"),
                ],
            ),
            d(
                ("الكوفة", "Kufa"),
                &[("حي كندة", "Hay Kinda"), ("السهلة", "Al-Sahla")],
            ),
            d(
                ("المناذرة", "Al-Manathera"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("المشخاب", "Al-Mishkhab"),
                &[("حي الزهراء", "Hay al-Zahraa")],
            ),
        ],
        hospitals: &[
            (
                "مستشفى الزهراء التعليمي للولادة والأطفال",
                "Al-Zahraa Teaching Hospital for Maternity and Children",
            ),
            ("مستشفى الصدر التعليمي", "Al-Sadr Teaching Hospital"),
            ("مستشفى الحكيم العام", "Al-Hakeem General Hospital"),
        ],
        families: &[
            ("الفتلاوي", "al-Fatlawi"),
            ("الياسري", "al-Yasiri"),
            ("الحسيني", "al-Husseini"),
            ("الموسوي", "al-Musawi"),
            ("النجفي", "al-Najafi"),
        ],
    },
    Place {
        governorate: "nineveh",
        code: "NNV",
        population: 4300,
        kurdish: 8,
        districts: &[
            d(
                ("الموصل", "Mosul"),
                &[
                    ("الزهور", "Al-Zuhour"),
                    ("المجموعة الثقافية", "Al-Majmoua al-Thaqafiya"),
                    ("الدواسة", "Al-Dawasa"),
                    ("النبي يونس", "Al-Nabi Yunus"),
                    ("الموصل الجديدة", "Mosul al-Jadida"),
                ],
            ),
            d(
                ("تلعفر", "Tal Afar"),
                &[
                    ("حي القلعة", "Hay al-Qalaa"),
                    ("حي الشهداء", "Hay al-Shuhada"),
                ],
            ),
            d(
                ("الحمدانية", "Al-Hamdaniya"),
                &[("قره قوش", "Qaraqosh"), ("برطلة", "Bartella")],
            ),
            d(("سنجار", "Sinjar"), &[("مركز سنجار", "Sinjar Centre")]),
        ],
        hospitals: &[
            ("مستشفى البتول التعليمي", "Al-Batool Teaching Hospital"),
            ("مستشفى الخنساء التعليمي", "Al-Khansaa Teaching Hospital"),
            ("مستشفى السلام العام", "Al-Salam General Hospital"),
        ],
        families: &[
            ("الطائي", "al-Taie"),
            ("الحمداني", "al-Hamdani"),
            ("النعيمي", "al-Nuaimi"),
            ("العكيدي", "al-Ugaidi"),
            ("الجبوري", "al-Jubouri"),
            ("الشمري", "al-Shammari"),
            ("الموصلي", "al-Mawsili"),
            ("السبعاوي", "al-Sabawi"),
            ("اللهيبي", "al-Luhaibi"),
            ("الحيالي", "al-Hayali"),
        ],
    },
    Place {
        governorate: "qadisiyah",
        code: "QDS",
        population: 1400,
        kurdish: 0,
        districts: &[
            d(
                ("الديوانية", "Diwaniyah"),
                &[
                    ("حي العروبة", "Hay al-Uruba"),
                    ("حي الجزائر", "Hay al-Jazair"),
                    ("حي العسكري", "Hay al-Askari"),
                ],
            ),
            d(
                ("عفك", "Afak"),
                &[
                    ("حي الشهداء", "Hay al-Shuhada"),
                    ("حي المعلمين", "Hay al-Muallimin"),
                ],
            ),
            d(
                ("الشامية", "Al-Shamiya"),
                &[("حي الحسين", "Hay al-Hussein")],
            ),
            d(
                ("الحمزة", "Al-Hamza"),
                &[("حي الجمهورية", "Hay al-Jumhuriya")],
            ),
        ],
        hospitals: &[
            ("مستشفى الديوانية التعليمي", "Diwaniyah Teaching Hospital"),
            (
                "مستشفى الديوانية للنسائية والأطفال",
                "Diwaniyah Hospital for Women and Children",
            ),
        ],
        families: &[
            ("الخزاعي", "al-Khuzaie"),
            ("الجبوري", "al-Jubouri"),
            ("الفتلاوي", "al-Fatlawi"),
            ("الحاتمي", "al-Hatimi"),
            ("الشبلاوي", "al-Shiblawi"),
        ],
    },
    Place {
        governorate: "saladin",
        code: "SLD",
        population: 1700,
        kurdish: 3,
        districts: &[
            d(
                ("تكريت", "Tikrit"),
                &[
                    ("حي القادسية", "Hay al-Qadisiya"),
                    ("حي الأربعين", "Hay al-Arbain"),
                    ("حي الضباط", "Hay al-Dhubbat"),
                ],
            ),
            d(
                ("سامراء", "Samarra"),
                &[
                    ("حي العسكري", "Hay al-Askari"),
                    ("حي الملوية", "Hay al-Malwiya"),
                ],
            ),
            d(("بيجي", "Baiji"), &[("حي العصري", "Hay al-Asri")]),
            d(("بلد", "Balad"), &[("حي المعلمين", "Hay al-Muallimin")]),
        ],
        hospitals: &[
            ("مستشفى تكريت التعليمي", "Tikrit Teaching Hospital"),
            ("مستشفى سامراء العام", "Samarra General Hospital"),
            ("مستشفى بيجي العام", "Baiji General Hospital"),
        ],
        families: &[
            ("السامرائي", "al-Samarrai"),
            ("الجبوري", "al-Jubouri"),
            ("العبيدي", "al-Obaidi"),
            ("البدري", "al-Badri"),
            ("العزاوي", "al-Azzawi"),
            ("الجميلي", "al-Jumaili"),
        ],
    },
    Place {
        governorate: "sulaymaniyah",
        code: "SLY",
        population: 2200,
        kurdish: 97,
        districts: &[
            d(
                ("السليمانية", "Sulaymaniyah"),
                &[
                    ("سرجنار", "Sarchinar"),
                    ("بكرجو", "Bakrajo"),
                    ("رابرين", "Raparin"),
                    ("آزادي", "Azadi"),
                ],
            ),
            d(
                ("رانية", "Ranya"),
                &[
                    ("مركز رانية", "Ranya Centre"),
                    ("حي آزادي", "Azadi Quarter"),
                ],
            ),
            d(
                ("جمجمال", "Chamchamal"),
                &[("مركز جمجمال", "Chamchamal Centre")],
            ),
            d(("دوكان", "Dukan"), &[("دوكان", "Dukan")]),
        ],
        hospitals: &[
            (
                "مستشفى الولادة التعليمي في السليمانية",
                "Sulaymaniyah Maternity Teaching Hospital",
            ),
            ("مستشفى شار", "Shar Hospital"),
            (
                "مستشفى السليمانية التعليمي",
                "Sulaymaniyah Teaching Hospital",
            ),
        ],
        families: &[
            ("الجاف", "Jaff"),
            ("قرداغي", "Qaradaghi"),
            ("برزنجي", "Barzinji"),
            ("بابان", "Baban"),
            ("زنكنة", "Zangana"),
            ("هورامي", "Hawrami"),
        ],
    },
    Place {
        governorate: "wasit",
        code: "WST",
        population: 1500,
        kurdish: 0,
        districts: &[
            d(
                ("الكوت", "Kut"),
                &[
                    ("حي الكرامة", "Hay al-Karama"),
                    ("حي الحسين", "Hay al-Hussein"),
                    ("حي العسكري", "Hay al-Askari"),
                ],
            ),
            d(
                ("الصويرة", "Al-Suwaira"),
                &[("حي المعلمين", "Hay al-Muallimin")],
            ),
            d(("الحي", "Al-Hay"), &[("حي الشهداء", "Hay al-Shuhada")]),
            d(
                ("النعمانية", "Al-Numaniya"),
                &[("حي الزهراء", "Hay al-Zahraa")],
            ),
        ],
        hospitals: &[
            ("مستشفى الكرامة التعليمي", "Al-Karama Teaching Hospital"),
            (
                "مستشفى الزهراء التعليمي للولادة والأطفال",
                "Al-Zahraa Teaching Hospital for Maternity and Children",
            ),
        ],
        families: &[
            ("الزبيدي", "al-Zubaidi"),
            ("الربيعي", "al-Rubaie"),
            ("الكناني", "al-Kinani"),
            ("اللامي", "al-Lami"),
            ("الدراجي", "al-Darraji"),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use quickwin_blueprint::lists::GOVERNORATES;

    #[test]
    fn every_governorate_has_a_place_with_enough_to_draw_from() {
        assert_eq!(PLACES.len(), GOVERNORATES.len());
        for (place, gov) in PLACES.iter().zip(GOVERNORATES) {
            assert_eq!(place.governorate, gov.value);
            assert_eq!(place.code.len(), 3);
            assert!(place.districts.len() >= 2, "{}", place.governorate);
            let quarters: usize = place.districts.iter().map(|d| d.quarters.len()).sum();
            assert!(quarters >= 4, "{}", place.governorate);
            assert!(!place.hospitals.is_empty() && !place.families.is_empty());
        }
        let codes: std::collections::BTreeSet<_> = PLACES.iter().map(|p| p.code).collect();
        assert_eq!(codes.len(), PLACES.len());
    }
}
