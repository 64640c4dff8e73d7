package io.strata.tsdb.format;

/**
 * A persisted record failed its check. Names where (RocksDB key or file), the byte offset of the failed
 * check inside that record or file, and the expected and actual checksum (or field value).
 */
public final class StorageCorruptionException extends RuntimeException {
  private final String location;
  private final long offset;
  private final String expected;
  private final String actual;

  public StorageCorruptionException(String location, long offset, String expected, String actual, String what) {
    super("corrupt " + what + " at " + location + ", offset " + offset + ": expected " + expected + ", actual " + actual);
    this.location = location;
    this.offset = offset;
    this.expected = expected;
    this.actual = actual;
  }

  public String location() {
    return location;
  }

  public long offset() {
    return offset;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
