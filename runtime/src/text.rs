//! The pages' own words (not the blueprint's), in English and Arabic.

use quickwin_blueprint::plural::{Arabic, Counted, English};

/// `(key, English, Arabic)`.
const TEXTS: &[(&str, &str, &str)] = &[
    ("start", "Start now", "ابدأ الآن"),
    ("track", "Track an application", "متابعة طلب"),
    (
        "who",
        "Who can use this service",
        "من يمكنه استخدام هذه الخدمة",
    ),
    ("need", "What you need", "ما تحتاج إليه"),
    ("fee", "Fee", "الرسوم"),
    ("time", "Processing time", "مدة الإنجاز"),
    ("days", "days at most", "يوماً على الأكثر"),
    ("continue", "Continue", "متابعة"),
    ("back", "Back", "رجوع"),
    ("errors", "There is a problem", "هناك مشكلة"),
    (
        "check",
        "Check your answers before sending your application",
        "راجع إجاباتك قبل إرسال طلبك",
    ),
    ("change", "Change", "تغيير"),
    ("send", "Send application", "إرسال الطلب"),
    ("sent", "Application sent", "تم إرسال الطلب"),
    ("tracking", "Your tracking number", "رقم المتابعة الخاص بك"),
    ("code", "Your access code", "رمز الدخول الخاص بك"),
    (
        "keep",
        "Keep both: you need them to follow your application. We do not show the access code again.",
        "احتفظ بالرقمين: تحتاج إليهما لمتابعة طلبك. لن نعرض رمز الدخول مرة أخرى.",
    ),
    ("see", "See your application", "عرض طلبك"),
    ("status", "Status of your application", "حالة طلبك"),
    ("next", "What happens next", "ما الخطوة التالية"),
    ("history", "History", "السجل"),
    ("due", "Decision expected by", "موعد القرار المتوقع"),
    ("find", "Find your application", "ابحث عن طلبك"),
    (
        "notfound",
        "No application has this tracking number and access code. Check both and try again.",
        "لا يوجد طلب بهذا الرقم ورمز الدخول. تحقق منهما وحاول مرة أخرى.",
    ),
    ("yes", "Yes", "نعم"),
    ("no", "No", "لا"),
    ("optional", "optional", "اختياري"),
    ("add", "Add another", "إضافة آخر"),
    ("remove", "Remove", "حذف"),
    ("entry", "Entry", "إدخال"),
    ("choose", "Choose…", "اختر…"),
    ("none", "Not given", "لم يُذكر"),
    (
        "expired",
        "Your form has expired or was sent already. Start again.",
        "انتهت صلاحية النموذج أو أُرسل سابقاً. ابدأ من جديد.",
    ),
    (
        "too_many",
        "Too many attempts from here. Please wait a few minutes and try again.",
        "محاولات كثيرة جداً من هنا. يرجى الانتظار بضع دقائق ثم المحاولة مرة أخرى.",
    ),
    (
        "too_large",
        "Your answers are too long to keep. Shorten them and try again.",
        "إجاباتك أطول من أن تُحفظ. اختصرها وحاول مرة أخرى.",
    ),
    (
        "refused",
        "The form could not be checked. Reload the page and try again.",
        "تعذّر التحقق من النموذج. أعد تحميل الصفحة وحاول مرة أخرى.",
    ),
    (
        "no_action",
        "The form did not say which action to take. Open your application with its tracking number and access code, and use one of the buttons on its page.",
        "لم يحدد النموذج الإجراء المطلوب. افتح طلبك برقم المتابعة ورمز الدخول، واستخدم أحد الأزرار في صفحته.",
    ),
    (
        "unknown_action",
        "This service has no such action. Open your application with its tracking number and access code, and use one of the buttons on its page.",
        "لا يوجد هذا الإجراء في هذه الخدمة. افتح طلبك برقم المتابعة ورمز الدخول، واستخدم أحد الأزرار في صفحته.",
    ),
    ("language", "Language", "اللغة"),
    ("fees", "Fees", "الرسوم"),
    ("pay", "Pay", "ادفع"),
    ("card", "Card number", "رقم البطاقة"),
    ("paid", "Paid", "مدفوع"),
    ("receipt", "Paid. Receipt number:", "تم الدفع. رقم الإيصال:"),
    ("documents", "Your documents", "وثائقك"),
    ("open", "Open", "فتح"),
    ("number_label", "Number", "الرقم"),
    ("vcode", "Verification code", "رمز التحقق"),
    ("verify", "Check a document", "التحقق من وثيقة"),
    (
        "verify_at",
        "Anyone can check this document at",
        "يمكن لأي شخص التحقق من هذه الوثيقة على",
    ),
    (
        "valid",
        "This document is genuine and valid.",
        "هذه الوثيقة صحيحة وسارية.",
    ),
    (
        "expired_doc",
        "This document was issued by the service but is no longer valid.",
        "صدرت هذه الوثيقة عن الخدمة لكنها لم تعد سارية.",
    ),
    (
        "unknown_doc",
        "No document has this verification code.",
        "لا توجد وثيقة بهذا الرمز.",
    ),
    ("issued", "Issued on", "تاريخ الإصدار"),
    ("by_agency", "Issued by", "جهة الإصدار"),
    (
        "skip",
        "Skip to the main content",
        "انتقل إلى المحتوى الرئيسي",
    ),
    (
        "attached",
        "A file is attached. Choose another to replace it.",
        "تم إرفاق ملف. اختر ملفاً آخر لاستبداله.",
    ),
    ("place", "Place", "المكان"),
    ("day", "Day", "اليوم"),
    ("show_times", "Show free times", "عرض الأوقات المتاحة"),
    ("free_times", "Free times", "الأوقات المتاحة"),
    (
        "no_times",
        "No free time on this day at this place. Choose another day or place.",
        "لا توجد أوقات متاحة في هذا اليوم في هذا المكان. اختر يوماً أو مكاناً آخر.",
    ),
    (
        "fee_computed",
        "calculated from your answers; you see the amount before you send the application",
        "يُحسب من إجاباتك، وترى المبلغ قبل إرسال الطلب",
    ),
    ("fee_fixed", "a fixed charge of", "مبلغ ثابت قدره"),
    ("fee_each", "for each unit of", "عن كل وحدة من"),
    ("fee_from", "from", "من"),
    ("fee_to", "to", "إلى"),
    ("fee_above", "above", "فوق"),
    (
        "fee_later",
        "You pay when the office asks for it; your application's page shows how.",
        "تدفع عندما تطلب الجهة ذلك، وتبيّن صفحة طلبك طريقة الدفع.",
    ),
    ("valid_until", "Valid until", "صالحة حتى"),
    ("tracking_number", "Tracking number", "رقم المتابعة"),
    ("state_now", "Status", "الحالة"),
];

