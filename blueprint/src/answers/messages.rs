//! The words of the problems with answers, in English and Arabic: plain messages, and
//! messages with a count whose form follows each language's plural rules.

use crate::plural::{Arabic, Counted, English};

/// Message templates: (code, English, Arabic); `{label}` and `{v}` are filled in.
pub(super) const MESSAGES: &[(&str, &str, &str)] = &[
    ("required", "“{label}” is required", "حقل «{label}» مطلوب"),
    (
        "unknown_field",
        "“{label}” is not a question of this form",
        "«{label}» ليس من أسئلة هذا النموذج",
    ),
    (
        "filled_by_office",
        "“{label}” is filled in by the office",
        "يملأ الموظف المختص حقل «{label}»",
    ),
    (
        "not_text",
        "“{label}” must be text",
        "يجب أن يكون «{label}» نصاً",
    ),
    (
        "not_a_number",
        "“{label}” must be a number",
        "يجب أن يكون «{label}» رقماً",
    ),
    (
        "too_small",
        "“{label}” must be at least {v}",
        "يجب ألا يقل «{label}» عن {v}",
    ),
    (
        "too_large",
        "“{label}” must be at most {v}",
        "يجب ألا يزيد «{label}» عن {v}",
    ),
    (
        "not_a_date",
        "“{label}” must be a date like 2026-03-31",
        "يجب أن يكون «{label}» تاريخاً بصيغة 2026-03-31",
    ),
    (
        "too_early",
        "“{label}” must be on or after {v}",
        "يجب أن يكون «{label}» في {v} أو بعده",
    ),
    (
        "too_late",
        "“{label}” must be on or before {v}",
        "يجب أن يكون «{label}» في {v} أو قبله",
    ),
    (
        "not_a_time",
        "“{label}” must be a time like 14:30",
        "يجب أن يكون «{label}» وقتاً بصيغة 14:30",
    ),
    (
        "not_a_datetime",
        "“{label}” must be a date and time like 2026-03-31T14:30",
        "يجب أن يكون «{label}» تاريخاً ووقتاً بصيغة 2026-03-31T14:30",
    ),
    (
        "not_an_appointment",
        "“{label}” must be a free slot, written like {v}",
        "يجب أن يكون «{label}» موعداً متاحاً مكتوباً بصيغة {v}",
    ),
    (
        "not_a_slot",
        "“{label}”: {v} is not a slot that can be booked; choose a free time from the list of slots",
        "«{label}»: {v} ليس موعداً يمكن حجزه؛ اختر وقتاً متاحاً من قائمة المواعيد",
    ),
    (
        "slot_full",
        "“{label}”: {v} is fully booked; choose another time",
        "«{label}»: الموعد {v} محجوز بالكامل؛ اختر وقتاً آخر",
    ),
    (
        "bad_file",
        "“{label}” must be a PDF, JPEG or PNG file; {v} is not",
        "يجب أن يكون «{label}» ملف PDF أو JPEG أو PNG، والملف {v} ليس كذلك",
    ),
    (
        "not_an_upload",
        "“{label}” must be the id of a file uploaded to this service, like att_…",
        "يجب أن يكون «{label}» معرّف ملف مرفوع إلى هذه الخدمة، مثل att_…",
    ),
    (
        "not_yes_no",
        "“{label}” must be yes or no",
        "يجب أن تكون الإجابة عن «{label}» نعم أو لا",
    ),
    (
        "not_a_choice",
        "Choose one of the options for “{label}”",
        "اختر أحد الخيارات المتاحة في «{label}»",
    ),
    (
        "pattern",
        "“{label}” is not in the right format",
        "صيغة «{label}» غير صحيحة",
    ),
    (
        "not_a_national_id",
        "“{label}” must be 12 digits",
        "يجب أن يتكون «{label}» من 12 رقماً",
    ),
    (
        "not_a_phone",
        "“{label}” must be a mobile number like 07701234567",
        "يجب أن يكون «{label}» رقم هاتف محمول مثل 07701234567",
    ),
    (
        "not_an_email",
        "“{label}” must be an e-mail address like name@example.iq",
        "يجب أن يكون «{label}» عنوان بريد إلكتروني مثل name@example.iq",
    ),
    (
        "not_a_list",
        "“{label}” must be a list of entries",
        "يجب أن يكون «{label}» قائمة من الإدخالات",
    ),
];

/// Messages with a count `{n}` (a length or a number of entries) and `{label}`: the
/// form follows the language's plural rules.
pub(super) const COUNTED: &[(&str, Counted)] = &[
    (
        "too_short",
        Counted {
            en: English {
                one: "“{label}” must be at least {n} character",
                other: "“{label}” must be at least {n} characters",
            },
            ar: Arabic {
                zero: "يجب ألا يقل «{label}» عن {n} حرف",
                one: "يجب ألا يقل «{label}» عن حرف واحد",
                two: "يجب ألا يقل «{label}» عن حرفين",
                few: "يجب ألا يقل «{label}» عن {n} أحرف",
                many: "يجب ألا يقل «{label}» عن {n} حرفاً",
                other: "يجب ألا يقل «{label}» عن {n} حرف",
            },
        },
    ),
    (
        "too_long",
        Counted {
            en: English {
                one: "“{label}” must be at most {n} character",
                other: "“{label}” must be at most {n} characters",
            },
            ar: Arabic {
                zero: "يجب أن يبقى «{label}» فارغاً",
                one: "يجب ألا يزيد «{label}» عن حرف واحد",
                two: "يجب ألا يزيد «{label}» عن حرفين",
                few: "يجب ألا يزيد «{label}» عن {n} أحرف",
                many: "يجب ألا يزيد «{label}» عن {n} حرفاً",
                other: "يجب ألا يزيد «{label}» عن {n} حرف",
            },
        },
    ),
    (
        "too_few",
        Counted {
            en: English {
                one: "“{label}” needs at least {n} entry",
                other: "“{label}” needs at least {n} entries",
            },
            ar: Arabic {
                zero: "يجب أن يحتوي «{label}» على {n} إدخال على الأقل",
                one: "يجب أن يحتوي «{label}» على إدخال واحد على الأقل",
                two: "يجب أن يحتوي «{label}» على إدخالين على الأقل",
                few: "يجب أن يحتوي «{label}» على {n} إدخالات على الأقل",
                many: "يجب أن يحتوي «{label}» على {n} إدخالاً على الأقل",
                other: "يجب أن يحتوي «{label}» على {n} إدخال على الأقل",
            },
        },
    ),
    (
        "too_many",
        Counted {
            en: English {
                one: "“{label}” takes at most {n} entry",
                other: "“{label}” takes at most {n} entries",
            },
            ar: Arabic {
                zero: "يجب ألا يحتوي «{label}» على أي إدخال",
                one: "يجب ألا يحتوي «{label}» على أكثر من إدخال واحد",
                two: "يجب ألا يحتوي «{label}» على أكثر من إدخالين",
                few: "يجب ألا يحتوي «{label}» على أكثر من {n} إدخالات",
                many: "يجب ألا يحتوي «{label}» على أكثر من {n} إدخالاً",
                other: "يجب ألا يحتوي «{label}» على أكثر من {n} إدخال",
            },
        },
    ),
];
