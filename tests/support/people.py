"""A small label's people, as the Slack stand-in knows them, and the Monday the tests start on."""

from tests.support.harness import utc

# A label's people, as the stand-in knows them.
PM = "UPMPAULA"
ARTIST_MANAGER = "UMGRMIKA"
DESIGNER = "UDESIGNDE"
DISTRIBUTION = "UDISTRODA"
ADMIN = "UADMINAL"
OUTSIDER = "UOUTSIDER"

# A Monday morning in Berlin, well ahead of the releases the tests plan.
MONDAY = utc(2027, 1, 4, 9, 0)
