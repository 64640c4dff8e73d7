package io.strata.tsdb;

/** The aggregates of one rollup window of one series (Thanos's count, sum, min, max, counter, plus last). */
public record RollupPoint(long windowStartMs, long count, double sum, double min, double max, double last, double counter) {}
