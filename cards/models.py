"""KIS Digital keeps no table: the card is read live from the participant, and the QR code's
token is signed, not stored (cards.services)."""
