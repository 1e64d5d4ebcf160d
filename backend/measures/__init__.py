"""一户一策: each household's assistance measures, tracked to their results."""
