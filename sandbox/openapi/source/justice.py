"""MOJ/real-estate-registry: registered properties and their owners."""

from collections import OrderedDict

from common import *  # noqa: F401,F403

OWNER_EXAMPLE_ID = "199012345678"
I64_MAX = 9223372036854775807


def property_schema():
    owner = obj(
        "The registered owner (المالك).",
        OrderedDict(
            [
                ("national_id", {**national_id_schema(), "description": "The owner's national ID."}),
                ("full_name", {"type": ["string", "null"], "description": "The owner's four-part name in Arabic script, from the civil registry; null when the registry does not know the owner.", "examples": ["أحمد علي حسين الجبوري"]}),
                ("full_name_latin", {"type": ["string", "null"], "description": "The owner's four-part name in Latin script; null when the registry does not know the owner.", "examples": ["Ahmed Ali Hussein Al-Jubouri"]}),
            ]
        ),
    )
    return obj(
        "A registered property (عقار): in the sandbox, the home of a household of the civil registry, registered to the head of the household.",
        OrderedDict(
            [
                ("governorate", ref("Governorate")),
                ("muqataa", integer("The muqataa (المقاطعة), the cadastral district of the governorate the property lies in, numbered from 1.", minimum=1, examples=[57])),
                ("plot", integer("The plot (القطعة) in the muqataa, numbered from 1.", minimum=1, maximum=9999, examples=[412])),
                ("owner", owner),
                ("property_type", ref("PropertyType")),
                ("area_m2", integer("The plot's area (المساحة), in m².", minimum=150, maximum=599, examples=[250])),
                ("address", string("The property's address, in Arabic script.", examples=["الكرادة، محلة 903، زقاق 12، دار 7"])),
                ("address_latin", string("The property's address, in Latin script.", examples=["Karrada, Mahalla 903, Zuqaq 12, House 7"])),
            ]
        ),
    )


def properties():
    property_type = {
        "type": "string",
        "description": "The kind of property: `residential` (سكني) or `commercial` (تجاري), as on the water account of the owner (see `IQ/GOV/MMPW/water/accounts`); `residential` when the owner has none.",
        "enum": ["residential", "commercial"],
    }
    schemas = OrderedDict(
        [
            ("Governorate", governorate_schema()),
            ("PropertyType", property_type),
            ("Property", property_schema()),
            ("PropertyList", obj("The properties registered to an owner, sorted by governorate, muqataa and plot.", OrderedDict([("items", {"type": "array", "items": ref("Property")})]))),
            (
                "MuqataaProperties",
                obj(
                    "The properties of one muqataa, sorted by plot (all of them: the list is not paged).",
                    OrderedDict(
                        [
                            ("governorate", ref("Governorate")),
                            ("muqataa", integer("The muqataa, as asked for.", minimum=1, examples=[57])),
                            ("items", {"type": "array", "items": ref("Property")}),
                        ]
                    ),
                ),
            ),
        ]
    )
    bad_governorate = ("bad_governorate", "Not a governorate", "`Baghdad` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`")
    bad_muqataa = ("bad_muqataa", "Not a muqataa number", "`muqataa` must be a whole number from 1, found `0`")
    paths = OrderedDict(
        [
            (
                "/properties",
                {
                    "get": op(
                        "listOwnedProperties",
                        "List the properties registered to an owner",
                        "العقارات المسجلة باسم المالك — every property registered to the person with this national ID, sorted by governorate, muqataa and plot. An ID that owns nothing gives an empty list.",
                        {
                            "200": json_response("The owner's properties (maybe none).", ref("PropertyList")),
                            "422": invalid("`owner_national_id` is missing.", ("missing", "No owner's national ID", "`owner_national_id` is required")),
                            "500": internal_ref(),
                        },
                        parameters=[
                            query_param("owner_national_id", "The owner's national ID (12 digits; the form is not checked).", {"type": "string", "examples": [OWNER_EXAMPLE_ID]}, required=True),
                        ],
                    )
                },
            ),
            (
                "/properties/{governorate}/{muqataa}",
                {
                    "get": op(
                        "listMuqataaProperties",
                        "List the properties of a muqataa",
                        "عقارات المقاطعة — every registered property in this muqataa (cadastral district) of this governorate, sorted by plot. A muqataa with no registered property gives an empty list, not 404.",
                        {
                            "200": json_response("The muqataa's properties (maybe none).", ref("MuqataaProperties")),
                            "422": invalid(
                                "The governorate is not one of Iraq's or the muqataa is not a whole number from 1; `detail` names every problem.",
                                bad_governorate,
                                bad_muqataa,
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[{"$ref": "#/components/parameters/Governorate"}, {"$ref": "#/components/parameters/Muqataa"}],
                    )
                },
            ),
            (
                "/properties/{governorate}/{muqataa}/{plot}",
                {
                    "get": op(
                        "getProperty",
                        "Get a property by governorate, muqataa and plot",
                        "بيانات العقار — the property registered at this plot of this muqataa of this governorate: its owner (with the name from the civil registry), kind, area and address.",
                        {
                            "200": json_response("The property.", ref("Property")),
                            "404": json_response(
                                "No property is registered at this governorate, muqataa and plot; `detail` names all three.",
                                ref("Error"),
                                error_examples(("unknown_property", "No property at this plot", "Agency.NotFound", "no property is registered at this place", "governorate `baghdad`, muqataa `12`, plot `345`")),
                            ),
                            "422": invalid(
                                "The governorate is not one of Iraq's, or the muqataa or the plot is not a whole number from 1; `detail` names every problem.",
                                bad_governorate,
                                bad_muqataa,
                                ("all_bad", "Nothing valid", "`mars` is not a governorate; expected one of `anbar`, `babil`, `baghdad`, … or `wasit`; `muqataa` must be a whole number from 1, found `0`; `plot` must be a whole number from 1, found `x`"),
                            ),
                            "500": internal_ref(),
                        },
                        parameters=[
                            {"$ref": "#/components/parameters/Governorate"},
                            {"$ref": "#/components/parameters/Muqataa"},
                            path_param("plot", "The plot number in the muqataa, a whole number from 1.", {"type": "integer", "minimum": 1, "maximum": I64_MAX, "examples": [412]}),
                        ],
                    )
                },
            ),
        ]
    )
    parameters = OrderedDict(
        [
            ("Governorate", path_param("governorate", "The governorate, by its value in quickwin's list (e.g. `baghdad`); any other gives 422.", ref("Governorate"))),
            ("Muqataa", path_param("muqataa", "The muqataa (cadastral district) number, a whole number from 1.", {"type": "integer", "minimum": 1, "maximum": I64_MAX, "examples": [57]})),
        ]
    )
    return document(
        "MOJ", "real-estate-registry", "properties", "Real-estate registry", "التسجيل العقاري",
        "The real-estate registry (التسجيل العقاري): the properties registered in each governorate by muqataa "
        "(المقاطعة, cadastral district) and plot (القطعة), with their owners, kind, area and address, looked up "
        "by plot, by muqataa or by owner. In the sandbox every household of the civil registry has its home "
        "registered to the head of the household.",
        ("GET", "/properties/baghdad/57/412"),
        paths, schemas, parameters,
    )
