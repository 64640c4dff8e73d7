package io.strata.streams.rollup;

import java.nio.ByteBuffer;

/**
 * What a series remembers between samples: its last accepted timestamp and raw value, and the sum of the
 * values lost at counter resets (Thanos's counter aggregate: a reset is a value lower than the one before;
 * the reset-adjusted counter is raw value + offset). Stored as 25 bytes: version byte 1, then big-endian
 * last timestamp, last raw value and offset.
 */
public final class CounterState {
  static final byte VERSION = 1;
  static final int ENCODED_BYTES = 1 + 3 * 8;

  private boolean seen;
  private long lastTimestamp;
  private double lastRaw;
  private double offset;

  public void clear() {
    seen = false;
    lastTimestamp = Long.MIN_VALUE;
    lastRaw = 0;
    offset = 0;
  }

  /** True when this series has an accepted sample at or after {@code timestamp}. */
  public boolean isNotBefore(long timestamp) {
    return seen && timestamp <= lastTimestamp;
  }

  /** Records an accepted sample and returns its reset-adjusted counter value. */
  public double accept(long timestamp, double value) {
    if (seen && value < lastRaw) {
      offset += lastRaw;
    }
    seen = true;
    lastTimestamp = timestamp;
    lastRaw = value;
    return value + offset;
  }

  public long lastTimestamp() {
    return lastTimestamp;
  }

  public byte[] encode() {
    return ByteBuffer.allocate(ENCODED_BYTES).put(VERSION).putLong(lastTimestamp).putDouble(lastRaw).putDouble(offset).array();
  }

  /** Loads a stored value, or clears this instance when {@code stored} is null. */
  public CounterState decode(byte[] stored) {
    if (stored == null) {
      clear();
      return this;
    }
    if (stored.length != ENCODED_BYTES || stored[0] != VERSION) {
      throw new IllegalStateException("corrupt counter state in state store: expected " + ENCODED_BYTES
          + " bytes starting with version " + VERSION + ", got " + stored.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(stored, 1, ENCODED_BYTES - 1);
    seen = true;
    lastTimestamp = b.getLong();
    lastRaw = b.getDouble();
    offset = b.getDouble();
    return this;
  }

  /** The last accepted timestamp of a stored value, without decoding the rest. */
  static long lastTimestampOf(byte[] stored) {
    return ByteBuffer.wrap(stored, 1, 8).getLong();
  }
}
