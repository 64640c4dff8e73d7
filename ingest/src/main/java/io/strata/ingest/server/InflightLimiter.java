package io.strata.ingest.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of request bodies being decoded or waiting for Kafka. A request that does not fit is
 * answered 503 with Retry-After at once, so a slow or unavailable Kafka turns into backpressure on the
 * senders instead of an ever-growing queue in ingest.
 */
final class InflightLimiter {
  private final long max;
  private final AtomicLong used = new AtomicLong();

  InflightLimiter(long max) {
    this.max = max;
  }

  boolean tryAcquire(long bytes) {
    while (true) {
      long u = used.get();
      if (u + bytes > max && u > 0) { // one request alone always fits, so a body up to the limit is never refused forever
        return false;
      }
      if (used.compareAndSet(u, u + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
