//! Given and family names common in Iraq, in Arabic script with their usual Latin
//! transliteration (the spelling found on Iraqi passports and in the press).
//!
//! A given name carries a generation: some names are mostly borne by older people
//! (Jabbar, Sattar, Badriya), others mostly by the young (Sajjad, Murtadha, Tabarak).

/// Borne by every generation.
pub(super) const ANY: u8 = 0;
/// Mostly borne by people born before the 1980s.
pub(super) const OLD: u8 = 1;
/// Mostly borne by people born since the 1990s.
pub(super) const YOUNG: u8 = 2;

/// A given name: Arabic, Latin and its generation ([`ANY`], [`OLD`] or [`YOUNG`]).
pub(super) type Given = (&'static str, &'static str, u8);

/// A family (tribal) name: Arabic and Latin.
pub(super) type Family = (&'static str, &'static str);

/// Arab male given names.
pub(super) const MALE_AR: &[Given] = &[
    ("محمد", "Mohammed", ANY),
    ("علي", "Ali", ANY),
    ("حسين", "Hussein", ANY),
    ("حسن", "Hassan", ANY),
    ("أحمد", "Ahmed", ANY),
    ("عباس", "Abbas", ANY),
    ("جعفر", "Jaafar", ANY),
    ("كاظم", "Kadhim", OLD),
    ("مصطفى", "Mustafa", ANY),
    ("عمر", "Omar", ANY),
    ("خالد", "Khalid", ANY),
    ("عبدالله", "Abdullah", ANY),
    ("إبراهيم", "Ibrahim", ANY),
    ("يوسف", "Yousif", ANY),
    ("محمود", "Mahmoud", ANY),
    ("سعد", "Saad", ANY),
    ("سعيد", "Saeed", OLD),
    ("حيدر", "Haider", ANY),
    ("مهدي", "Mahdi", ANY),
    ("رضا", "Ridha", ANY),
    ("قاسم", "Qasim", ANY),
    ("جاسم", "Jasim", OLD),
    ("كريم", "Karim", OLD),
    ("عادل", "Adil", OLD),
    ("فاضل", "Fadhil", OLD),
    ("ماجد", "Majid", ANY),
    ("صادق", "Sadiq", ANY),
    ("باقر", "Baqir", ANY),
    ("هادي", "Hadi", ANY),
    ("عبدالرحمن", "Abdulrahman", ANY),
    ("عبدالكريم", "Abdulkarim", OLD),
    ("عبدالأمير", "Abdulamir", OLD),
    ("عبدالحسين", "Abdulhussein", OLD),
    ("ناصر", "Nasir", OLD),
    ("منصور", "Mansour", OLD),
    ("رعد", "Raad", OLD),
    ("ثامر", "Thamir", OLD),
    ("نبيل", "Nabil", OLD),
    ("وليد", "Walid", ANY),
    ("فلاح", "Falah", OLD),
    ("صباح", "Sabah", OLD),
    ("جبار", "Jabbar", OLD),
    ("ستار", "Sattar", OLD),
    ("كامل", "Kamil", OLD),
    ("جميل", "Jamil", OLD),
    ("سلمان", "Salman", ANY),
    ("عدنان", "Adnan", OLD),
    ("طارق", "Tariq", ANY),
    ("زيد", "Zaid", ANY),
    ("مرتضى", "Murtadha", YOUNG),
    ("منتظر", "Muntadhar", YOUNG),
    ("سجاد", "Sajjad", YOUNG),
    ("أمير", "Amir", YOUNG),
    ("ياسر", "Yasir", ANY),
    ("حمزة", "Hamza", YOUNG),
    ("عثمان", "Othman", ANY),
    ("بكر", "Bakr", ANY),
    ("إسماعيل", "Ismail", ANY),
    ("ضياء", "Dhiaa", ANY),
    ("أكرم", "Akram", OLD),
    ("سامي", "Sami", OLD),
    ("هشام", "Hisham", ANY),
    ("لؤي", "Luay", ANY),
    ("مؤمل", "Muamal", YOUNG),
    ("علاء", "Alaa", ANY),
    ("نوري", "Nouri", OLD),
    ("شاكر", "Shakir", OLD),
    ("جواد", "Jawad", ANY),
    ("صالح", "Salih", OLD),
    ("غازي", "Ghazi", OLD),
    ("مهند", "Muhannad", ANY),
    ("أيمن", "Ayman", YOUNG),
    ("يونس", "Younis", OLD),
    ("أنس", "Anas", YOUNG),
    ("عبدالعزيز", "Abdulaziz", ANY),
    ("كرار", "Karrar", YOUNG),
    ("حسام", "Hussam", ANY),
    ("زين العابدين", "Zain al-Abidin", YOUNG),
];

