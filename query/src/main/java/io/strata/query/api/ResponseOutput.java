package io.strata.query.api;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A JSON answer on its way out: held in memory up to {@code limit} bytes and sent with a Content-Length
 * when it ends there (nothing is committed, so a failure while writing can still become an error answer);
 * past the limit the held bytes and everything after stream to the client as they are written (chunked),
 * as Prometheus streams its answers, so a large matrix is never held whole (a 12 MB answer took three
 * growing copies before).
 */
final class ResponseOutput extends OutputStream {
  private final Response response;
  private final int limit;
  private byte[] buf;
  private int size;
  private OutputStream sink;

  ResponseOutput(Response response, int limit) {
    this.response = response;
    this.limit = limit;
    this.buf = new byte[Math.min(limit, 8192)];
  }

  /** Whether the answer is already on its way (headers committed). */
  boolean streaming() {
    return sink != null;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1); // Jackson writes whole buffers; this is not on its path
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (sink != null) {
      sink.write(b, off, len);
      return;
    }
    if (size + len > limit) {
      // Jackson flushes every 8 KB: 64 KB per write to the connection instead
      sink = new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024);
      sink.write(buf, 0, size);
      buf = null;
      sink.write(b, off, len);
      return;
    }
    if (size + len > buf.length) {
      buf = Arrays.copyOf(buf, Math.min(limit, Math.max(size + len, buf.length * 2)));
    }
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  /** Sends what is held (as one write with its length) or ends the stream, then completes {@code callback}. */
  void finish(Callback callback) {
    if (sink == null) {
      response.write(true, ByteBuffer.wrap(buf, 0, size), callback);
      return;
    }
    try {
      sink.close();
      callback.succeeded();
    } catch (IOException e) {
      callback.failed(e);
    }
  }
}
