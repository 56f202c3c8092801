//! Counts in words: a message with a count takes the form that the language's plural
//! category for that count asks for. The categories come from CLDR's plural rules, as
//! the `intl_pluralrules` crate implements them: Arabic has six (zero, one, two, few,
//! many, other), English two (one, other). The words of each form are written here by
//! people, in tables beside the other texts (see `docs/architecture.md`).

use std::sync::OnceLock;

use intl_pluralrules::operands::PluralOperands;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

/// A CLDR plural category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Arabic 0.
    Zero,
    /// 1 (Arabic and English).
    One,
    /// Arabic 2.
    Two,
    /// Arabic 3–10, 103–110, ….
    Few,
    /// Arabic 11–99, 111–199, ….
    Many,
    /// Everything else: English 0 and 2 on, Arabic 100–102, ….
    Other,
}

/// The plural category of the count `n` in `language`: Arabic rules for `ar`, English
/// rules for any other language (the interface's texts are English there).
pub fn category(language: &str, n: u64) -> Category {
    static RULES: OnceLock<(PluralRules, PluralRules)> = OnceLock::new();
    let (ar, en) = RULES.get_or_init(|| {
        let rules = |code: &str| {
            let id: LanguageIdentifier = code.parse().expect("a valid language identifier");
            PluralRules::create(id, PluralRuleType::CARDINAL)
                .expect("CLDR has cardinal rules for Arabic and English")
        };
        (rules("ar"), rules("en"))
    });
    let (rules, operands) = if language == "ar" {
        // CLDR's Arabic `few` is `n % 100 = 3..10` and `many` `n % 100 = 11..99`, but
        // intl_pluralrules 7.0.2 tests them on the integer digits `i` without the `% 100`
        // (so 103 came out `other`, not `few`). Giving it `i` already taken modulo 100
        // keeps its rule and makes it CLDR's; `zero`, `one` and `two` read `n`, which is
        // left whole. The test below checks CLDR's own sample numbers.
        let whole = PluralOperands::from(n);
        (
            ar,
            PluralOperands {
                i: n % 100,
                ..whole
            },
        )
    } else {
        (en, PluralOperands::from(n))
    };
    match rules.select(operands) {
        Ok(PluralCategory::ZERO) => Category::Zero,
        Ok(PluralCategory::ONE) => Category::One,
        Ok(PluralCategory::TWO) => Category::Two,
        Ok(PluralCategory::FEW) => Category::Few,
        Ok(PluralCategory::MANY) => Category::Many,
        Ok(PluralCategory::OTHER) | Err(_) => Category::Other,
    }
}

/// A message with a count, in English and Arabic; `{n}` in a form stands for the count.
#[derive(Debug, Clone, Copy)]
pub struct Counted {
    /// The English forms.
    pub en: English,
    /// The Arabic forms.
    pub ar: Arabic,
}

/// A message's English forms.
#[derive(Debug, Clone, Copy)]
pub struct English {
    /// For 1.
    pub one: &'static str,
    /// For 0 and 2 on.
    pub other: &'static str,
}

/// A message's Arabic forms: the noun after 3–10 is a plural, after 11–99 a singular in
/// the accusative, after 100 a singular in the genitive.
#[derive(Debug, Clone, Copy)]
pub struct Arabic {
    /// For 0.
    pub zero: &'static str,
    /// For 1.
    pub one: &'static str,
    /// For 2 (the dual).
    pub two: &'static str,
    /// For 3–10, 103–110, ….
    pub few: &'static str,
    /// For 11–99, 111–199, ….
    pub many: &'static str,
    /// For 100–102, 200–202, ….
    pub other: &'static str,
}

impl Counted {
    /// The form for `n` in `language` (English for any language but Arabic), before the
    /// count is written in.
    pub fn form(&self, language: &str, n: u64) -> &'static str {
        if language == "ar" {
            let a = &self.ar;
            match category("ar", n) {
                Category::Zero => a.zero,
                Category::One => a.one,
                Category::Two => a.two,
                Category::Few => a.few,
                Category::Many => a.many,
                Category::Other => a.other,
            }
        } else if category(language, n) == Category::One {
            self.en.one
        } else {
            self.en.other
        }
    }

    /// The message for `n` in `language`, the count in ASCII digits (as the API and the
    /// command line write numbers).
    pub fn text(&self, language: &str, n: u64) -> String {
        self.form(language, n).replace("{n}", &n.to_string())
    }

    /// The message for `n` in `language`, the count in the language's digits (Arabic-Indic
    /// in Arabic, as the pages write their numbers).
    pub fn local(&self, language: &str, n: u64) -> String {
        self.form(language, n)
            .replace("{n}", &local_digits(&n.to_string(), language))
    }
}

/// `text` with its digits written as `language` writes them: Arabic-Indic (`٠١٢…`) in
/// Arabic, unchanged otherwise.
pub fn local_digits(text: &str, language: &str) -> String {
    if language != "ar" {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            c.to_digit(10)
                .map_or(c, |d| char::from_u32(0x660 + d).unwrap_or(c))
        })
        .collect()
}