/// Arab female given names.
pub(super) const FEMALE_AR: &[Given] = &[
    ("زينب", "Zainab", ANY),
    ("فاطمة", "Fatima", ANY),
    ("مريم", "Maryam", ANY),
    ("نور", "Noor", YOUNG),
    ("سارة", "Sara", ANY),
    ("هدى", "Huda", ANY),
    ("رقية", "Ruqaya", ANY),
    ("زهراء", "Zahraa", YOUNG),
    ("آيات", "Ayat", YOUNG),
    ("شيماء", "Shaimaa", ANY),
    ("إسراء", "Israa", ANY),
    ("آمنة", "Amina", ANY),
    ("خديجة", "Khadija", ANY),
    ("عائشة", "Aisha", ANY),
    ("سكينة", "Sakina", OLD),
    ("رباب", "Rabab", OLD),
    ("سعاد", "Suad", OLD),
    ("نادية", "Nadia", OLD),
    ("سناء", "Sanaa", OLD),
    ("ليلى", "Layla", ANY),
    ("هناء", "Hanaa", OLD),
    ("وفاء", "Wafaa", OLD),
    ("أمل", "Amal", ANY),
    ("إيمان", "Iman", ANY),
    ("رنا", "Rana", ANY),
    ("رشا", "Rasha", ANY),
    ("دعاء", "Duaa", YOUNG),
    ("غفران", "Ghufran", YOUNG),
    ("بتول", "Batool", ANY),
    ("حوراء", "Hawraa", YOUNG),
    ("أسماء", "Asmaa", ANY),
    ("سهى", "Suha", ANY),
    ("ابتسام", "Ibtisam", OLD),
    ("انتصار", "Intisar", OLD),
    ("بشرى", "Bushra", OLD),
    ("جنان", "Jinan", OLD),
    ("حنان", "Hanan", ANY),
    ("خلود", "Khulood", ANY),
    ("رحاب", "Rihab", ANY),
    ("سلمى", "Salma", ANY),
    ("شهد", "Shahad", YOUNG),
    ("ضحى", "Dhuha", YOUNG),
    ("عبير", "Abeer", ANY),
    ("فرح", "Farah", YOUNG),
    ("لمى", "Lama", YOUNG),
    ("مها", "Maha", ANY),
    ("منى", "Muna", OLD),
    ("نجلاء", "Najlaa", OLD),
    ("هالة", "Hala", ANY),
    ("ياسمين", "Yasmin", YOUNG),
    ("تبارك", "Tabarak", YOUNG),
    ("رؤى", "Ruaa", YOUNG),
    ("سجى", "Saja", YOUNG),
    ("غدير", "Ghadeer", YOUNG),
    ("مروة", "Marwa", ANY),
    ("نبأ", "Nabaa", YOUNG),
    ("أطياف", "Atyaf", YOUNG),
    ("رسل", "Rusul", YOUNG),
    ("ملاك", "Malak", YOUNG),
    ("بنين", "Baneen", YOUNG),
    ("حنين", "Haneen", YOUNG),
    ("هبة", "Hiba", ANY),
    ("صبا", "Saba", ANY),
    ("ندى", "Nada", ANY),
    ("كوثر", "Kawthar", ANY),
    ("وداد", "Widad", OLD),
    ("بدرية", "Badriya", OLD),
    ("نجاة", "Najat", OLD),
    ("خيرية", "Khairiya", OLD),
    ("حليمة", "Halima", OLD),
    ("جميلة", "Jamila", OLD),
    ("كريمة", "Karima", OLD),
];

