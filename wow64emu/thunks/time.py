"""wow64.dll converts nothing by hand for the calls about time: their declarations say it all."""

SPECIALS: dict = {}