/// The back office's words: `(key, English, Arabic)`.
const OFFICE: &[(&str, &str, &str)] = &[
    ("office", "Back office", "المكتب الخلفي"),
    ("sign_in", "Sign in", "تسجيل الدخول"),
    ("sign_out", "Sign out", "تسجيل الخروج"),
    ("name", "Name", "اسم المستخدم"),
    ("password", "Password", "كلمة المرور"),
    (
        "bad",
        "The name or the password is wrong.",
        "اسم المستخدم أو كلمة المرور غير صحيحة.",
    ),
    ("queue", "Queue", "قائمة العمل"),
    ("case", "Case", "الطلب"),
    ("state", "Status", "الحالة"),
    ("age", "Days since submission", "الأيام منذ التقديم"),
    ("late", "past the processing time", "تجاوز مدة الإنجاز"),
    (
        "empty",
        "No case waits for this role.",
        "لا توجد طلبات بانتظار هذا الدور.",
    ),
    ("figures", "Figures", "أرقام"),
    ("decided", "Decided cases", "الطلبات المنجزة"),
    (
        "median",
        "Median days to a decision",
        "الوسيط بالأيام حتى القرار",
    ),
    (
        "within",
        "Decided within the processing time",
        "أُنجزت ضمن مدة الإنجاز",
    ),
    ("answers", "Answers", "الإجابات"),
    (
        "calls",
        "Checks with other agencies",
        "التحقق لدى الجهات الأخرى",
    ),
    ("documents", "Documents", "الوثائق"),
    ("fees", "Fees", "الرسوم"),
    ("files", "Attached files", "الملفات المرفقة"),
    ("actions", "What you can do", "الإجراءات المتاحة لك"),
    (
        "none",
        "No action is open to you in this state.",
        "لا يوجد إجراء متاح لك في هذه الحالة.",
    ),
    ("by", "by", "بواسطة"),
    ("ok", "answered", "أجاب"),
    (
        "retrying",
        "no answer yet; tried again later",
        "لم يُجب بعد؛ ستُعاد المحاولة",
    ),
    ("failed", "failed", "فشل"),
    ("submitted", "Application sent", "تقديم الطلب"),
    ("corrected", "Answers corrected", "الإجابات المصححة"),
    ("language", "Language of the application", "لغة الطلب"),
    ("fee", "Fee", "الرسم"),
    ("receipt", "Receipt", "الإيصال"),
    ("payment", "Payment reference", "مرجع الدفع"),
    ("search", "Search", "بحث"),
    (
        "search_hint",
        "A tracking number or a word in the columns",
        "رقم متابعة أو كلمة من الأعمدة",
    ),
    ("all_states", "Any status", "كل الحالات"),
    ("order", "Order", "اتجاه الترتيب"),
    ("sort", "Sort by", "ترتيب حسب"),
    ("ascending", "Ascending", "تصاعدي"),
    ("descending", "Descending", "تنازلي"),
    ("show", "Show", "عرض"),
    ("no_match", "No case matches.", "لا يوجد طلب مطابق."),
];