/// Kurdish male given names, as written in Arabic script on Iraqi documents, with the
/// Islamic names common among Kurds too.
pub(super) const MALE_KU: &[Given] = &[
    ("هيوا", "Hiwa", ANY),
    ("كاروان", "Karwan", ANY),
    ("آزاد", "Azad", ANY),
    ("سوران", "Soran", ANY),
    ("دلشاد", "Dilshad", ANY),
    ("رزكار", "Rizgar", ANY),
    ("شوان", "Shwan", ANY),
    ("بختيار", "Bakhtiyar", OLD),
    ("هوشيار", "Hoshyar", OLD),
    ("سيروان", "Sirwan", ANY),
    ("ريباز", "Rebaz", ANY),
    ("آري", "Ari", YOUNG),
    ("دانا", "Dana", ANY),
    ("هيمن", "Hemin", ANY),
    ("زانا", "Zana", YOUNG),
    ("سامان", "Saman", ANY),
    ("كاوه", "Kawa", ANY),
    ("ريبوار", "Rebwar", ANY),
    ("نوزاد", "Nawzad", OLD),
    ("فرهاد", "Farhad", ANY),
    ("سردار", "Sardar", OLD),
    ("شيركو", "Sherko", ANY),
    ("هاوكار", "Hawkar", ANY),
    ("آكو", "Ako", YOUNG),
    ("بارزان", "Barzan", ANY),
    ("دلاور", "Dilawar", OLD),
    ("كارزان", "Karzan", YOUNG),
    ("آراس", "Aras", YOUNG),
    ("سالار", "Salar", ANY),
    ("نياز", "Niaz", ANY),
    ("لقمان", "Luqman", ANY),
    ("محمد", "Mohammed", ANY),
    ("أحمد", "Ahmed", ANY),
    ("عمر", "Omar", ANY),
    ("عثمان", "Osman", OLD),
    ("مصطفى", "Mustafa", ANY),
    ("عبدالله", "Abdulla", OLD),
    ("رسول", "Rasul", OLD),
    ("قادر", "Qadir", OLD),
    ("كمال", "Kamal", OLD),
    ("جلال", "Jalal", OLD),
    ("صالح", "Salih", OLD),
];

/// Kurdish female given names, as written in Arabic script, with the Islamic names
/// common among Kurds too.
pub(super) const FEMALE_KU: &[Given] = &[
    ("شيلان", "Shilan", ANY),
    ("نازناز", "Naznaz", ANY),
    ("شيرين", "Shirin", ANY),
    ("روناك", "Runak", ANY),
    ("هيرو", "Hero", ANY),
    ("آفين", "Avin", YOUNG),
    ("بهار", "Bahar", ANY),
    ("بريفان", "Berivan", ANY),
    ("ديلان", "Dilan", YOUNG),
    ("هانا", "Hana", YOUNG),
    ("لانا", "Lana", YOUNG),
    ("نسرين", "Nasrin", ANY),
    ("نازدار", "Nazdar", OLD),
    ("تارا", "Tara", YOUNG),
    ("سوزان", "Sozan", ANY),
    ("بناز", "Banaz", ANY),
    ("شادان", "Shadan", ANY),
    ("شنو", "Shno", YOUNG),
    ("آلا", "Ala", YOUNG),
    ("دلنيا", "Dilnya", YOUNG),
    ("كلستان", "Gulistan", OLD),
    ("بفرين", "Bafrin", ANY),
    ("سروة", "Sarwa", ANY),
    ("فاطمة", "Fatima", OLD),
    ("عائشة", "Aisha", OLD),
    ("خديجة", "Khadija", OLD),
    ("آمنة", "Amina", OLD),
    ("مريم", "Maryam", ANY),
    ("سارة", "Sara", YOUNG),
    ("ليلى", "Layla", ANY),
];

