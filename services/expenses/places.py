"""Where a place named on a claim line lies: in Oxford, elsewhere in Oxfordshire, in London,
or elsewhere (R24-R27). Pure: the lists of names are configuration (`ExpensesSettings`),
and these are their defaults.

A name matches when it appears as whole words in what the intern wrote, whatever the case
and punctuation: "Banbury rail station" is Banbury, "KING'S CROSS" is King's Cross. When
several names match, the longest wins, so "Oxford Circus" is in London and "Banbury Road,
Oxford" is in Oxford. Every place in Oxford is also in Oxfordshire. Names on the elsewhere
list only settle such clashes ("Stratford-upon-Avon" is not Stratford in London); a name on
no list is elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from services.applications.contract import Location

__all__ = ["Gazetteer", "Place", "normalise"]

OXFORD: tuple[str, ...] = (
    "Oxford", "Oxford city centre", "Headington", "Old Headington", "Cowley", "Temple Cowley",
    "Summertown", "Jericho", "Botley", "Marston", "Old Marston", "New Marston", "Iffley",
    "Littlemore", "Rose Hill", "Blackbird Leys", "Greater Leys", "Wolvercote", "Cutteslowe",
    "Osney", "St Clement's", "St Ebbe's", "Grandpont", "New Hinksey", "North Hinksey",
    "Risinghurst", "Wood Farm", "Florence Park", "Walton Manor", "Park Town", "Sunnymead",
    "East Oxford", "North Oxford", "West Oxford", "Gloucester Green", "Thornhill",
    "Seacourt", "Pear Tree", "Redbridge", "Oxford Parkway", "Water Eaton", "Oxford Business Park",
    "Oxford Science Park", "John Radcliffe", "Churchill Hospital", "Old Road Campus",
    "Radcliffe Observatory Quarter", "Banbury Road", "Woodstock Road", "Abingdon Road",
)  # fmt: skip

OXFORDSHIRE: tuple[str, ...] = (
    "Abingdon", "Banbury", "Bicester", "Didcot", "Witney", "Wantage",
    "Henley-on-Thames", "Henley", "Thame", "Wallingford", "Chipping Norton", "Kidlington",
    "Carterton", "Faringdon", "Woodstock", "Culham", "Harwell", "Harwell Campus",
    "Milton Park", "Begbroke", "Yarnton", "Eynsham", "Wheatley", "Watlington", "Chinnor",
    "Goring-on-Thames", "Sonning Common", "Berinsfield", "Sutton Courtenay", "Radley",
    "Cumnor", "Long Hanborough", "Hanborough", "Charlbury", "Burford", "Bampton", "Deddington",
    "Adderbury", "Bloxham", "Hook Norton", "Upper Heyford", "Ambrosden", "Launton",
    "Horspath", "Garsington", "Cuddesdon", "Stanton St John", "Forest Hill", "Beckley",
    "Shrivenham", "Uffington", "Blewbury", "Cholsey", "Dorchester-on-Thames",
    "Sandford-on-Thames", "Nuneham Courtenay", "Stadhampton", "Great Milton", "Tetsworth",
    "Shipton-on-Cherwell",
)  # fmt: skip

LONDON: tuple[str, ...] = (
    "London", "Greater London", "City of London", "Westminster", "Camden", "Camden Town",
    "King's Cross", "St Pancras", "Euston", "Paddington", "Marylebone", "Victoria",
    "Victoria Coach Station", "Marble Arch", "Baker Street", "Hillingdon", "Shepherd's Bush",
    "Notting Hill", "White City", "Waterloo", "London Bridge", "Liverpool Street",
    "Charing Cross", "Stratford", "Canary Wharf", "Southwark", "Islington", "Hackney",
    "Bloomsbury", "Holborn", "Soho", "Covent Garden", "Mayfair", "Fitzrovia", "Kensington",
    "South Kensington", "Chelsea", "Hammersmith", "Fulham", "Oxford Circus", "Oxford Street",
    "Tottenham Court Road", "Bond Street", "Green Park", "Piccadilly", "Leicester Square",
    "Shoreditch", "Old Street", "Whitechapel", "Aldgate", "Moorgate", "Barbican",
    "Farringdon", "Clerkenwell", "Greenwich", "Lambeth", "Brixton", "Clapham", "Battersea",
    "Vauxhall", "Elephant and Castle", "Wimbledon", "Ealing", "Hampstead", "Kilburn",
    "Kentish Town", "Wembley", "Tower Hamlets", "Bethnal Green", "Mile End", "Peckham",
    "Lewisham", "Croydon", "Wandsworth", "Putney", "Tooting", "Walthamstow",
)  # fmt: skip

ELSEWHERE: tuple[str, ...] = (
    "Stratford-upon-Avon", "Henley-in-Arden", "Goring-by-Sea", "Reading", "Swindon",
    "Milton Keynes", "High Wycombe", "Aylesbury", "Cheltenham", "Newbury", "Cambridge",
    "Birmingham", "Bristol",
)  # fmt: skip

_QUOTES = re.compile(r"['\u2018\u2019`\u00b4]")
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """Lower case, accents and apostrophes gone, every other mark a space: King's -> kings."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _QUOTES.sub("", text.replace("&", " and "))
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Place:
    written: str  # as the intern wrote it
    area: Location
    town: str  # the known name it matched; every place in Oxford is the town "Oxford"

    @property
    def in_oxfordshire(self) -> bool:
        return self.area in (Location.oxford, Location.oxfordshire)

    def same_town(self, other: Place) -> bool:
        return self.area is not Location.elsewhere and (
            normalise(self.town) == normalise(other.town)
        )


@dataclass(frozen=True)
class Gazetteer:
    oxford: tuple[str, ...] = OXFORD
    oxfordshire: tuple[str, ...] = OXFORDSHIRE  # beyond Oxford; Oxford's names count too
    london: tuple[str, ...] = LONDON
    elsewhere: tuple[str, ...] = ELSEWHERE

    @cached_property
    def _index(self) -> list[tuple[str, Location, str]]:
        """(normalised name, area, town), longest first; on a tie Oxford before
        Oxfordshire before London before elsewhere."""
        lists = (
            (Location.oxford, self.oxford),
            (Location.oxfordshire, self.oxfordshire),
            (Location.london, self.london),
            (Location.elsewhere, self.elsewhere),
        )
        entries = [
            (key, area, "Oxford" if area is Location.oxford else name)
            for area, names in lists
            for name in names
            if (key := normalise(name))
        ]
        return sorted(entries, key=lambda entry: -len(entry[0]))

    def where(self, written: str) -> Place:
        text = f" {normalise(written)} "
        for key, area, town in self._index:
            if f" {key} " in text:
                return Place(written, area, town)
        return Place(written, Location.elsewhere, "")
