"""Where the pipeline is going (SPEC X6): amounts won and expected by signature month against
the targets set, by stage, the conversion from each stage to the next and to won, and the
median time spent in each stage, over a chosen period."""