/// Arab family and tribal names found throughout Iraq.
pub(super) const FAMILY_AR: &[Family] = &[
    ("الجبوري", "al-Jubouri"),
    ("التميمي", "al-Tamimi"),
    ("الدليمي", "al-Dulaimi"),
    ("العبيدي", "al-Obaidi"),
    ("الساعدي", "al-Saadi"),
    ("البياتي", "al-Bayati"),
    ("الكعبي", "al-Kaabi"),
    ("الشمري", "al-Shammari"),
    ("الزبيدي", "al-Zubaidi"),
    ("الربيعي", "al-Rubaie"),
    ("الخفاجي", "al-Khafaji"),
    ("العزاوي", "al-Azzawi"),
    ("الجنابي", "al-Janabi"),
    ("الحسيني", "al-Husseini"),
    ("الموسوي", "al-Musawi"),
    ("الحلفي", "al-Halfi"),
    ("السوداني", "al-Sudani"),
    ("الكناني", "al-Kinani"),
    ("المالكي", "al-Maliki"),
    ("الأسدي", "al-Asadi"),
    ("الطائي", "al-Taie"),
    ("الحمداني", "al-Hamdani"),
    ("العاني", "al-Ani"),
    ("الراوي", "al-Rawi"),
    ("الكبيسي", "al-Kubaisi"),
    ("المحمداوي", "al-Mohammedawi"),
    ("الفتلاوي", "al-Fatlawi"),
    ("الياسري", "al-Yasiri"),
    ("الشويلي", "al-Shuwaili"),
    ("الخزرجي", "al-Khazraji"),
    ("العامري", "al-Amiri"),
    ("اللامي", "al-Lami"),
    ("الدراجي", "al-Darraji"),
    ("البدري", "al-Badri"),
    ("السامرائي", "al-Samarrai"),
    ("النعيمي", "al-Nuaimi"),
    ("الجميلي", "al-Jumaili"),
    ("الشيباني", "al-Shaibani"),
    ("الخزاعي", "al-Khuzaie"),
    ("البهادلي", "al-Bahadli"),
    ("الغريري", "al-Ghurairi"),
    ("العكيلي", "al-Ugaili"),
];

/// Kurdish family and tribal names.
pub(super) const FAMILY_KU: &[Family] = &[
    ("الجاف", "Jaff"),
    ("زنكنة", "Zangana"),
    ("هورامي", "Hawrami"),
    ("سورجي", "Surchi"),
    ("دزيي", "Dizayee"),
    ("شواني", "Shwani"),
    ("بابان", "Baban"),
    ("برزنجي", "Barzinji"),
    ("هركي", "Harki"),
    ("ميراني", "Mirani"),
    ("زيباري", "Zebari"),
    ("دوسكي", "Doski"),
    ("خوشناو", "Khoshnaw"),
    ("سندي", "Sindi"),
    ("قرداغي", "Qaradaghi"),
    ("برواري", "Berwari"),
    ("ميزوري", "Mizori"),
    ("كويي", "Koyi"),
    ("مفتي", "Mufti"),
    ("بالاني", "Balani"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn lists_are_long_enough_and_without_duplicates() {
        assert!(MALE_AR.len() >= 60 && FEMALE_AR.len() >= 60);
        assert!(FAMILY_AR.len() + FAMILY_KU.len() >= 40);
        for list in [MALE_AR, FEMALE_AR, MALE_KU, FEMALE_KU] {
            let ar: BTreeSet<_> = list.iter().map(|n| n.0).collect();
            let en: BTreeSet<_> = list.iter().map(|n| n.1).collect();
            assert_eq!(ar.len(), list.len());
            assert_eq!(en.len(), list.len());
            // Every generation can be named from every list.
            for era in [OLD, YOUNG] {
                assert!(list.iter().filter(|n| n.2 != era).count() >= 20);
            }
        }
        for list in [FAMILY_AR, FAMILY_KU] {
            let ar: BTreeSet<_> = list.iter().map(|n| n.0).collect();
            assert_eq!(ar.len(), list.len());
        }
    }
}
