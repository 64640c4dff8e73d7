package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The samples of one series while it is decoded: remote_write's {@code Sample} message (field 1 value,
 * double; field 2 timestamp, int64 ms; the same in 1.0 and 2.0) appended to growable primitive arrays.
 */
final class SampleColumns {
  private static final int TAG_VALUE = 1 << 3 | 1; // field 1, fixed64
  private static final int TAG_TIMESTAMP = 2 << 3; // field 2, varint

  long[] timestamps = new long[1];
  double[] values = new double[1];
  int size;

  /** Reads one length-delimited Sample message at the stream's position. */
  void readSample(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    double v = 0;
    long t = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_VALUE) {
        v = in.readDouble();
      } else if (tag == TAG_TIMESTAMP) {
        t = in.readInt64();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.popLimit(limit);
    if (size == timestamps.length) {
      timestamps = Arrays.copyOf(timestamps, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    timestamps[size] = t;
    values[size] = v;
    size++;
  }
}
