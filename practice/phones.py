"""Phone numbers as people type them, stored one way (E.164) so texts reach them."""


class InvalidPhone(ValueError):
    """Not a number we can text or call: too few or too many digits."""


def normalise_phone(number: str) -> str:
    """ "(970) 555-0123" as "+19705550123"; a number with its country code keeps it; "" stays."""
    digits = "".join(character for character in number if character.isdigit())
    if number.strip() and not 10 <= len(digits) <= 15:
        raise InvalidPhone(number)
    if len(digits) == 10:
        return f"+1{digits}"  # a US number written without the country code
    return f"+{digits}" if digits else ""
