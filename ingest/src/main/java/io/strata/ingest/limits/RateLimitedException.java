package io.strata.ingest.limits;

import io.strata.ingest.remotewrite.BadRequestException;

/** The tenant's ingestion rate is used up: answered 429 with {@code Retry-After}, nothing written. */
public final class RateLimitedException extends BadRequestException {
  private final long retryAfterSeconds;

  RateLimitedException(String message, long retryAfterSeconds) {
    super("rate_limited", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public int status() {
    return 429;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