/// A duration in words, in its largest whole unit (as the blueprint writes it: `2h` →
/// `2 hours`, `ساعتين`), the count in ASCII digits. The Arabic forms are those after a
/// preposition (the genitive: `حتى ساعتين قبل`).
pub fn duration(minutes: u64, language: &str) -> String {
    const fn unit(one: &'static str, other: &'static str, ar: [&'static str; 5]) -> Counted {
        Counted {
            en: English { one, other },
            ar: Arabic {
                zero: ar[4],
                one: ar[0],
                two: ar[1],
                few: ar[2],
                many: ar[3],
                other: ar[4],
            },
        }
    }
    const WEEKS: Counted = unit(
        "{n} week",
        "{n} weeks",
        [
            "أسبوع واحد",
            "أسبوعين",
            "{n} أسابيع",
            "{n} أسبوعاً",
            "{n} أسبوع",
        ],
    );
    const DAYS: Counted = unit(
        "{n} day",
        "{n} days",
        ["يوم واحد", "يومين", "{n} أيام", "{n} يوماً", "{n} يوم"],
    );
    const HOURS: Counted = unit(
        "{n} hour",
        "{n} hours",
        ["ساعة واحدة", "ساعتين", "{n} ساعات", "{n} ساعةً", "{n} ساعة"],
    );
    const MINUTES: Counted = unit(
        "{n} minute",
        "{n} minutes",
        [
            "دقيقة واحدة",
            "دقيقتين",
            "{n} دقائق",
            "{n} دقيقةً",
            "{n} دقيقة",
        ],
    );
    let (n, words) = match minutes {
        0 => (0, &MINUTES),
        m if m % (60 * 24 * 7) == 0 => (m / (60 * 24 * 7), &WEEKS),
        m if m % (60 * 24) == 0 => (m / (60 * 24), &DAYS),
        m if m % 60 == 0 => (m / 60, &HOURS),
        m => (m, &MINUTES),
    };
    words.text(language, n)
}

/// `n` and an English noun, singular or plural: `1 error`, `2 errors`.
pub fn english(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", english_noun(n, singular, plural))
}

/// The English noun for `n` things: `singular` for 1, else `plural`.
pub fn english_noun<'a>(n: usize, singular: &'a str, plural: &'a str) -> &'a str {
    if category("en", n as u64) == Category::One {
        singular
    } else {
        plural
    }
}

/// Asserts that `c` reads `ar` for 0, 1, 2, 3, 10, 11, 99, 100, 101, 102 in Arabic and
/// `en` for 0, 1, 2 in English (the count in ASCII digits). For the tests of texts built
/// on [`Counted`], here and in the runtime.
#[track_caller]
pub fn assert_forms(c: &Counted, ar: [&str; 10], en: [&str; 3]) {
    let got: Vec<String> = [0, 1, 2, 3, 10, 11, 99, 100, 101, 102]
        .iter()
        .map(|n| c.text("ar", *n))
        .collect();
    assert_eq!(got, ar);
    let got: Vec<String> = [0, 1, 2].iter().map(|n| c.text("en", *n)).collect();
    assert_eq!(got, en);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_cldr() {
        use Category::*;
        // CLDR's samples for Arabic: few `3~10, 103~110, 1003`, many `11~26, 111, 1011`,
        // other `100~102, 200~202, 300~302, …, 1000`.
        let ar = [
            (0, Zero),
            (1, One),
            (2, Two),
            (3, Few),
            (10, Few),
            (11, Many),
            (26, Many),
            (99, Many),
            (100, Other),
            (101, Other),
            (102, Other),
            (103, Few),
            (110, Few),
            (111, Many),
            (199, Many),
            (200, Other),
            (202, Other),
            (1000, Other),
            (1003, Few),
            (1011, Many),
        ];
        for (n, want) in ar {
            assert_eq!(category("ar", n), want, "ar {n}");
        }
        for (n, want) in [(0, Other), (1, One), (2, Other), (21, Other)] {
            assert_eq!(category("en", n), want, "en {n}");
            assert_eq!(category("ku", n), want, "ku {n}");
        }
    }

    #[test]
    fn counts_are_written_in_the_language_digits() {
        let days = Counted {
            en: English {
                one: "{n} day",
                other: "{n} days",
            },
            ar: Arabic {
                zero: "z",
                one: "يوم واحد",
                two: "يومان",
                few: "{n} أيام",
                many: "{n} يوماً",
                other: "{n} يوم",
            },
        };
        assert_eq!(days.local("ar", 15), "١٥ يوماً");
        assert_eq!(days.text("ar", 15), "15 يوماً");
        assert_eq!(days.local("en", 15), "15 days");
        assert_eq!(days.local("ar", 2), "يومان");
        assert_eq!(english(1, "error", "errors"), "1 error");
        assert_eq!(english(0, "error", "errors"), "0 errors");
        assert_eq!(english(2, "error", "errors"), "2 errors");
    }

    #[test]
    fn durations_are_said_in_their_largest_unit() {
        let table = [
            (0, "0 minutes", "0 دقيقة"),
            (1, "1 minute", "دقيقة واحدة"),
            (30, "30 minutes", "30 دقيقةً"),
            (60, "1 hour", "ساعة واحدة"),
            (120, "2 hours", "ساعتين"),
            (180, "3 hours", "3 ساعات"),
            (600, "10 hours", "10 ساعات"),
            (24 * 60, "1 day", "يوم واحد"),
            (11 * 60, "11 hours", "11 ساعةً"),
            (2 * 1440, "2 days", "يومين"),
            (3 * 1440, "3 days", "3 أيام"),
            (7 * 1440, "1 week", "أسبوع واحد"),
            (14 * 1440, "2 weeks", "أسبوعين"),
            (21 * 1440, "3 weeks", "3 أسابيع"),
            (100 * 60, "100 hours", "100 ساعة"),
            (101 * 60, "101 hours", "101 ساعة"),
            (102 * 60, "102 hours", "102 ساعة"),
            (99 * 60, "99 hours", "99 ساعةً"),
        ];
        for (minutes, en, ar) in table {
            assert_eq!(duration(minutes, "en"), en, "{minutes}");
            assert_eq!(duration(minutes, "ar"), ar, "{minutes}");
        }
    }
}
