"""Working with the artist's team: their sign-offs on the files shared for a release, and the plain-language
brief they get each week."""
