"""How many cards a board or calendar column draws at once, for speed at scale.

A column holding more draws the first ones in the chosen order, and *Show more* at its foot
asks for the next ones, in the same order and with the same filters; counts and totals always
cover every matching opportunity. The numbers keep a page of a large portfolio quick to send,
lay out and search live, while a column of a usual size shows whole.
"""

# Cards of each column on the first view of a board or calendar.
FIRST_CARDS = 100
# Cards each *Show more* adds; the most a request may ask for is `MAX_CARDS`.
MORE_CARDS = 100
MAX_CARDS = 500
# The live search's matching cards not drawn yet, at most, per column.
FOUND_CARDS = 50
