//! Reference lists every blueprint can use without declaring them.

/// One built-in choice: its stored value and its label in English and Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinChoice {
    /// The value stored.
    pub value: &'static str,
    /// The English label.
    pub en: &'static str,
    /// The Arabic label.
    pub ar: &'static str,
}

/// The governorates of Iraq, including the Kurdistan Region's and Halabja (recognised as
/// a governorate in 2025).
pub const GOVERNORATES: &[BuiltinChoice] = &[
    BuiltinChoice {
        value: "anbar",
        en: "Anbar",
        ar: "الأنبار",
    },
    BuiltinChoice {
        value: "babil",
        en: "Babil",
        ar: "بابل",
    },
    BuiltinChoice {
        value: "baghdad",
        en: "Baghdad",
        ar: "بغداد",
    },
    BuiltinChoice {
        value: "basra",
        en: "Basra",
        ar: "البصرة",
    },
    BuiltinChoice {
        value: "dhi_qar",
        en: "Dhi Qar",
        ar: "ذي قار",
    },
    BuiltinChoice {
        value: "diyala",
        en: "Diyala",
        ar: "ديالى",
    },
    BuiltinChoice {
        value: "duhok",
        en: "Duhok",
        ar: "دهوك",
    },
    BuiltinChoice {
        value: "erbil",
        en: "Erbil",
        ar: "أربيل",
    },
    BuiltinChoice {
        value: "halabja",
        en: "Halabja",
        ar: "حلبجة",
    },
    BuiltinChoice {
        value: "karbala",
        en: "Karbala",
        ar: "كربلاء",
    },
    BuiltinChoice {
        value: "kirkuk",
        en: "Kirkuk",
        ar: "كركوك",
    },
    BuiltinChoice {
        value: "maysan",
        en: "Maysan",
        ar: "ميسان",
    },
    BuiltinChoice {
        value: "muthanna",
        en: "Muthanna",
        ar: "المثنى",
    },
    BuiltinChoice {
        value: "najaf",
        en: "Najaf",
        ar: "النجف",
    },
    BuiltinChoice {
        value: "nineveh",
        en: "Nineveh",
        ar: "نينوى",
    },
    BuiltinChoice {
        value: "qadisiyah",
        en: "Al-Qadisiyah",
        ar: "القادسية",
    },
    BuiltinChoice {
        value: "saladin",
        en: "Saladin",
        ar: "صلاح الدين",
    },
    BuiltinChoice {
        value: "sulaymaniyah",
        en: "Sulaymaniyah",
        ar: "السليمانية",
    },
    BuiltinChoice {
        value: "wasit",
        en: "Wasit",
        ar: "واسط",
    },
];

/// Sex as recorded by the civil registry.
pub const SEX: &[BuiltinChoice] = &[
    BuiltinChoice {
        value: "female",
        en: "Female",
        ar: "أنثى",
    },
    BuiltinChoice {
        value: "male",
        en: "Male",
        ar: "ذكر",
    },
];

/// The built-in lists by id.
pub const BUILTIN_LISTS: &[(&str, &[BuiltinChoice])] =
    &[("governorates", GOVERNORATES), ("sex", SEX)];

/// The built-in list with this id.
pub fn builtin(id: &str) -> Option<&'static [BuiltinChoice]> {
    BUILTIN_LISTS
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, list)| *list)
}
