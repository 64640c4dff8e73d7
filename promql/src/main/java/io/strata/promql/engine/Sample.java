package io.strata.promql.engine;

import io.strata.schemas.model.Labels;

/** One element of an instant vector. */
public record Sample(Labels labels, long timestampMs, double value) {}
