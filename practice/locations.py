"""Where a client is during a video session: a US state, or outside the United States.

A therapist may see a client by video only where they are licensed to practise, which is where
the client physically is at the time of the session, not where the client lives.
"""

OUTSIDE_US = "outside-us"

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

LOCATION_CHOICES = [
    *sorted(((code, name) for code, name in US_STATES.items()), key=lambda item: item[1]),
    (OUTSIDE_US, "Outside the United States"),
]


def location_name(code: str) -> str:
    """“Colorado”, or “the United States” negated: words that follow “while you are in”."""
    return US_STATES.get(code, "a country outside the United States")


def state_codes(value: str) -> list[str]:
    """ "CO, WY" as ["CO", "WY"]: the states a therapist is licensed in, as staff type them."""
    return [code.strip().upper() for code in value.split(",") if code.strip()]
