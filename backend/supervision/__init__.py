"""Supervision: phone spot-check rounds of resident cadres (电话抽查) and the evidence beside them."""
