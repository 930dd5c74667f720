"""How the practice writes amounts of money to people."""

from decimal import Decimal


def dollars(amount: Decimal | int) -> str:
    """$150.00 or $1,200.00: a fee as a US client reads it."""
    return f"${Decimal(amount):,.2f}"