/// The back office's words in `language`.
pub fn office(language: &str) -> std::collections::BTreeMap<&'static str, &'static str> {
    OFFICE
        .iter()
        .map(|(k, en, ar)| (*k, if language == "ar" { *ar } else { *en }))
        .collect()
}

/// The page texts in `language` (English where it has none), as a map for templates.
pub fn texts(language: &str) -> std::collections::BTreeMap<&'static str, &'static str> {
    TEXTS
        .iter()
        .map(|(k, en, ar)| (*k, if language == "ar" { *ar } else { *en }))
        .collect()
}

/// The pages' words that go with a count, by key: each form is chosen by the count's
/// plural category (see [`quickwin_blueprint::plural`]); templates write them with the `counted`
/// filter, `{{ n | counted(text="days", lang=lang) }}`. Days are calendar days, as `d` is
/// in the blueprint language.
const COUNTED: &[(&str, Counted)] = &[(
    "days",
    Counted {
        en: English {
            one: "{n} day at most",
            other: "{n} days at most",
        },
        ar: Arabic {
            zero: "في اليوم نفسه",
            one: "يوم واحد على الأكثر",
            two: "يومان على الأكثر",
            few: "{n} أيام على الأكثر",
            many: "{n} يوماً على الأكثر",
            other: "{n} يوم على الأكثر",
        },
    },
)];

/// The counted text `key`, if the pages have one.
pub fn counted(key: &str) -> Option<&'static Counted> {
    COUNTED.iter().find(|(k, _)| *k == key).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counted_texts_follow_the_plural_forms() {
        quickwin_blueprint::plural::assert_forms(
            super::counted("days").unwrap(),
            [
                "في اليوم نفسه",
                "يوم واحد على الأكثر",
                "يومان على الأكثر",
                "3 أيام على الأكثر",
                "10 أيام على الأكثر",
                "11 يوماً على الأكثر",
                "99 يوماً على الأكثر",
                "100 يوم على الأكثر",
                "101 يوم على الأكثر",
                "102 يوم على الأكثر",
            ],
            ["0 days at most", "1 day at most", "2 days at most"],
        );
        assert_eq!(
            super::counted("days").unwrap().local("ar", 15),
            "١٥ يوماً على الأكثر"
        );
    }

    #[test]
    fn every_text_has_both_languages() {
        for (key, en, ar) in super::TEXTS.iter().chain(super::OFFICE) {
            assert!(!en.is_empty() && !ar.is_empty(), "{key}");
            assert!(
                ar.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c)),
                "{key}"
            );
        }
    }
}
