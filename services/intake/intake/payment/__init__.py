"""Regional fees and their payment: the per-regency fee table an admin keeps, and the payment of a fee through
a payment gateway (Midtrans Snap) before the application goes to verification. With no fee (the default
everywhere) nothing here is involved and the journey is unchanged."""
