"""What a CCCD number says about its holder (DOMAIN.md, "People and identifiers")."""


def cccd_birth_century_and_sex(number: str) -> tuple[int, str]:
    """(first year of the century, "M"/"F") encoded in the 4th digit of a 12-digit CCCD.

    0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s, 6/7: 2200s, 8/9: 1800s.
    """
    digit = int(number[3])
    century = 1800 if digit >= 8 else 1900 + (digit // 2) * 100
    return century, ("M" if digit % 2 == 0 else "F")


def cccd_agrees(number: str, *, birth_year: int, sex: str) -> bool:
    """Whether a 12-digit CCCD's century/sex digit and 2-digit year match the holder's."""
    century, cccd_sex = cccd_birth_century_and_sex(number)
    return century + int(number[4:6]) == birth_year and cccd_sex == sex
