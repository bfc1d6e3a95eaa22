"""An affiliation string split into organisation, street, city, region, postal code and country, as written.

"Department of Breast Surgery, Henan Provincial People's Hospital, Zhengzhou, Henan 450003, China"
-> name "Department of Breast Surgery, Henan Provincial People's Hospital", locality "Zhengzhou",
   region "Henan", postal code "450003", country "China". Nothing is translated or completed: the
parts keep the wording of the source, so the split can be checked against it.
"""

from __future__ import annotations

import re

from retractkg.ingest.model import Organization

# Country names as affiliations write them (English short names, common variants).
COUNTRIES = frozenset(c.lower() for c in """
Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|Bahrain|
Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei|
Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|
P.R. China|PR China|P. R. China|People's Republic of China|People’s Republic of China|Colombia|Comoros|Congo|
Costa Rica|Côte d'Ivoire|Ivory Coast|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Djibouti|Dominica|
Dominican Republic|Ecuador|Egypt|El Salvador|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|
Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|Hong Kong|Hong Kong SAR|Hungary|
Iceland|India|Indonesia|Iran|Islamic Republic of Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|
Kenya|Korea|Republic of Korea|South Korea|Korea (South)|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|
Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Macau|Macao|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nepal|
Netherlands|The Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|Macedonia|Norway|Oman|Pakistan|
Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Puerto Rico|Qatar|Romania|Russia|
Russian Federation|Rwanda|Saudi Arabia|Kingdom of Saudi Arabia|Senegal|Serbia|Sierra Leone|Singapore|Slovakia|
Slovenia|Somalia|South Africa|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Taiwan, ROC|
Republic of China|ROC|R.O.C.|Tajikistan|Tanzania|Thailand|Togo|Trinidad and Tobago|Tunisia|Turkey|Türkiye|
Turkmenistan|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|U.K.|England|Scotland|Wales|
Northern Ireland|Great Britain|United States|United States of America|USA|U.S.A.|US|Uruguay|Uzbekistan|
Venezuela|Vietnam|Viet Nam|Yemen|Zambia|Zimbabwe
""".replace("\n", "").split("|"))

# Words that make a part of an affiliation an organisation (or a unit of one), not an address.
ORG_WORDS = re.compile(
    r"\b(?:Universit\w*|Univ\.|Institut\w*|Department|Dept\.?|School|College|Hospital|Cent(?:er|re)|Centro|"
    r"Laborator\w*|Lab|Academy|Faculty|Division|Clinic\w*|Foundation|Ministry|Unit|Program(?:me)?|Group|"
    r"Company|Inc\.?|Ltd\.?|Corporation|Corp\.?|Council|Society|Service|Office|Agency|Museum|Station|"
    r"Observatory|Research|Sciences?|Medicine|Medical|Polytechnic|Infirmary|Trust|Consortium|Co\.|GmbH|"
    r"Section|Branch|Key|Graduate|Nursing|Pharmacy|Engineering|Technology|Hospitals|Authority|Bureau)\b")
_STREET = re.compile(
    r"\b(?:Street|St\.|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Drive|Dr\.|Way|Place|Square|Strasse|"
    r"Straße|Str\.|Rue|Via|Calle|Avenida|Building|Bldg\.?|Floor|Room|Box|Campus)\b", re.I)
# Postal codes: digits (optionally with a space, dash or letter prefix) or the UK/Canadian shapes.
_POSTCODE = (r"(?:[A-Z]{1,2}[- ]?)?\d{3,6}(?:[- ]\d{2,4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|"
             r"[A-Z]\d[A-Z] ?\d[A-Z]\d")
_WORDS_THEN_CODE = re.compile(rf"^(?P<words>[^\d,]*?[^\d\s,])\s+(?P<code>{_POSTCODE})$")
_CODE_THEN_WORDS = re.compile(rf"^(?P<code>{_POSTCODE})\s+(?P<words>[^\d,]*[^\d\s,])$")
_CODE_ONLY = re.compile(rf"^(?:{_POSTCODE})$")


def is_country(text: str) -> bool:
    return text.strip(" .").lower() in COUNTRIES or text.strip().lower() in COUNTRIES


def looks_like_affiliation(text: str) -> bool:
    """An organisation with, usually, an address: used to find affiliation lines in a title block."""
    parts = [p.strip() for p in text.split(",")]
    return bool(ORG_WORDS.search(text)) and (len(parts) >= 2 or is_country(parts[-1]))


def split_affiliation(written: str) -> Organization:
    """The parts of one affiliation as written; the whole string is kept as the label."""
    written = " ".join(written.split()).strip(" ;,.")
    parts = [p.strip() for p in written.split(",") if p.strip()]
    org = Organization(name=written, label=written)
    if len(parts) < 2:
        return org
    end = len(parts)
    # "Taiwan, ROC" and similar two-part country names.
    if end >= 3 and is_country(", ".join(parts[-2:])):
        org.country, end = ", ".join(parts[-2:]), end - 2
    elif is_country(parts[-1]):
        org.country, end = parts[-1].rstrip("."), end - 1
    address: list[str] = []  # city/region words, nearest the organisation first once reversed
    while end > 1:
        part = parts[end - 1]
        if ORG_WORDS.search(part) and not _STREET.search(part):
            break
        if _STREET.search(part) and re.search(r"\d", part):
            org.street = part if not org.street else f"{part}, {org.street}"
        elif m := (_WORDS_THEN_CODE.match(part) or _CODE_THEN_WORDS.match(part)):
            org.postal_code = org.postal_code or m["code"]
            address.append(m["words"])
        elif _CODE_ONLY.match(part):
            org.postal_code = org.postal_code or part
        elif (len(part.split()) <= 4 and not re.search(r"\d", part) and part[:1].isupper()
              and not (part.isupper() and len(part) > 2)):  # "CNRS" is an organisation, "MA" a state
            address.append(part)
        else:
            break
        end -= 1
    address.reverse()  # now in written order: city first, then region
    if address:
        org.locality = address[0]
        org.region = ", ".join(address[1:])
    org.name = ", ".join(parts[:end])
    if org.label == org.name:
        org.label = ""
    return org
